#!/usr/bin/env python3
"""`flint up` end to end on the Spin apps built from source with Spin's SDKs
(guests/spin, issue 13).

Runs `FLINT up --from APP --listen 127.0.0.1:0`, reads the port from the first
line of its standard output (`Serving http://127.0.0.1:PORT`, as `spin up`
prints it, followed by `Available Routes:` and one `  NAME: URL` line a
route), sends the requests of one scenario and checks the answers:

  hello      GET /hello answers 200 "hello from LANG"; an unknown route 404
  counter    GET /counter counts up across requests (the default key-value
             store) and goes on counting after flint up is stopped with
             SIGTERM and started again (the store persists)
  sqlite     GET /sqlite returns the row count of the default database, which
             grows by one a request, across a restart too
  outbound   GET /outbound returns the body of a local HTTP server that this
             test starts (its port reaches the app as SPIN_VARIABLE_UPSTREAM_PORT,
             which fills both allowed_outbound_hosts and the URL fetched)
  variables  GET /variables returns the component variable `message`, a
             template over the application variable `greeting`: its default,
             then overridden through SPIN_VARIABLE_GREETING
  serve      `flint serve -S cli --addr 127.0.0.1:0 APP/hello.wasm` (no
             manifest: Spin's interfaces link, granting nothing) answers
             GET / with 200 "hello from LANG", a fresh instance a request
  concurrency  (a WASI 0.3 app) 8 requests sent at once to GET /concurrency,
             which waits 500 ms on the clock, share an instance under
             `flint up` (as Spin serves a 0.3 handler): some response saw
             others in flight. Under `flint serve` with
             --max-instance-concurrent-reuse-count 1 none overlaps, and
             with --max-instance-reuse-count 1 each is its instance's first.
             A trap ends its instance: the requests it was serving get 500
             (a panic's backtrace on stderr), the next one a fresh instance

Exits 77 (skip) when the app or the scenario's component was not built, or
when this flint has no `flint up --from` yet. Every server started is stopped
on the way out; requests go to 127.0.0.1 only.
"""

import argparse
import concurrent.futures
import http.client
import http.server
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid

SKIP = 77
SCENARIOS = ("hello", "counter", "sqlite", "outbound", "variables", "serve", "concurrency")
# The component a scenario needs, where it is not the scenario's name.
COMPONENT = {"serve": "hello"}
START_TIMEOUT = 120  # seconds for flint up's first line (it reads the manifest only)
REQUEST_TIMEOUT = 300  # a component is loaded on its route's first hit: Python's is 37 MB
STOP_TIMEOUT = 60
DEFAULT_GREETING = "hello from the manifest"


class Failure(Exception):
    pass


