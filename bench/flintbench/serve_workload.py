"""Workload 5, serving (issue 13): the same wasi:http hello component
(guests/components/rust/http_hello, answering 200 "hello from flint
bench\\n") under `flint serve` (both engines) and `wasmtime serve`, each
with its defaults (a fresh instance per request; Wasmtime's pooling
allocator), and the HTTP workload's C server (bench/http/server.c, the same
body) natively as the ceiling. wrk loads each on loopback from another core,
after a warm-up run, for several rounds in rotating order, a fresh server
each round; the table gives the medians and the ratios to native and to
`wasmtime serve`.

Then the idle memory of one `flint up` holding 1, 100 and 1,000 apps: a
spin.toml with N HTTP routes, each its own component (the same hello .wasm),
its resident set once start-up has settled, before and after one request,
and what each extra app costs."""

from __future__ import annotations

import http.client
import os
import shutil
import statistics
import subprocess
import time
from pathlib import Path

import engines  # bench/engines.py: the rotated round schedule

from . import REPO_DIR
from .contenders import LISTEN_HOST, NATIVE, Contender, ContenderError, Unsupported, search_path
from .http_load import HttpLoadError, run_wrk
from .model import BYTES, OK, PER_SECOND, SECONDS, Cell, Column, Table
from .programs import BuildError, Program
from .servers import ServerError, free_port, serve_process
from .session import Session

REQUESTS, P50, P99, IDLE = "requests/s", "p50 latency", "p99 latency", "idle RSS"
REFERENCE = "wasmtime"  # the contender issue 13's targets are set against
HELLO_SOURCE = REPO_DIR / "guests" / "components" / "rust" / "http_hello"
HELLO_NAME = "http_hello.wasm"
HELLO_BODY = b"hello from flint bench\n"
BUILT_HELLO = Path("guests") / "components" / "rust" / HELLO_NAME  # in a CMake build tree
SETTLE_S = 1.0  # after the first answer, before reading a server's idle memory
MIB = 1 << 20


class ServeError(Exception):
    """The workload cannot go on for this contender: the message says why."""


# ---- the component ----------------------------------------------------------

def cargo_build_command(cargo: str, target_dir: Path) -> list[str]:
    return [cargo, "build", "--quiet", "--locked", "--release", "--target", "wasm32-wasip2",
            "--manifest-path", str(HELLO_SOURCE / "Cargo.toml"), "--target-dir", str(target_dir)]


def hello_component(session: Session, explicit: Path | None, flint: str | None) -> Program:
    """Program("http-hello") whose wasm build is the hello component:
    --serve-component, else the one CMake built beside `flint`
    (build/guests/components/rust/http_hello.wasm), else built here with
    rustup's cargo (wasm32-wasip2) into OUT/serve."""
    if "http-hello" in session.programs:
        return session.programs["http-hello"]
    program = Program("http-hello")
    session.programs["http-hello"] = program
    if explicit is not None:
        program.wasm = Path(explicit).resolve()
        program.commands["wasm"] = f"given: {program.wasm}"
        return program
    if flint:
        built = Path(flint).resolve().parent / BUILT_HELLO
        if built.is_file() and built.stat().st_mtime >= newest_source():
            program.wasm = built
            program.commands["wasm"] = f"built by CMake: {built}"
            return program
    cargo = shutil.which("cargo", path=search_path())
    if cargo is None:
        program.errors["wasm"] = "no cargo to build guests/components/rust/http_hello (rustup, wasm32-wasip2)"
        return program
    out = session.out_dir / "serve"
    argv = cargo_build_command(cargo, out / "target")
    environment = dict(os.environ, RUSTC=str(Path(cargo).parent / "rustc"))
    session.progress.note("serve: building the hello component (cargo, wasm32-wasip2)")
    result = subprocess.run(argv, capture_output=True, text=True, env=environment)
    built = out / "target" / "wasm32-wasip2" / "release" / HELLO_NAME
    if result.returncode != 0 or not built.is_file():
        program.errors["wasm"] = (f"`{' '.join(argv)}` failed: "
                                  f"{(result.stderr.strip().splitlines() or ['no output'])[-1]}")
        return program
    program.wasm = out / HELLO_NAME
    shutil.copyfile(built, program.wasm)
    program.commands["wasm"] = " ".join(argv)
    return program


