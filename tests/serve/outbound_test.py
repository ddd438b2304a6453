#!/usr/bin/env python3
"""`flint serve --allow-outbound-host` end to end, with Spin's conformance
components (../shared/spin-conformance, which import wasi:cli: -S cli) and
their helper services.

- outbound-wasi-http-v0.2.0.wasm, granted http://localhost:PORT of
  services/http-echo.py: 200 `Hello, world!`; not granted: 500
  `incoming-response#get: ErrorCode::HttpRequestDenied`, streamed without a
  content-length (the guest's doing; Flint must pass it on).
- tcp-sockets.wasm with services/tcp-echo.py: granted
  `*://127.0.0.1:PORT` or `*://127.0.0.0/24:PORT`: 200; granted
  `*://127.0.0.2:6001` or `*://127.0.0.1:6002`, or nothing: 500
  `access-denied (error 1)`.
- a malformed pattern is refused at start-up, naming it.
Exit 77 (skip) when the conformance data is missing.
"""
import argparse
import http.client
import os
import re
import subprocess
import sys
import time

FAILURES = []


def check(cond, what):
    if not cond:
        FAILURES.append(what)
        print(f"FAIL: {what}", file=sys.stderr)


def service(path, well_known):
    """Starts a conformance helper service; returns (process, port)."""
    proc = subprocess.Popen([sys.executable, "-u", path], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    port = None
    for line in proc.stdout:
        m = re.match(rf"PORT=\({well_known},(\d+)\)", line.decode())
        if m:
            port = int(m.group(1))
        if line.decode().strip() == "READY":
            break
    if port is None:
        raise SystemExit(f"{path} printed no port")
    return proc, port


class Served:
    def __init__(self, flint, args):
        self.proc = subprocess.Popen([flint, "serve", "--addr", "127.0.0.1:0", *args],
                                     stderr=subprocess.PIPE, stdout=subprocess.DEVNULL)
        first = self.proc.stderr.readline().decode()
        m = re.search(r"http://127\.0\.0\.1:(\d+)/", first)
        if not m:
            rest = self.proc.stderr.read().decode() if self.proc.poll() is not None else ""
            raise SystemExit(f"unexpected first stderr line {first!r} {rest}")
        self.port = int(m.group(1))

    def get(self, headers):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        c.request("GET", "/", headers=headers)
        r = c.getresponse()
        return r, r.read()

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def run_case(flint, name, args, headers, status, body, no_length=False):
    s = Served(flint, args)
    try:
        r, data = s.get(headers)
        check(r.status == status and data == body,
              f"{name}: expected {status} {body!r}, got {r.status} {data!r}")
        if no_length:
            check(r.getheader("content-length") is None,
                  f"{name}: content-length {r.getheader('content-length')} on a streamed body")
    finally:
        s.stop()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--flint", required=True)
    ap.add_argument("--conformance", required=True)
    a = ap.parse_args()
    comps = os.path.join(a.conformance, "components")
    http_wasm = os.path.join(comps, "outbound-wasi-http-v0.2.0.wasm")
    tcp_wasm = os.path.join(comps, "tcp-sockets.wasm")
    if not (os.path.exists(http_wasm) and os.path.exists(tcp_wasm)):
        print(f"no conformance components in {comps}", file=sys.stderr)
        return 77
    services = os.path.join(a.conformance, "services")
    echo, http_port = service(os.path.join(services, "http-echo.py"), 80)
    tcp, tcp_port = service(os.path.join(services, "tcp-echo.py"), 7)
    try:
        url = {"url": f"http://localhost:{http_port}"}
        run_case(a.flint, "outbound-wasi-http", ["-S", "cli", "--allow-outbound-host",
                 f"http://localhost:{http_port}", http_wasm], url, 200, b"Hello, world!")
        run_case(a.flint, "outbound-wasi-http-no-perms", ["-S", "cli", http_wasm], url, 500,
                 b"incoming-response#get: ErrorCode::HttpRequestDenied", no_length=True)
        run_case(a.flint, "outbound-wasi-http-other-port", ["-S", "cli", "--allow-outbound-host",
                 f"http://localhost:{http_port + 1}", http_wasm], url, 500,
                 b"incoming-response#get: ErrorCode::HttpRequestDenied")
        address = {"address": f"127.0.0.1:{tcp_port}", "Host": "example.com"}
        for name, pattern, status, body in [
            ("tcp-sockets", f"*://127.0.0.1:{tcp_port}", 200, b""),
            ("tcp-sockets-ip-range", f"*://127.0.0.0/24:{tcp_port}", 200, b""),
            ("tcp-sockets-no-ip-permission", "*://127.0.0.2:6001", 500,
             b"access-denied (error 1)"),
            ("tcp-sockets-no-port-permission", "*://127.0.0.1:6002", 500,
             b"access-denied (error 1)"),
        ]:
            run_case(a.flint, name, ["-S", "cli", "--allow-outbound-host", pattern, tcp_wasm],
                     address, status, body)
        run_case(a.flint, "tcp-sockets-nothing-granted", ["-S", "cli", tcp_wasm], address, 500,
                 b"access-denied (error 1)")
        bad = subprocess.run([a.flint, "serve", "-S", "cli", "--allow-outbound-host",
                              "http://x.com/path", http_wasm], capture_output=True, timeout=60)
        check(bad.returncode != 0 and b"http://x.com/path" in bad.stderr
              and b"path" in bad.stderr, f"a bad pattern: {bad.returncode} {bad.stderr!r}")
    finally:
        for p in (echo, tcp):
            p.kill()
            p.wait()
    if FAILURES:
        print(f"{len(FAILURES)} failure(s)", file=sys.stderr)
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