def http_get(port, path, context):
    """GET http://127.0.0.1:PORT/PATH: (status, body text); a failure to
    get an answer is a Failure naming `context`."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    except (OSError, http.client.HTTPException) as error:
        raise Failure(f"GET {path}: {error!r}\n{context}") from error
    finally:
        connection.close()


def check(condition, message):
    if not condition:
        raise Failure(message)


class Upstream:
    """A local HTTP server for the outbound scenario: GET /greeting answers
    a body unique to this run; every request is recorded."""

    def __init__(self):
        self.body = f"upstream says hello ({uuid.uuid4().hex[:12]})"
        self.requests = []
        upstream = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                upstream.requests.append(self.path)
                if self.path == "/greeting":
                    data = upstream.body.encode()
                    self.send_response(200)
                else:
                    data = b"not found"
                    self.send_response(404)
                self.send_header("content-type", "text/plain")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class FlintUp:
    """One `flint up` process: started, its port read, stopped with SIGTERM."""

    def __init__(self, flint, app, env_extra, log_dir, attempt, engine=None):
        self.stdout_lines = []
        self.first_line = None
        self.first_line_ready = threading.Event()
        self.log_path = os.path.join(log_dir, f"flint-up-{attempt}.stderr")
        env = {k: v for k, v in os.environ.items() if not k.startswith("SPIN_VARIABLE_")}
        env.update(env_extra)
        self.command = [flint, "up", "--from", app, "--listen", "127.0.0.1:0"]
        if engine:
            self.command += ["--engine", engine]
        self.stderr = open(self.log_path, "wb")
        try:
            self.process = subprocess.Popen(self.command, stdout=subprocess.PIPE, stderr=self.stderr,
                                            stdin=subprocess.DEVNULL, env=env, cwd=log_dir)
        except OSError as error:
            self.stderr.close()
            raise Failure(f"cannot start {' '.join(self.command)}: {error}") from error
        self.reader = threading.Thread(target=self._read_stdout, daemon=True)
        self.reader.start()
        if not self.first_line_ready.wait(START_TIMEOUT):
            self.stop()
            raise Failure(f"flint up printed nothing on stdout within {START_TIMEOUT} s\n{self.describe()}")
        if self.first_line is None:
            code = self.process.wait(timeout=STOP_TIMEOUT)
            raise Failure(f"flint up exited ({code}) before printing its address\n{self.describe()}")
        match = re.fullmatch(r"Serving http://127\.0\.0\.1:(\d+)/?", self.first_line.strip())
        if not match:
            self.stop()
            raise Failure(f"flint up's first line is {self.first_line!r}, not "
                          f"'Serving http://127.0.0.1:PORT'\n{self.describe()}")
        self.port = int(match.group(1))
        check(self.port != 0, "flint up reports port 0")

    def _read_stdout(self):
        for raw in self.process.stdout:
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            if self.first_line is None:
                self.first_line = line
                self.first_line_ready.set()
            self.stdout_lines.append(line)
        self.first_line_ready.set()  # EOF: the process ended

    def wait_for_route(self, component, route, timeout=10):
        """Spin lists `  COMPONENT: http://127.0.0.1:PORT/ROUTE` under
        `Available Routes:`."""
        wanted = f"{component}: http://127.0.0.1:{self.port}{route}"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            lines = list(self.stdout_lines)
            if "Available Routes:" in lines and any(line.strip().startswith(wanted) for line in lines):
                return
            time.sleep(0.1)
        raise Failure(f"flint up's stdout lists no route {wanted!r} under 'Available Routes:'\n"
                      f"{self.describe()}")

    def get(self, path):
        return http_get(self.port, path, self.describe())

    def stop(self):
        """SIGTERM, as a service manager stops it; the process must end."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                self.reader.join(timeout=5)
                self.stderr.close()
                raise Failure(f"flint up did not stop within {STOP_TIMEOUT} s of SIGTERM\n{self.describe()}")
        self.reader.join(timeout=5)
        self.stderr.close()
        return self.process.returncode

    def describe(self):
        try:
            with open(self.log_path, "rb") as f:
                err = f.read()[-4000:].decode("utf-8", "replace")
        except OSError:
            err = ""
        out = "\n".join(self.stdout_lines[-40:])
        return (f"command: {' '.join(self.command)}\n--- stdout ---\n{out}\n--- stderr (end) ---\n{err}")


