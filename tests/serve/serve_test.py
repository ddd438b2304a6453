#!/usr/bin/env python3
"""`flint serve` end to end (issue 13), against a real wasi:http guest.

Starts `flint serve --addr 127.0.0.1:0 -S cli GUEST`, reads the URL from the
first stderr line, and checks with a real client (http.client, raw sockets):
the echo of method, path, header and body; keep-alive; pipelining; a
chunked request body, also sent slowly, and its trailers; `Expect: 100-continue`; a
streamed (chunked) response; HEAD; a guest trap answering 500 with
the trap logged, the next request still 200; 431, 413 and 400 for bad
requests, the server going on; and SIGTERM with a request in flight: the
request completes and the server exits 0. With --wasmtime, the same echo
requests go to `wasmtime serve` too and status, body and x-echo must agree.
With --timeout a guest that never returns is interrupted and answered 500.
Outbound HTTP is denied (HTTP-request-denied), and without -S cli a guest
importing wasi:cli/environment is refused at start-up, as by wasmtime serve.
Exit 77 (skip) when the guest was not built.
"""
import argparse
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time

FAILURES = []


def check(cond, what):
    if not cond:
        FAILURES.append(what)
        print(f"FAIL: {what}", file=sys.stderr)


class Served:
    """A running server process and the port it printed."""

    def __init__(self, argv, first_line_re):
        self.proc = subprocess.Popen(argv, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL)
        self.first = self.proc.stderr.readline().decode().rstrip("\n")
        m = re.fullmatch(first_line_re, self.first)
        if not m:
            rest = self.proc.stderr.read().decode() if self.proc.poll() is not None else ""
            raise SystemExit(f"unexpected first stderr line {self.first!r} {rest}")
        self.port = int(m.group(1))
        self.log = []
        self.reader = threading.Thread(target=self._drain, daemon=True)
        self.reader.start()

    def _drain(self):
        for line in self.proc.stderr:
            self.log.append(line.decode(errors="replace"))

    def conn(self):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return None


def request(conn, method, path, body=None, headers=None, **kw):
    conn.request(method, path, body=body, headers=headers or {}, **kw)
    r = conn.getresponse()
    return r, r.read()


def echo_cases():
    """(name, method, path, body, headers, request kwargs) sent to both servers."""
    return [
        ("post", "POST", "/a/b?q=1", b"hello body", {"X-Echo": "hi there"}, {}),
        ("get", "GET", "/", None, {}, {}),
        ("chunked-body", "PUT", "/c", iter([b"chu", b"nky"]), {"x-echo": "c"},
         {"encode_chunked": True}),
        ("stream", "GET", "/stream", None, {}, {}),
        ("other-method", "PURGE", "/p", None, {}, {}),
    ]