def newest_source() -> float:
    files = [HELLO_SOURCE / "Cargo.toml", HELLO_SOURCE / "Cargo.lock", *HELLO_SOURCE.glob("src/*.rs")]
    return max((f.stat().st_mtime for f in files if f.exists()), default=0.0)


# ---- requests/s and latency -------------------------------------------------

def server_launcher(contender: Contender, component: Program, server: Program):
    """A function giving (argv, port) for a fresh server of `contender`:
    native runs the C server, a runtime serves the component; port None
    when the server binds port 0 and announces the one it got. Raises
    Unsupported, ContenderError or BuildError when there is none."""
    if contender.kind == NATIVE:
        server.build_of("native")

        def native() -> tuple[list[str], int | None]:
            port = free_port()
            return contender.server_command(server, port), port
        return native
    wasm = component.build_of("wasm")
    contender.component_server_command(wasm, f"{LISTEN_HOST}:0")  # raises Unsupported early

    def runtime() -> tuple[list[str], int | None]:
        if contender.announces_port():
            return contender.component_server_command(wasm, f"{LISTEN_HOST}:0"), None
        port = free_port()
        return contender.component_server_command(wasm, f"{LISTEN_HOST}:{port}"), port
    return runtime


def check_round(result) -> None:
    """A round whose answers were not all 2xx measured something else (a
    500 from a trap is fast): it fails the contender."""
    if result.non_2xx:
        raise ServeError(f"{result.non_2xx} of {result.requests} answers were not 2xx")


