"""The serve workload (serve_workload.py) without timing anything: the
spin.toml it writes, VmRSS and port announcements it reads, the ratios to
`wasmtime serve` and issue 13's verdicts, the commands of each contender,
and both tables end to end with a small Python HTTP server standing in for
the runtimes and for `flint up` (wrk replaced by a fixed report)."""

from __future__ import annotations

import contextlib
import functools
import sys
import tempfile
import tomllib
import unittest
from pathlib import Path
from unittest import mock

from fakes import FakeContender, QuietProgress, write_script

from flintbench import cli, serve_workload
from flintbench.contenders import Unsupported, wasm_runtimes
from flintbench.http_load import HttpResult
from flintbench.model import BYTES, FAILED, NOT_AVAILABLE, OK, PER_SECOND, SECONDS, Cell, Column, Table
from flintbench.programs import Program
from flintbench.render import markdown_table
from flintbench.servers import announced_port, serve_process
from flintbench.session import Options, Session

# Serves 200 "hello from flint bench\n" on every path. As a runtime:
# `server.py ADDR COMPONENT`; as flint: `flint up --from DIR --listen ADDR`.
# Port 0 binds any port and announces it, as `flint serve` and `flint up` do.
FAKE_SERVER = f"""#!{sys.executable}
import sys, http.server
args = sys.argv[1:]
addr = args[args.index("--listen") + 1] if "--listen" in args else args[0]
if "--exit" in args:
    print("flint up: not available yet", file=sys.stderr)
    sys.exit(1)
host, port = addr.rsplit(":", 1)
class Hello(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):
        body = b"no route" if "--notfound" in args else b"hello from flint bench\\n"
        self.send_response(404 if "--notfound" in args else 200)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
server = http.server.ThreadingHTTPServer((host, int(port)), Hello)
line = "Serving http://%s:%d" % server.server_address if "up" in args else \\
    "Serving HTTP on http://%s:%d/" % server.server_address
print(line, file=sys.stdout if "up" in args else sys.stderr, flush=True)
server.serve_forever()
"""

WRK = HttpResult(requests_per_s=1000.0, p50_ms=2.0, p99_ms=9.0, raw="wrk report", requests=10000)


class ServingContender(FakeContender):
    """Serves the component with the fake server; `port0` announces."""

    def __init__(self, name, script, port0=True, **kwargs):
        super().__init__(name, script, **kwargs)
        self.port0, self.served = port0, []

    def component_server_command(self, component, addr):
        self.served.append(addr)
        return [str(self.script), addr, str(component)]

    def announces_port(self):
        return self.port0


class NativeServer(FakeContender):
    def server_command(self, program, port):
        return [str(self.script), f"127.0.0.1:{port}"]


