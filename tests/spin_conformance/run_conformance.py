#!/usr/bin/env python3
"""Runs Spin's conformance tests (../shared/spin-conformance) against `flint up`.

Each test is a spin.toml template plus test.json5 (requests and the
responses they must get). As the suite's README says, the runner:

  1. copies the test into a fresh scratch folder;
  2. starts the services its preconditions name, each on a free port on
     127.0.0.1 (http-echo and tcp-echo from the suite's services/, and
     Debian's redis-server, mosquitto and PostgreSQL), fresh for the test;
  3. replaces the `%{source=NAME}` and `%{port=N}` placeholders in
     spin.toml and test.json5;
  4. runs `flint up --from DIR --listen 127.0.0.1:0`, reads the port from
     its first stdout line (`Serving http://127.0.0.1:PORT`), sends each
     request and compares the response as upstream's conformance-tests
     crate does: status equal, body byte-equal, every listed header present
     (names case-blind, values lower-cased) unless optional, no header that
     is not listed.

Usage: run_conformance.py --flint FLINT --suite DIR [--engine interp|aot] TEST...
Exit 0: every test passed; 77: the suite or a service it needs is missing
(skipped, with the reason); 1: a failure, with the difference.
"""

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

SKIP = 77


class Skip(Exception):
    """A test that cannot run here (a service binary is missing)."""


def json5_loads(text):
    """The JSON5 subset the suite uses: unquoted keys, trailing commas,
    whole-line // comments."""
    text = "\n".join(line for line in text.splitlines() if not line.strip().startswith("//"))
    text = re.sub(r'([{,]\s*)([A-Za-z_][A-Za-z0-9_]*)\s*:', r'\1"\2":', text)
    text = re.sub(r',(\s*[}\]])', r'\1', text)
    return json.loads(text)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, what, proc, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{what} did not listen on {port} within {timeout}s")


def need(binary, package):
    path = shutil.which(binary) or (binary if os.path.exists(binary) else None)
    if not path:
        raise Skip(f"{binary} not installed (Debian package {package})")
    return path