class Run:
    def __init__(self, args, log_dir):
        self.args = args
        self.log_dir = log_dir
        self.upstream = Upstream()
        self.attempt = 0
        self.running = []

    def start(self, **env):
        self.attempt += 1
        env_extra = {"SPIN_VARIABLE_UPSTREAM_PORT": str(self.upstream.port)}
        env_extra.update(env)
        up = FlintUp(self.args.flint, self.args.app, env_extra, self.log_dir, self.attempt, self.args.engine)
        self.running.append(up)
        return up

    def stop(self, up):
        self.running.remove(up)
        up.stop()

    def close(self):
        for up in self.running:
            try:
                up.stop()
            except Failure as failure:
                print(f"while cleaning up: {failure}", file=sys.stderr)
        self.running = []
        self.upstream.close()

    def expect(self, up, path, status, body=None):
        got_status, got_body = up.get(path)
        check(got_status == status,
              f"GET {path}: status {got_status}, expected {status}; body {got_body[:500]!r}\n{up.describe()}")
        if body is not None:
            check(got_body == body, f"GET {path}: body {got_body[:500]!r}, expected {body!r}")
        return got_body

    def expect_number(self, up, path):
        body = self.expect(up, path, 200)
        check(re.fullmatch(r"\d+", body.strip()) is not None, f"GET {path}: body {body!r} is not a count")
        return int(body)

    # ---- scenarios ----------------------------------------------------------

    def hello(self):
        up = self.start()
        up.wait_for_route("hello", "/hello")
        expected = f"hello from {self.args.lang}"
        self.expect(up, "/hello", 200, expected)
        self.expect(up, "/hello", 200, expected)  # a fresh instance a request
        status, _ = up.get("/no-such-route")
        check(status == 404, f"GET /no-such-route: status {status}, expected 404")
        self.stop(up)

    def _counts_across_restart(self, component, path):
        up = self.start()
        up.wait_for_route(component, path)
        first = self.expect_number(up, path)
        check(first >= 1, f"GET {path}: first count {first}, expected at least 1")
        second = self.expect_number(up, path)
        third = self.expect_number(up, path)
        check((second, third) == (first + 1, first + 2),
              f"GET {path}: counts {first}, {second}, {third} do not go up by one")
        self.stop(up)
        up = self.start()  # the state is in the app's store: it survives a restart
        fourth = self.expect_number(up, path)
        check(fourth == first + 3, f"GET {path} after a restart: {fourth}, expected {first + 3}")
        self.stop(up)

    def counter(self):
        self._counts_across_restart("counter", "/counter")

    def sqlite(self):
        self._counts_across_restart("sqlite", "/sqlite")

    def outbound(self):
        up = self.start()
        up.wait_for_route("outbound", "/outbound")
        before = len(self.upstream.requests)
        self.expect(up, "/outbound", 200, self.upstream.body)
        check(self.upstream.requests[before:] == ["/greeting"],
              f"the upstream saw {self.upstream.requests[before:]}, expected one GET /greeting")
        self.expect(up, "/outbound", 200, self.upstream.body)
        self.stop(up)

    def variables(self):
        up = self.start()
        up.wait_for_route("variables", "/variables")
        self.expect(up, "/variables", 200, f"greeting: {DEFAULT_GREETING}")
        self.stop(up)
        override = "overridden by the environment"
        up = self.start(SPIN_VARIABLE_GREETING=override)
        self.expect(up, "/variables", 200, f"greeting: {override}")
        self.stop(up)

    def serve(self):
        expected = f"hello from {self.args.lang}"
        with FlintServe(self.args, "hello.wasm") as served:
            for _ in range(2):
                status, body = served.get("/")
                check((status, body) == (200, expected),
                      f"flint serve: GET / gave {status} {body[:300]!r}, expected 200 {expected!r}")

    def concurrency(self):
        pattern = re.compile(r"request (\d+) of this instance; at most (\d+) at once\n")

        def at_once(get, count=8):
            """`count` requests of GET /concurrency?ms=500 sent together:
            each answer's (request number, most at once)."""
            with concurrent.futures.ThreadPoolExecutor(count) as pool:
                answers = list(pool.map(lambda _: get("/concurrency?ms=500"), range(count)))
            seen = []
            for status, body in answers:
                match = pattern.fullmatch(body)
                check(status == 200 and match is not None,
                      f"GET /concurrency: {status} {body[:300]!r}")
                seen.append((int(match.group(1)), int(match.group(2))))
            return seen

        up = self.start()
        up.wait_for_route("concurrency", "/concurrency")
        seen = at_once(up.get)
        check(max(most for _, most in seen) >= 2,
              f"flint up: no request shared its instance with another in flight: {seen}")
        self.stop(up)
        with FlintServe(self.args, "concurrency.wasm",
                        ["--max-instance-concurrent-reuse-count", "1"]) as served:
            seen = at_once(served.get, 4)
            check(all(most == 1 for _, most in seen),
                  f"flint serve --max-instance-concurrent-reuse-count 1: overlapping requests {seen}")
        with FlintServe(self.args, "concurrency.wasm", ["--max-instance-reuse-count", "1"]) as served:
            seen = at_once(served.get, 4)
            check(all(number == 1 for number, _ in seen),
                  f"flint serve --max-instance-reuse-count 1: an instance served twice {seen}")
        with FlintServe(self.args, "concurrency.wasm") as served:
            paths = ["/concurrency?ms=1500"] * 3 + ["/concurrency?ms=300&trap"]
            with concurrent.futures.ThreadPoolExecutor(len(paths)) as pool:
                answers = list(pool.map(served.get, paths))
            check(all(status == 500 for status, _ in answers),
                  f"a trap in a shared instance: its requests gave {answers}, expected 500 each")
            status, body = served.get("/concurrency?ms=1")
            check(status == 200 and body.startswith("request 1 of this instance;"),
                  f"after a trap: {status} {body!r}, expected a fresh instance's first request")
        check("wasm backtrace:" in served.stderr_text,
              f"flint serve's stderr has no wasm backtrace of the trap:\n{served.stderr_text}")