class PureFunctionsTest(unittest.TestCase):
    def test_spin_manifest_has_one_component_per_route(self):
        manifest = tomllib.loads(serve_workload.spin_manifest(3))
        self.assertEqual(manifest["spin_manifest_version"], 2)
        self.assertEqual([t["route"] for t in manifest["trigger"]["http"]], ["/", "/r1", "/r2"])
        self.assertEqual([t["component"] for t in manifest["trigger"]["http"]], ["c0", "c1", "c2"])
        self.assertEqual({c["source"] for c in manifest["component"].values()}, {"http_hello.wasm"})
        self.assertEqual(len(manifest["component"]), 3)
        self.assertEqual(len(tomllib.loads(serve_workload.spin_manifest(1000))["component"]), 1000)

    def test_vm_rss(self):
        status = "Name:\tflint-serve\nVmPeak:\t  900 kB\nVmRSS:\t   12345 kB\nRssAnon:\t 100 kB\n"
        self.assertEqual(serve_workload.vm_rss(status), 12345 * 1024)
        with self.assertRaises(ValueError):
            serve_workload.vm_rss("Name:\tkthreadd\n")

    def test_settled_rss_waits_for_a_flat_window(self):
        readings = iter([10, 50, 90, 100, 100, 101, 100, 500])
        median, seen = serve_workload.settled_rss(1, window=4, tolerance=0.02, reader=lambda pid: next(readings),
                                                  sleep=lambda s: None)
        self.assertEqual(seen, [10, 50, 90, 100, 100, 101, 100])
        self.assertEqual(median, 100)

    def test_settled_rss_gives_up_after_its_timeout(self):
        values = iter(range(1, 100))
        median, seen = serve_workload.settled_rss(1, interval_s=1, window=2, timeout_s=3,
                                                  reader=lambda pid: next(values) * 1000, sleep=lambda s: None)
        self.assertEqual(len(seen), 4)
        self.assertEqual(median, 3500)

    def test_per_extra_app_is_the_slope_between_the_ends(self):
        self.assertIsNone(serve_workload.per_extra_app({1: 10.0}))
        self.assertEqual(serve_workload.per_extra_app({1: 10e6, 100: 20e6, 1000: 10e6 + 999 * 2048}), 2048)

    def test_announced_port(self):
        self.assertEqual(announced_port("Serving HTTP on http://127.0.0.1:40123/\n"), 40123)  # flint/wasmtime serve
        self.assertEqual(announced_port("Serving http://127.0.0.1:3000\nAvailable Routes:\n"), 3000)  # flint up
        self.assertEqual(announced_port("Serving HTTP on http://[::1]:8080/"), 8080)
        self.assertIsNone(announced_port("compiling...\n"))

    def serve_table(self, flint, wasmtime):
        table = Table("serve", "S", [Column(serve_workload.REQUESTS, PER_SECOND, lower_is_better=False),
                                     Column(serve_workload.P50, SECONDS), Column(serve_workload.P99, SECONDS)])
        for name, figures in (("wasmtime", wasmtime), ("flint (aot)", flint)):
            for column, figure in zip(table.columns, figures):
                table.set(name, column.name, Cell(OK, figure=figure, samples=[figure]))
        table.set("flint (interp)", serve_workload.REQUESTS, Cell.failed("crashed"))
        return table

    def test_ratios_to_wasmtime_and_the_targets(self):
        table = self.serve_table(flint=(3000.0, 0.001, 0.004), wasmtime=(1000.0, 0.002, 0.005))
        self.assertEqual(serve_workload.ratios_to(table, "wasmtime"),
                         {"flint (aot)": {"requests/s": 3.0, "p50 latency": 0.5, "p99 latency": 0.8}})
        notes = serve_workload.reference_notes(table)
        self.assertEqual(len(notes), 1)  # flint (interp) has no figure: no ratio, no verdict
        self.assertIn("requests/s 3.00×", notes[0])
        self.assertIn("requests/s ≥ 1.5×: met; p99 ≤ 1×: met", notes[0])
        slow = self.serve_table(flint=(1400.0, 0.001, 0.006), wasmtime=(1000.0, 0.002, 0.005))
        self.assertIn("requests/s ≥ 1.5×: not met; p99 ≤ 1×: not met", serve_workload.reference_notes(slow)[0])

    def test_no_wasmtime_no_ratio(self):
        table = Table("serve", "S", [Column(serve_workload.REQUESTS, PER_SECOND)])
        table.set("flint (aot)", serve_workload.REQUESTS, Cell(OK, figure=5.0))
        table.set("wasmtime", serve_workload.REQUESTS, Cell.unavailable("wasmtime not found on PATH"))
        self.assertEqual(serve_workload.reference_notes(table),
                         ["No ratio to `wasmtime serve`: wasmtime or Flint was not measured."])

    def test_serve_commands(self):
        directory = Path(tempfile.mkdtemp(prefix="flintbench-serve-"))
        fake = write_script(directory, "wasmtime", "echo wasmtime 48")
        runtimes = {r.name: r for r in wasm_runtimes("/b/flint", "", str(directory))}
        hello = Path("/c/hello.wasm")
        self.assertEqual(runtimes["flint (aot)"].component_server_command(hello, "127.0.0.1:0"),
                         ["/b/flint", "serve", "--engine", "aot", "-S", "cli", "--addr", "127.0.0.1:0",
                          "/c/hello.wasm"])
        self.assertEqual(runtimes["flint (interp)"].component_server_command(hello, "127.0.0.1:0")[2:4],
                         ["--engine", "interp"])
        self.assertTrue(runtimes["flint (aot)"].announces_port())
        self.assertEqual(runtimes["wasmtime"].component_server_command(hello, "127.0.0.1:9"),
                         [str(fake), "serve", "-S", "cli", "--addr", "127.0.0.1:9", "/c/hello.wasm"])
        self.assertFalse(runtimes["wasmtime"].announces_port())
        with self.assertRaises(Unsupported):
            runtimes["wazero"].component_server_command(hello, "127.0.0.1:9")

    def test_options(self):
        args = cli.parse_arguments(["--workloads", "serve", "--serve-apps", "1,10", "--serve-rounds", "3"])
        options = cli.options_from(args)
        self.assertEqual((options.serve_apps, options.serve_rounds, options.serve_duration_s,
                          options.serve_warmup_s, options.serve_threads), ((1, 10), 3, 10.0, 2.0, 1))
        quick = cli.options_from(cli.parse_arguments(["--quick", "--serve-warmup", "0"]))
        self.assertEqual((quick.serve_rounds, quick.serve_duration_s, quick.serve_warmup_s, quick.serve_apps),
                         (1, 2.0, 0.0, (1, 100)))
        self.assertEqual(cli.options_from(cli.parse_arguments([])).serve_apps, (1, 100, 1000))
        self.assertIn("serve", cli.parse_arguments([]).workloads)
        self.assertFalse(options.serve_own_session)
        self.assertTrue(cli.options_from(cli.parse_arguments(["--serve-own-session"])).serve_own_session)
        with mock.patch("sys.stderr"):
            for bad in (["--serve-apps", "1,x"], ["--serve-apps", "0"], ["--serve-rounds", "0"]):
                with self.assertRaises(SystemExit):
                    cli.parse_arguments(bad)