class Services:
    """The services one test needs, stopped (and their files removed) at the end."""

    def __init__(self, scratch, suite):
        self.scratch = scratch
        self.suite = suite
        self.procs = []
        self.ports = {}  # well-known port -> real port

    def start(self, kind):
        getattr(self, "start_" + kind.replace("-", "_"))()

    def _python_service(self, script):
        proc = subprocess.Popen([sys.executable, os.path.join(self.suite, "services", script)],
                                stdout=subprocess.PIPE, text=True)
        self.procs.append(proc)
        for line in proc.stdout:
            m = re.match(r"PORT=\((\d+),(\d+)\)", line.strip())
            if m:
                self.ports[m.group(1)] = m.group(2)
            if line.strip() == "READY":
                return
        raise RuntimeError(f"{script} did not become ready")

    def start_http_echo(self):
        self._python_service("http-echo.py")

    def start_tcp_echo(self):
        self._python_service("tcp-echo.py")

    def start_key_value_store(self):
        pass  # the runtime's own store

    def start_sqlite(self):
        pass  # the runtime's own database

    def start_redis(self):
        server = need("redis-server", "redis-server")
        port = free_port()
        proc = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                 "--appendonly", "no", "--dir", self.scratch],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.procs.append(proc)
        wait_for_port(port, "redis-server", proc)
        self.ports["6379"] = str(port)

    def start_mqtt(self):
        broker = need("mosquitto", "mosquitto")
        passwd = need("mosquitto_passwd", "mosquitto")
        port = free_port()
        pwfile = os.path.join(self.scratch, "mosquitto.passwd")
        subprocess.run([passwd, "-b", "-c", pwfile, "user", "password"], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.chmod(pwfile, 0o644)
        conf = os.path.join(self.scratch, "mosquitto.conf")
        with open(conf, "w") as f:
            f.write(f"listener {port} 127.0.0.1\nallow_anonymous true\npassword_file {pwfile}\n"
                    "persistence false\n")
        proc = subprocess.Popen([broker, "-c", conf], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        self.procs.append(proc)
        wait_for_port(port, "mosquitto", proc)
        self.ports["1883"] = str(port)

    def start_postgres(self):
        bindir = "/usr/lib/postgresql/15/bin"
        initdb = need(os.path.join(bindir, "initdb"), "postgresql")
        postgres = need(os.path.join(bindir, "postgres"), "postgresql")
        psql = need("psql", "postgresql-client")
        port = free_port()
        data = os.path.join(self.scratch, "pgdata")
        sockets = os.path.join(self.scratch, "pgsock")
        os.makedirs(sockets)
        # PostgreSQL refuses to run as root: as the `postgres` user when we
        # are root (Debian's package creates it), else as ourselves.
        prefix = []
        if os.geteuid() == 0:
            prefix = ["runuser", "-u", "postgres", "--"]
            os.chmod(self.scratch, 0o755)
            shutil.chown(sockets, "postgres")
            os.makedirs(data)
            shutil.chown(data, "postgres")
        pwfile = os.path.join(sockets, "pw")
        with open(pwfile, "w") as f:
            f.write("postgres\n")
        os.chmod(pwfile, 0o644)
        subprocess.run(prefix + [initdb, "-D", data, "-U", "postgres", "--pwfile", pwfile,
                                 "-A", "md5", "--no-sync"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        proc = subprocess.Popen(prefix + [postgres, "-D", data, "-p", str(port), "-k", sockets,
                                          "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.procs.append(proc)
        wait_for_port(port, "postgres", proc)
        env = dict(os.environ, PGPASSWORD="postgres")
        base = [psql, "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-v", "ON_ERROR_STOP=1",
                "-q"]
        for _ in range(50):  # accepting connections a moment after listening
            if subprocess.run(base + ["-c", "SELECT 1"], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL).returncode == 0:
                break
            time.sleep(0.1)
        subprocess.run(base + ["-c", "CREATE DATABASE spin_dev"], env=env, check=True)
        init = os.path.join(self.suite, "services", "postgres-init")
        for sql in sorted(os.listdir(init)):
            subprocess.run(base + ["-d", "spin_dev", "-f", os.path.join(init, sql)], env=env,
                           check=True, stdout=subprocess.DEVNULL)
        self.ports["5432"] = str(port)

    def stop(self):
        for proc in reversed(self.procs):
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


def substitute(text, suite, ports):
    def repl(m):
        key, value = m.group(1), m.group(2)
        if key == "source":
            return os.path.join(suite, "components", value + ".wasm")
        if key == "port":
            return ports.get(value, value)
        raise ValueError(f"unknown placeholder %{{{key}={value}}}")
    return re.sub(r"%\{(\w+)=([^}]*)\}", repl, text)


def start_flint(flint, app_dir, engine):
    cmd = [flint, "up", "--from", app_dir, "--listen", "127.0.0.1:0", "--engine", engine]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    m = re.match(r"Serving http://127\.0\.0\.1:(\d+)", line)
    if not m:
        proc.kill()
        _, err = proc.communicate()
        raise RuntimeError(f"flint up did not start: stdout {line!r}, stderr {err!r}")
    return proc, int(m.group(1))


def check_response(name, inv, status, headers, body):
    """The differences between a response and the expectation (empty: it passed)."""
    problems = []
    want = inv.get("response", {})
    if status != want.get("status", 200):
        problems.append(f"status {status}, expected {want.get('status', 200)}")
    want_body = want.get("body", "")
    if body != want_body.encode():
        problems.append(f"body {body!r}, expected {want_body!r}")
    got = {}
    for k, v in headers:
        got.setdefault(k.lower(), []).append(v)
    listed = set()
    for h in want.get("headers", []):
        key = h["name"].lower()
        listed.add(key)
        if key not in got:
            if not h.get("optional"):
                problems.append(f"missing header {key}")
            continue
        if "value" in h and h["value"].lower() not in (v.lower() for v in got[key]):
            problems.append(f"header {key}: {got[key]}, expected {h['value']!r}")
    for key in got:
        if key not in listed:
            problems.append(f"unexpected header {key}: {got[key]}")
    return problems


def run_test(name, args):
    source = os.path.join(args.suite, "tests", name)
    scratch = tempfile.mkdtemp(prefix=f"flint-conformance-{name}-")
    os.chmod(scratch, 0o755)  # services that drop root (mosquitto, postgres) read their files
    services = Services(scratch, args.suite)
    flint = None
    try:
        with open(os.path.join(source, "test.json5")) as f:
            raw_test = f.read()
        for pre in json5_loads(raw_test).get("preconditions", []):
            services.start(pre["kind"])
        app = os.path.join(scratch, "app")
        os.makedirs(app)
        with open(os.path.join(source, "spin.toml")) as f:
            manifest = substitute(f.read(), args.suite, services.ports)
        with open(os.path.join(app, "spin.toml"), "w") as f:
            f.write(manifest)
        test = json5_loads(substitute(raw_test, args.suite, services.ports))
        flint, port = start_flint(args.flint, app, args.engine)
        failures = []
        for i, inv in enumerate(test["invocations"]):
            req = inv["request"]
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            conn.putrequest(req.get("method", "GET"), req["path"], skip_host=True,
                            skip_accept_encoding=True)
            body = req.get("body", "")
            if isinstance(body, str):
                body = body.encode()
            for h in req.get("headers", []):
                conn.putheader(h["name"], h["value"])
            if body:
                conn.putheader("Content-Length", str(len(body)))
            conn.endheaders(body if body else None)
            resp = conn.getresponse()
            got_body = resp.read()
            problems = check_response(name, inv, resp.status, resp.getheaders(), got_body)
            conn.close()
            failures += [f"invocation {i}: {p}" for p in problems]
        if failures:
            flint.send_signal(signal.SIGTERM)
            _, err = flint.communicate(timeout=30)
            flint = None
            return failures + ["flint up's stderr:\n" + err]
        return []
    finally:
        if flint and flint.poll() is None:
            flint.send_signal(signal.SIGTERM)
            try:
                flint.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                flint.kill()
        services.stop()
        shutil.rmtree(scratch, ignore_errors=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--flint", required=True)
    p.add_argument("--suite", required=True)
    p.add_argument("--engine", default="interp")
    p.add_argument("tests", nargs="*")
    args = p.parse_args()
    if not os.path.isdir(os.path.join(args.suite, "tests")):
        print(f"skipped: the Spin conformance suite is not at {args.suite}")
        return SKIP
    names = args.tests or sorted(os.listdir(os.path.join(args.suite, "tests")))
    failed = skipped = 0
    for name in names:
        try:
            problems = run_test(name, args)
        except Skip as e:
            print(f"SKIP {name}: {e}")
            skipped += 1
            continue
        if problems:
            failed += 1
            print(f"FAIL {name}")
            for line in problems:
                print("  " + line)
        else:
            print(f"PASS {name}")
    print(f"{len(names) - failed - skipped} passed, {failed} failed, {skipped} skipped")
    if failed:
        return 1
    return SKIP if skipped else 0


if __name__ == "__main__":
    sys.exit(main())