class FlintServe:
    """`flint serve -S cli --addr 127.0.0.1:0 [FLAGS] APP/COMPONENT`, stopped
    with SIGTERM on the way out (it must exit 0)."""

    def __init__(self, args, component, flags=()):
        self.command = [args.flint, "serve", "-S", "cli", "--addr", "127.0.0.1:0", *flags,
                        os.path.join(args.app, component)]
        if args.engine:
            self.command[2:2] = ["--engine", args.engine]

    def __enter__(self):
        self.process = subprocess.Popen(self.command, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
        try:
            # wasmtime serve's first stderr line: "Serving HTTP on http://ADDR:PORT/".
            first = self.process.stderr.readline().decode("utf-8", "replace").strip()
            match = re.fullmatch(r"Serving HTTP on http://127\.0\.0\.1:(\d+)/", first)
            check(match is not None, f"{' '.join(self.command)}: first stderr line {first!r}")
            self.port = int(match.group(1))
        except BaseException:
            self.process.kill()
            self.process.wait()
            raise
        return self

    def get(self, path):
        return http_get(self.port, path, "of flint serve")

    def __exit__(self, *exc):
        self.process.send_signal(signal.SIGTERM)
        try:
            _, stderr = self.process.communicate(timeout=STOP_TIMEOUT)
            code = self.process.returncode
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise Failure(f"flint serve did not stop within {STOP_TIMEOUT} s of SIGTERM")
        self.stderr_text = stderr.decode("utf-8", "replace")
        if exc[0] is None:
            check(code == 0, f"flint serve exited {code} after SIGTERM")
        return False


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--flint", required=True, help="the flint binary")
    parser.add_argument("--app", required=True, help="the app's folder (its spin.toml and built components)")
    parser.add_argument("--lang", required=True, help="the app's language, as its hello component names it")
    parser.add_argument("--scenario", action="append", choices=SCENARIOS + ("all",), required=True)
    parser.add_argument("--engine", choices=("interp", "aot"), help="flint up's --engine (default: its own)")
    args = parser.parse_args()
    scenarios = SCENARIOS if "all" in args.scenario else tuple(dict.fromkeys(args.scenario))
    args.app = os.path.abspath(args.app)

    if not os.path.isfile(os.path.join(args.app, "spin.toml")):
        print(f"skip: {args.app}/spin.toml is absent (the {args.lang} app was not built)")
        return SKIP
    missing = [COMPONENT.get(s, s) for s in scenarios
               if not os.path.isfile(os.path.join(args.app, f"{COMPONENT.get(s, s)}.wasm"))]
    if missing:
        print(f"skip: {', '.join(m + '.wasm' for m in missing)} not built in {args.app}")
        return SKIP
    if not os.access(args.flint, os.X_OK):
        print(f"skip: no flint binary at {args.flint}")
        return SKIP
    help_text = subprocess.run([args.flint, "up", "--help"], capture_output=True, text=True, timeout=60)
    if "--from" not in help_text.stdout + help_text.stderr:
        print("skip: this flint's `flint up` has no --from option yet")
        return SKIP

    failures = 0
    with tempfile.TemporaryDirectory(prefix="flint-spin-apps-") as log_dir:
        for scenario in scenarios:
            run = Run(args, log_dir)
            started = time.monotonic()
            try:
                getattr(run, scenario)()
                print(f"ok: {args.lang}/{scenario} ({time.monotonic() - started:.1f} s)")
            except Failure as failure:
                failures += 1
                print(f"FAIL: {args.lang}/{scenario}: {failure}")
            finally:
                run.close()
    print(f"{len(scenarios) - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