def serve_table(session: Session, component: Program, server: Program) -> Table:
    o = session.options
    table = Table("serve", "Serving: one wasi:http hello component, a fresh instance per request "
                           "(wrk, keep-alive, loopback)",
                  [Column(REQUESTS, PER_SECOND, lower_is_better=False), Column(P50, SECONDS),
                   Column(P99, SECONDS), Column(IDLE, BYTES)])
    table.notes.append(
        f"wrk -t {o.serve_threads} -c {o.http_connections} -d {o.serve_duration_s:g}s --latency after a "
        f"{o.serve_warmup_s:g} s warm-up run (discarded), {o.serve_rounds} round(s) per contender in rotating "
        f"order, a fresh server each round; medians over rounds. Server pinned to CPU {o.server_cpu}, wrk to "
        f"CPU {o.load_cpu} (taskset). The runtimes serve {HELLO_SOURCE.relative_to(REPO_DIR)} "
        "(`flint serve --engine E -S cli`, `wasmtime serve -S cli`: Rust's std imports wasi:cli/environment, "
        "outside the proxy world), each with its defaults; native is bench/http/server.c, one thread and "
        "poll(2), answering the same body: the ceiling, not a contender. Servers run "
        + ("each in a session of its own (so an autogroup of its own for the scheduler)."
           if o.serve_own_session else
           "in the harness's session, as wrk does (one autogroup for the scheduler; "
           "--serve-own-session gives each server its own)."))
    table.notes.append(f"Idle RSS: the server's process tree {SETTLE_S:g} s after its first answer, before "
                       "the warm-up; median over rounds.")
    launchers = {}
    for contender in session.contenders:
        available, why = session.availability.get(contender.name, (False, "not probed"))
        try:
            if not available:
                raise Unsupported(why)
            launchers[contender.name] = server_launcher(contender, component, server)
        except Unsupported as error:
            for column in table.columns:
                table.set(contender.name, column.name, Cell.unavailable(str(error)))
        except Exception as error:  # ContenderError, BuildError
            for column in table.columns:
                table.set(contender.name, column.name, Cell.failed(str(error)))
    if shutil.which("wrk") is None:
        for name in launchers:
            for column in table.columns:
                table.set(name, column.name, Cell.unavailable("wrk not installed (apt-get install wrk)"))
        return table
    results: dict[str, list] = {name: [] for name in launchers}
    memory: dict[str, list[float]] = {name: [] for name in launchers}
    loads: dict[str, list] = {name: [] for name in launchers}
    commands: dict[str, str] = {}
    errors: dict[str, str] = {}
    names = list(launchers)
    schedule = engines.round_orders(names, o.serve_rounds, o.serve_rounds) if names else []
    done = 0
    for index, (_, order) in enumerate(schedule):
        for name in order:
            done += 1
            if name in errors:
                continue
            left = len(schedule) * len(names) - done + 1
            session.progress.step("serve", name, index + 1, len(schedule),
                                  left * (o.serve_duration_s + o.serve_warmup_s + SETTLE_S + 1))
            argv, port = launchers[name]()
            try:
                with serve_process(argv, port, o.server_cpu, o.timeout_s,
                                   own_session=o.serve_own_session) as running:
                    commands[name] = " ".join(running.argv)
                    time.sleep(SETTLE_S)
                    memory[name].append(float(running.memory().bytes))
                    if o.serve_warmup_s > 0:
                        run_wrk(running.url, o.serve_warmup_s, o.http_connections, o.serve_threads, o.load_cpu)
                    before = os.getloadavg()[0]
                    result = run_wrk(running.url, o.serve_duration_s, o.http_connections, o.serve_threads,
                                     o.load_cpu)
                    check_round(result)
                    results[name].append(result)
                    loads[name].append((round(before, 2), round(os.getloadavg()[0], 2)))
            except (ServerError, HttpLoadError, ServeError, OSError) as error:
                errors[name] = str(error)
                session.progress.note(f"serve: {name} failed: {error}")
    for name in names:
        if name in errors:
            for column in table.columns:
                table.set(name, column.name, Cell.failed(errors[name], command=commands.get(name, "")))
            continue
        rounds = results[name]
        details = {"wrk_output": [r.raw for r in rounds], "load_average_before_after": loads[name],
                   "socket_errors": [r.socket_errors for r in rounds], "requests": [r.requests for r in rounds]}
        for column, values, extra in ((REQUESTS, [r.requests_per_s for r in rounds], details),
                                      (P50, [r.p50_ms / 1000 for r in rounds], {}),
                                      (P99, [r.p99_ms / 1000 for r in rounds], {}),
                                      (IDLE, memory[name], {})):
            table.set(name, column, Cell(OK, figure=statistics.median(values), samples=values, details=extra,
                                         command=commands.get(name, "")))
    table.notes += reference_notes(table)
    return table


def ratios_to(table: Table, reference: str) -> dict[str, dict[str, float]]:
    """Every measured row's figures over `reference`'s, column by column
    (requests/s: higher is better; latencies and memory: lower)."""
    ratios: dict[str, dict[str, float]] = {}
    for name in table.rows:
        if name == reference:
            continue
        for column in table.columns:
            mine, theirs = table.cell(name, column.name), table.cell(reference, column.name)
            if mine.status == OK and theirs.status == OK and theirs.figure:
                ratios.setdefault(name, {})[column.name] = mine.figure / theirs.figure
    return ratios


def reference_notes(table: Table, reference: str = REFERENCE) -> list[str]:
    """The ratios to `wasmtime serve` and issue 13's two serving targets:
    requests/s at least 1.5x Wasmtime's, p99 no worse than Wasmtime's."""
    ratios = ratios_to(table, reference)
    notes = []
    for name, columns in ratios.items():
        if not name.startswith("flint"):
            continue
        parts = ", ".join(f"{column} {columns[column]:.2f}×" for column in (REQUESTS, P50, P99, IDLE)
                          if column in columns)
        verdicts = []
        if REQUESTS in columns:
            verdicts.append(f"requests/s ≥ 1.5×: {'met' if columns[REQUESTS] >= 1.5 else 'not met'}")
        if P99 in columns:
            verdicts.append(f"p99 ≤ 1×: {'met' if columns[P99] <= 1.0 else 'not met'}")
        notes.append(f"{name} against `wasmtime serve`: {parts}. Issue 13's targets: {'; '.join(verdicts)}.")
    if not notes:
        notes.append(f"No ratio to `wasmtime serve`: {reference} or Flint was not measured.")
    return notes