def run_echo(served):
    out = {}
    for name, method, path, body, headers, kw in echo_cases():
        c = served.conn()
        r, data = request(c, method, path, body, headers, **kw)
        out[name] = (r.status, data, r.getheader("x-echo"), r.getheader("transfer-encoding"))
        c.close()
    return out


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def raw(port, data, read_all=True):
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    s.sendall(data)
    chunks = []
    while True:
        try:
            b = s.recv(65536)
        except ConnectionResetError:
            break
        if not b:
            break
        chunks.append(b)
        if not read_all:
            break
    s.close()
    return b"".join(chunks)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--flint", required=True)
    ap.add_argument("--guest", required=True)
    ap.add_argument("--engine", default="interp")
    ap.add_argument("--wasmtime")
    a = ap.parse_args()
    if not os.path.exists(a.guest):
        print(f"skip: {a.guest} was not built (needs rustup's wasm32-wasip2)")
        return 77

    # Without -S cli only the proxy world's WASI links, as under wasmtime
    # serve: Rust's std imports wasi:cli/environment, so start-up refuses it
    # (before compiling, with --engine aot too).
    p = subprocess.run([a.flint, "serve", "--engine", a.engine, "--addr", "127.0.0.1:0", a.guest],
                       capture_output=True, timeout=120)
    check(p.returncode == 1 and b"wasi:cli/environment" in p.stderr,
          f"without -S cli: {p.returncode} {p.stderr[-300:]!r}")

    served = Served([a.flint, "serve", "--engine", a.engine, "--addr", "127.0.0.1:0", "-S", "cli",
                     a.guest], r"Serving HTTP on http://127\.0\.0\.1:(\d+)/")
    check(served.port != 0, "the first line names the real bound port")
    try:
        # The echo: method, path with query, header, body.
        flint = run_echo(served)
        status, body, echo, te = flint["post"]
        check(status == 200, f"POST status {status}")
        check(body == b"method=POST\npath=/a/b?q=1\nx-echo=hi there\nbody=hello body\n",
              f"POST body {body!r}")
        check(echo == "hi there", f"x-echo response header {echo!r}")
        check(flint["chunked-body"][1].endswith(b"body=chunky\n"),
              f"chunked request body {flint['chunked-body'][1]!r}")
        check(flint["stream"][3] == "chunked", "a streamed response goes chunked")
        check(flint["stream"][1].startswith(b"one\ntwo\nthree\nmethod=GET\n"),
              f"streamed body {flint['stream'][1]!r}")
        check(flint["other-method"][1].startswith(b"method=PURGE\n"), "method other(PURGE)")

        # Keep-alive: three requests over one connection.
        c = served.conn()
        socks = []
        for i in range(3):
            r, data = request(c, "GET", f"/k{i}")
            check(r.status == 200 and data.startswith(b"method=GET\npath=/k%d" % i),
                  f"keep-alive request {i}")
            check(r.getheader("connection") != "close", "no connection: close")
            socks.append(c.sock)
        check(socks[0] is not None and socks[0] is socks[1] is socks[2],
              "keep-alive: one connection for all three requests")
        # HEAD: the head only.
        r, data = request(c, "HEAD", "/h")
        check(r.status == 200 and data == b"", f"HEAD {r.status} {data!r}")
        r, data = request(c, "GET", "/after-head")
        check(r.status == 200 and b"path=/after-head" in data, "the connection goes on after HEAD")
        c.close()

        # Outbound HTTP is denied by default: the guest's outgoing-handler
        # call answers HTTP-request-denied (the interface links).
        c = served.conn()
        r, data = request(c, "GET", "/outbound")
        check(r.status == 200 and data == b"outbound: ErrorCode::HttpRequestDenied\n",
              f"outbound request denied: {data!r}")
        c.close()

        # Pipelining: two requests in one write, two responses in order.
        two = (b"GET /p1 HTTP/1.1\r\nHost: x\r\n\r\n"
               b"POST /p2 HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc")
        got = raw(served.port, two)
        check(got.count(b"HTTP/1.1 200") == 2 and got.index(b"path=/p1") < got.index(b"path=/p2")
              and b"body=abc" in got, f"pipelined requests: {got!r}")

        # Expect: 100-continue: the server asks for the body when the guest reads it.
        s = socket.create_connection(("127.0.0.1", served.port), timeout=30)
        s.sendall(b"PUT /e HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
        interim = s.recv(4096)
        check(interim.startswith(b"HTTP/1.1 100 Continue\r\n\r\n"), f"100 Continue: {interim!r}")
        s.sendall(b"hello")
        got = b""
        while b"body=hello\n" not in got:
            b = s.recv(65536)
            if not b:
                break
            got += b
        check(b"HTTP/1.1 200" in got and b"body=hello\n" in got, f"after 100 Continue: {got!r}")
        s.close()

        # A request body sent slowly, in chunks: the guest reads it as it comes.
        s = socket.create_connection(("127.0.0.1", served.port), timeout=30)
        s.sendall(b"POST /slowbody HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
        for piece in (b"ab", b"cd", b"ef"):
            time.sleep(0.1)
            s.sendall(b"%x\r\n%s\r\n" % (len(piece), piece))
        s.sendall(b"0\r\n\r\n")
        got = b""
        while not got.endswith(b"0\r\n\r\n"):
            b = s.recv(65536)
            if not b:
                break
            got += b
        check(b"body=abcdef\n" in got, f"a slow chunked body: {got!r}")
        s.close()

        # A chunked body's trailers reach the guest (future-trailers).
        got = raw(served.port, b"POST /t HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                               b"Connection: close\r\n\r\n3\r\nabc\r\n0\r\nX-Sum: 42\r\n\r\n")
        check(b"body=abc\ntrailer=x-sum: 42\n" in got, f"request trailers: {got!r}")

        # A trap answers 500, is logged with its backtrace; the next request is fine.
        c = served.conn()
        r, data = request(c, "GET", "/trap")
        check(r.status == 500, f"trap status {r.status}")
        check(len(data) < 200 and data, f"trap body is a short message: {data!r}")
        c.close()
        c = served.conn()
        r, data = request(c, "GET", "/ok")
        check(r.status == 200, f"after the trap: {r.status}")
        c.close()
        time.sleep(0.2)
        log = "".join(served.log)
        check("trap" in log and "wasm backtrace" in log, f"the trap is logged: {log[-500:]!r}")

        # Limits and malformed requests: answered, and the server goes on.
        big = b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 70000 + b"\r\n\r\n"
        check(raw(served.port, big).startswith(b"HTTP/1.1 431"), "a 70 KB header: 431")
        huge = b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\n"
        check(raw(served.port, huge).startswith(b"HTTP/1.1 413"), "a 100 MB body: 413")
        check(raw(served.port, b"NOT HTTP AT ALL\r\n\r\n").startswith(b"HTTP/1.1 400"),
              "garbage: 400")
        c = served.conn()
        r, data = request(c, "GET", "/still")
        check(r.status == 200, "the server goes on after bad requests")
        c.close()

        # SIGTERM with a request in flight: it completes; the server exits 0.
        result = {}

        def slow():
            cc = served.conn()
            rr, dd = request(cc, "GET", "/slow")
            result["status"], result["body"] = rr.status, dd

        t = threading.Thread(target=slow)
        t.start()
        time.sleep(0.2)
        served.proc.send_signal(signal.SIGTERM)
        t.join(30)
        check(result.get("status") == 200 and b"path=/slow" in result.get("body", b""),
              f"the request in flight completes: {result}")
        # Waited for, not signalled again: a second signal while the process
        # exits would be the default action's.
        try:
            code = served.proc.wait(20)
        except subprocess.TimeoutExpired:
            code = None
        check(code == 0, f"exit status after SIGTERM: {code}")
    finally:
        served.stop()

    # A request that never ends holds the graceful shutdown up; a second
    # SIGTERM ends the process at once, as its sender wants.
    stuck = Served([a.flint, "serve", "--engine", a.engine, "--addr", "127.0.0.1:0", "-S", "cli",
                    a.guest], r"Serving HTTP on http://127\.0\.0\.1:(\d+)/")
    try:
        def spin():
            try:
                request(stuck.conn(), "GET", "/spin")
            except Exception:  # the connection dies with the server
                pass

        threading.Thread(target=spin, daemon=True).start()
        time.sleep(0.5)
        stuck.proc.send_signal(signal.SIGTERM)
        time.sleep(1)
        check(stuck.proc.poll() is None, "the first SIGTERM waits for the request in flight")
        stuck.proc.send_signal(signal.SIGTERM)
        try:
            code = stuck.proc.wait(20)
        except subprocess.TimeoutExpired:
            code = None
        check(code == -signal.SIGTERM, f"a second SIGTERM ends the process at once: {code}")
    finally:
        stuck.stop()

    # --timeout: a guest that never returns is interrupted, answered 500, and
    # the server goes on.
    timed = Served([a.flint, "serve", "--engine", a.engine, "--timeout", "300ms", "--addr",
                    "127.0.0.1:0", "-S", "cli", a.guest],
                   r"Serving HTTP on http://127\.0\.0\.1:(\d+)/")
    try:
        c = timed.conn()
        start = time.time()
        r, data = request(c, "GET", "/spin")
        check(r.status == 500 and b"time limit" in data and time.time() - start < 10,
              f"--timeout: {r.status} {data!r} after {time.time() - start:.1f} s")
        c.close()
        c = timed.conn()
        r, data = request(c, "GET", "/after-spin")
        check(r.status == 200, f"after a timed-out request: {r.status}")
        c.close()
        time.sleep(0.2)
        check("ran longer than --timeout 300ms" in "".join(timed.log), "the timeout is logged")
    finally:
        timed.stop()

    if a.wasmtime:
        port = free_port()
        wt = Served([a.wasmtime, "serve", "-S", "cli", "--addr", f"127.0.0.1:{port}", a.guest],
                    r"Serving HTTP on http://127\.0\.0\.1:(\d+)/")
        try:
            theirs = run_echo(wt)
        finally:
            wt.stop()
        for name in theirs:
            check(flint[name] == theirs[name],
                  f"{name}: flint {flint[name]!r} != wasmtime {theirs[name]!r}")

    if FAILURES:
        print(f"{len(FAILURES)} failure(s)", file=sys.stderr)
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