class ServeEndToEndTest(unittest.TestCase):
    def setUp(self):
        for name, value in (("SETTLE_S", 0.0),
                            ("settled_rss", functools.partial(serve_workload.settled_rss, interval_s=0.01))):
            patch = mock.patch.object(serve_workload, name, value)
            patch.start()
            self.addCleanup(patch.stop)
        self.dir = Path(tempfile.mkdtemp(prefix="flintbench-serve-"))
        self.server = self.dir / "server.py"
        self.server.write_text(FAKE_SERVER)
        self.server.chmod(0o755)
        self.component = Program("http-hello", wasm=self.dir / "hello.wasm")
        self.component.wasm.write_bytes(b"\0asm")

    def session(self, contenders, **options):
        session = Session(contenders, Options(serve_rounds=2, serve_warmup_s=1, server_cpu=None, load_cpu=None,
                                              timeout_s=30, **options), QuietProgress(), self.dir)
        session.probe_all()
        return session

    def test_serve_table_rows_for_every_contender(self):
        flint = ServingContender("flint (aot)", self.server)
        wasmtime = ServingContender("wasmtime", self.server, port0=False)
        native = NativeServer("native", self.server, kind="native")
        contenders = [native, flint, wasmtime, FakeContender("wazero", self.server),
                      FakeContender("missing", self.server, available=False)]
        session = self.session(contenders)
        c_server = Program("http-server", native=self.dir / "http_server")
        calls = []

        def wrk(url, duration, connections, threads, cpu):
            calls.append((url, duration))
            return WRK
        with mock.patch.object(serve_workload, "run_wrk", wrk), \
                mock.patch.object(serve_workload.shutil, "which", lambda name, **kw: "/usr/bin/" + name):
            table = serve_workload.serve_table(session, self.component, c_server)
        self.assertEqual(table.cell("flint (aot)", "requests/s").figure, 1000.0)
        self.assertEqual(table.cell("flint (aot)", "p99 latency").samples, [0.009, 0.009])
        self.assertEqual(table.cell("native", "p50 latency").figure, 0.002)
        self.assertEqual(table.cell("wasmtime", "idle RSS").status, OK)
        self.assertGreater(table.cell("wasmtime", "idle RSS").figure, 0)
        self.assertEqual(table.cell("wazero", "requests/s").status, NOT_AVAILABLE)
        self.assertEqual(table.cell("wazero", "requests/s").reason, "serves no wasi:http components")
        self.assertEqual(table.cell("missing", "requests/s").reason, "missing not found on PATH")
        self.assertEqual(flint.served, ["127.0.0.1:0"] * 3)  # probed once, then a fresh server each round
        self.assertNotIn("127.0.0.1:0", wasmtime.served[1:])  # told a free port
        self.assertEqual(len(calls), 3 * 2 * 2)  # contenders x rounds x (warm-up + measured)
        self.assertIn("requests/s 1.00×", " ".join(table.notes))

    def test_non_2xx_answers_fail_the_contender(self):
        flint = ServingContender("flint (aot)", self.server)
        session = self.session([flint])
        bad = HttpResult(requests_per_s=9e9, p50_ms=0.1, p99_ms=0.1, raw="", requests=100, non_2xx=100)
        with mock.patch.object(serve_workload, "run_wrk", lambda *a: bad), \
                mock.patch.object(serve_workload.shutil, "which", lambda name, **kw: "/usr/bin/" + name):
            table = serve_workload.serve_table(session, self.component, Program("http-server"))
        self.assertEqual(table.cell("flint (aot)", "requests/s").status, FAILED)
        self.assertEqual(table.cell("flint (aot)", "requests/s").reason, "100 of 100 answers were not 2xx")

    def test_up_memory_table(self):
        session = self.session([], serve_apps=(1, 3))
        table = serve_workload.up_memory_table(session, self.component, str(self.server))
        self.assertEqual(list(table.rows), [f"flint up ({engine}), {state}" for engine in ("interp", "aot")
                                            for state in serve_workload.STATES])
        for row in table.rows:
            for column in ("1 app", "3 apps", "per extra app"):
                self.assertEqual(table.cell(row, column).status, OK, table.cell(row, column).reason)
        self.assertGreater(table.cell("flint up (aot), before any request", "1 app").figure, 0)
        self.assertIn("ready_s", table.cell("flint up (aot), before any request", "3 apps").details)
        app = self.dir / "serve" / "apps-3"
        self.assertEqual(len(tomllib.loads((app / "spin.toml").read_text())["component"]), 3)
        self.assertTrue((app / "http_hello.wasm").is_file())
        self.assertIn("server.py up --engine aot --from",
                      table.cell("flint up (aot), before any request", "1 app").command)
        self.assertIn("| flint up (interp), after a request to every route |", markdown_table(table))
        self.assertEqual(table.columns[-1], Column("per extra app", BYTES))
        self.assertEqual(sum("issue 13's target" in note for note in table.notes), 6)

    def test_get_each_reports_the_first_wrong_answer(self):
        with serve_workload_server(self.server) as port:
            self.assertIsNone(serve_workload.get_each(port, ["/", "/r1", "/r2"]))
        with serve_workload_server(self.server, "--notfound") as port:
            self.assertEqual(serve_workload.get_each(port, ["/", "/r1"]), "GET / answered 404 b'no route'")

    def test_up_not_there_yet_is_not_available(self):
        script = write_script(self.dir, "flint", f'exec {self.server} "$@" --exit')
        table = serve_workload.up_memory_table(self.session([], serve_apps=(1, 2)), self.component, str(script))
        row = "flint up (interp), before any request"
        self.assertEqual(table.cell(row, "1 app").status, NOT_AVAILABLE)
        self.assertIn("not available yet", table.cell(row, "1 app").reason)
        self.assertEqual(table.cell("flint up (aot), after one request", "2 apps").status, NOT_AVAILABLE)
        self.assertEqual(table.cell(row, "per extra app").status, NOT_AVAILABLE)


@contextlib.contextmanager
def serve_workload_server(script, *flags):
    with serve_process([str(script), "127.0.0.1:0", *flags], None, None, 30, probe_path=None) as running:
        yield running.port


if __name__ == "__main__":
    unittest.main()