# ---- flint up: idle memory per loaded app --------------------------------------

def route_of(index: int) -> str:
    """App 0 answers `/` (so a plain GET / finds it), app i `/r<i>`."""
    return "/" if index == 0 else f"/r{index}"


def spin_manifest(count: int, source: str = HELLO_NAME) -> str:
    """A Spin 2 manifest with `count` HTTP routes, each its own component,
    all from the same .wasm."""
    lines = ["spin_manifest_version = 2", "", "[application]", f'name = "bench-hello-{count}"',
             'version = "0.1.0"', ""]
    for i in range(count):
        lines += ["[[trigger.http]]", f'route = "{route_of(i)}"', f'component = "c{i}"', ""]
    for i in range(count):
        lines += [f"[component.c{i}]", f'source = "{source}"', ""]
    return "\n".join(lines)


def write_app(directory: Path, count: int, wasm: Path) -> Path:
    """DIR/spin.toml with `count` apps, and the component beside it."""
    directory.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(wasm, directory / HELLO_NAME)
    (directory / "spin.toml").write_text(spin_manifest(count))
    return directory


def vm_rss(status_text: str) -> int:
    """VmRSS of /proc/PID/status, in bytes."""
    for line in status_text.splitlines():
        if line.startswith("VmRSS:"):
            words = line.split()
            if len(words) >= 3 and words[2] == "kB":
                return int(words[1]) * 1024
    raise ValueError("no VmRSS line (a kernel thread, or the process exited)")


def read_rss(pid: int) -> int:
    return vm_rss(Path(f"/proc/{pid}/status").read_text())


def settled_rss(pid: int, interval_s: float = 0.25, window: int = 4, tolerance: float = 0.01,
                timeout_s: float = 60.0, reader=read_rss, sleep=time.sleep) -> tuple[int, list[int]]:
    """Reads VmRSS every interval_s until `window` readings in a row lie
    within `tolerance` of each other (start-up has settled, or timeout_s
    passed); returns their median and every reading."""
    readings: list[int] = []
    waited = 0.0
    while True:
        readings.append(reader(pid))
        last = readings[-window:]
        if len(last) == window and (max(last) - min(last)) <= tolerance * max(last):
            return int(statistics.median(last)), readings
        if waited >= timeout_s:
            return int(statistics.median(last)), readings
        sleep(interval_s)
        waited += interval_s


def get(port: int, path: str, timeout_s: float = 30.0) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(LISTEN_HOST, port, timeout=timeout_s)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def per_extra_app(by_count: dict[int, float]) -> float | None:
    """The slope between the fewest and the most apps measured."""
    if len(by_count) < 2:
        return None
    low, high = min(by_count), max(by_count)
    return (by_count[high] - by_count[low]) / (high - low)


def count_column(count: int) -> str:
    return f"{count:,} app{'s' if count != 1 else ''}"


UP_ENGINES = ("interp", "aot")
BEFORE, AFTER_ONE, AFTER_ALL = "before any request", "after one request", "after a request to every route"
STATES = (BEFORE, AFTER_ONE, AFTER_ALL)
PER_EXTRA_APP = "per extra app"


def up_row(engine: str, state: str) -> str:
    return f"flint up ({engine}), {state}"


def get_each(port: int, paths: list[str]) -> str | None:
    """GETs every path once over one keep-alive connection (a new one when
    the server closes it); None when each answered 200 with the hello body,
    else the first thing that went wrong."""
    connection = None
    try:
        for path in paths:
            for attempt in (1, 2):
                if connection is None:
                    connection = http.client.HTTPConnection(LISTEN_HOST, port, timeout=60)
                try:
                    connection.request("GET", path)
                    response = connection.getresponse()
                    body = response.read()
                    break
                except (OSError, http.client.HTTPException):
                    connection.close()
                    connection = None
                    if attempt == 2:
                        raise
            if response.status != 200 or body != HELLO_BODY:
                return f"GET {path} answered {response.status} {body[:80]!r}"
            if response.will_close:
                connection.close()
                connection = None
    finally:
        if connection is not None:
            connection.close()
    return None


def up_memory_table(session: Session, component: Program, flint: str | None) -> Table:
    o = session.options
    counts = sorted(set(o.serve_apps))
    columns = [Column(count_column(n), BYTES) for n in counts] + [Column(PER_EXTRA_APP, BYTES)]
    table = Table("serve-memory", "Serving: resident memory of one `flint up` holding N apps", columns,
                  baseline=None)
    table.notes.append(
        f"A spin.toml with N [[trigger.http]] routes (`/`, `/r1`, ...), each its own [component.cN], all the "
        f"same hello .wasm; `flint up --engine E --from DIR --listen {LISTEN_HOST}:0`, pinned to CPU "
        f"{o.server_cpu}, a fresh server for each N. VmRSS (/proc/PID/status) once it settles (4 readings "
        "0.25 s apart within 1%): before any request, after one GET of the last route, and after one GET of "
        f"every route (one keep-alive connection, in order). Per extra app: the slope from "
        f"{count_column(counts[0])} to {count_column(counts[-1])}.")
    rows = [up_row(engine, state) for engine in UP_ENGINES for state in STATES]
    if flint is None:
        for row in rows:
            for column in columns:
                table.set(row, column.name, Cell.unavailable("flint not found"))
        return table
    try:
        wasm = component.build_of("wasm")
    except BuildError as error:
        for row in rows:
            for column in columns:
                table.set(row, column.name, Cell.failed(str(error)))
        return table
    for engine in UP_ENGINES:
        figures: dict[str, dict[int, float]] = {state: {} for state in STATES}
        for count in counts:
            session.progress.note(f"serve: flint up --engine {engine} with {count_column(count)}")
            app = write_app(session.out_dir / "serve" / f"apps-{count}", count, wasm)
            argv = [flint, "up", "--engine", engine, "--from", str(app), "--listen", f"{LISTEN_HOST}:0"]
            started = time.monotonic()
            state = BEFORE
            try:
                with serve_process(argv, None, o.server_cpu, o.timeout_s, probe_path=None,
                                   own_session=o.serve_own_session) as running:
                    command = " ".join(running.argv)
                    details = {"ready_s": time.monotonic() - started}
                    for state in STATES:
                        if state == AFTER_ONE:
                            problem = get_each(running.port, [route_of(count - 1)])
                        elif state == AFTER_ALL:
                            began = time.monotonic()
                            problem = get_each(running.port, [route_of(i) for i in range(count)])
                            details = {"requests_s": time.monotonic() - began}
                        else:
                            problem = None
                        if problem:
                            raise ServeError(problem)
                        figure, readings = settled_rss(running.process.pid)
                        figures[state][count] = float(figure)
                        table.set(up_row(engine, state), count_column(count),
                                  Cell(OK, figure=float(figure), samples=[float(r) for r in readings],
                                       details=details, command=command))
                        details = {}
            except (ServerError, ServeError, OSError, ValueError, http.client.HTTPException) as error:
                reason = f"flint up: {error}"
                make = Cell.unavailable if "not available yet" in reason else Cell.failed
                for later in STATES[STATES.index(state):]:
                    table.set(up_row(engine, later), count_column(count), make(reason, command=" ".join(argv)))
        for state in STATES:
            slope = per_extra_app(figures[state])
            row = up_row(engine, state)
            if slope is None:
                table.set(row, PER_EXTRA_APP, Cell.unavailable("needs two app counts measured"))
                continue
            table.set(row, PER_EXTRA_APP, Cell(OK, figure=slope, samples=[slope],
                                               details={"by_count": figures[state]}))
            verdict = "met" if slope <= MIB else "not met"
            table.notes.append(f"{row}: {slope / MIB:.3f} MiB per extra app; issue 13's target (at most "
                               f"1 MiB): {verdict}.")
    return table
