"""Tests of http_load.py and of bench/http/server.c run natively.

    python3 -m unittest discover -s bench -p 'test_*.py'

The wrk reports below are real captures from this repository's machine:
the server of bench/http (microsecond and millisecond latencies, k
suffixes), a server answering after 1.2 s (second latencies), the same with
wrk's --timeout below that (socket timeouts), and a 404 run (non-2xx)."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import unittest
from pathlib import Path
from unittest import mock

from flintbench import http_load

WRK_FAST = """\
Running 3s test @ http://127.0.0.1:18080/
  1 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.84ms    2.10ms  12.47ms   86.20%
    Req/Sec    26.53k    13.91k   74.57k    86.67%
  Latency Distribution
     50%  514.00us
     75%    3.11ms
     90%    5.05ms
     99%    9.30ms
  79847 requests in 3.03s, 6.70MB read
Requests/sec:  26330.23
Transfer/sec:      2.21MB
"""

WRK_SECONDS = """\
Running 4s test @ http://127.0.0.1:18095/
  1 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.25s    22.45ms   1.29s    58.33%
    Req/Sec     3.00      0.00     3.00    100.00%
  Latency Distribution
     50%    1.25s 
     75%    1.27s 
     90%    1.27s 
     99%    1.29s 
  12 requests in 4.10s, 1.32KB read
Requests/sec:      2.93
Transfer/sec:     331.03B
"""

WRK_TIMEOUTS = """\
Running 3s test @ http://127.0.0.1:18095/
  1 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     0.00us    0.00us   0.00us    -nan%
    Req/Sec     3.00      0.00     3.00    100.00%
  Latency Distribution
     50%    0.00us
     75%    0.00us
     90%    0.00us
     99%    0.00us
  8 requests in 3.09s, 0.88KB read
  Socket errors: connect 0, read 0, write 0, timeout 8
Requests/sec:      2.59
Transfer/sec:     292.55B
"""

WRK_404 = """\
Running 2s test @ http://127.0.0.1:18096/nope
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     3.81ms    8.13ms  59.39ms   88.92%
    Req/Sec    12.69k    10.36k   31.99k    66.67%
  Latency Distribution
     50%  100.00us
     75%    3.04ms
     90%   13.29ms
     99%   38.42ms
  50003 requests in 2.11s, 3.81MB read
  Non-2xx or 3xx responses: 50003
Requests/sec:  23727.65
Transfer/sec:      1.81MB
"""


class ParseWrkTest(unittest.TestCase):
    def test_microseconds_and_milliseconds(self):
        r = http_load.parse_wrk(WRK_FAST)
        self.assertAlmostEqual(r.requests_per_s, 26330.23)
        self.assertAlmostEqual(r.p50_ms, 0.514)
        self.assertAlmostEqual(r.p99_ms, 9.30)
        self.assertEqual((r.requests, r.socket_errors, r.non_2xx), (79847, 0, 0))
        self.assertEqual(r.raw, WRK_FAST)

    def test_seconds_with_trailing_blanks(self):
        r = http_load.parse_wrk(WRK_SECONDS)
        self.assertAlmostEqual(r.p50_ms, 1250.0)
        self.assertAlmostEqual(r.p99_ms, 1290.0)
        self.assertAlmostEqual(r.requests_per_s, 2.93)
        self.assertEqual(r.requests, 12)

    def test_socket_errors_and_non_2xx_are_counted(self):
        self.assertEqual(http_load.parse_wrk(WRK_TIMEOUTS).socket_errors, 8)
        r = http_load.parse_wrk(WRK_404)
        self.assertEqual(r.non_2xx, 50003)
        self.assertAlmostEqual(r.p50_ms, 0.1)

    def test_units_and_suffixes(self):
        self.assertAlmostEqual(http_load.parse_duration_ms("250.5us"), 0.2505)
        self.assertAlmostEqual(http_load.parse_duration_ms("2.00m"), 120000.0)
        self.assertAlmostEqual(http_load.parse_metric("26.53k"), 26530.0)
        self.assertAlmostEqual(http_load.parse_metric("1.20M"), 1.2e6)
        for bad in ("", "1.0 parsecs", "ms"):
            with self.assertRaises(http_load.HttpLoadError):
                http_load.parse_duration_ms(bad)

    def test_report_without_latency_distribution_is_an_error(self):
        without = "\n".join(l for l in WRK_FAST.splitlines() if "%" not in l or "Latency" in l or "Req" in l)
        with self.assertRaisesRegex(http_load.HttpLoadError, "latency distribution"):
            http_load.parse_wrk(without)
        with self.assertRaisesRegex(http_load.HttpLoadError, "Requests/sec"):
            http_load.parse_wrk("unable to connect to 127.0.0.1:1 Connection refused\n")


class WrkCommandTest(unittest.TestCase):
    def test_pinned_keep_alive_command(self):
        argv = http_load.wrk_command("http://127.0.0.1:8080/", 10, 64, 2, 1)
        self.assertEqual(argv, ["taskset", "--cpu-list", "1", "wrk", "--latency", "--duration", "10s",
                                "--connections", "64", "--threads", "2", "http://127.0.0.1:8080/"])
        self.assertNotIn("Connection: close", " ".join(argv))

    def test_unpinned_whole_seconds_and_one_connection_per_thread(self):
        argv = http_load.wrk_command("http://h/", 0.2, 1, 4, None)
        self.assertEqual(argv[:4], ["wrk", "--latency", "--duration", "1s"])
        self.assertEqual(argv[argv.index("--connections") + 1], "4")

    def test_missing_wrk_is_a_clear_error(self):
        with tempfile.TemporaryDirectory() as empty, mock.patch.dict(os.environ, {"PATH": empty}):
            with self.assertRaisesRegex(http_load.HttpLoadError, "wrk not found"):
                http_load.run_wrk("http://127.0.0.1:1/", 1, 1, 1, None)

    def test_server_build_commands(self):
        commands = http_load.server_build_commands(Path("s.c"), Path("/o"), "clang-19")
        self.assertIn("-static", commands["native_static"])
        self.assertNotIn("-static", commands["native"])
        self.assertIn("--target=wasm32-wasi", commands["wasm"])
        for argv in commands.values():
            self.assertIn("-O2", argv)


class WaitForPortTest(unittest.TestCase):
    def test_returns_once_listening(self):
        with socket.socket() as listener:
            listener.bind(("127.0.0.1", 0))
            listener.listen()
            http_load.wait_for_port("127.0.0.1", listener.getsockname()[1], 5)

    def test_times_out_on_a_closed_port(self):
        start = time.monotonic()
        with self.assertRaises(TimeoutError):
            http_load.wait_for_port("127.0.0.1", free_port(), 0.3)
        self.assertLess(time.monotonic() - start, 5)

    def test_a_dead_server_fails_at_once(self):
        with self.assertRaisesRegex(RuntimeError, "exited"):
            http_load.wait_for_port("127.0.0.1", free_port(), 30, alive=lambda: False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@unittest.skipUnless(shutil.which(http_load.COMPILER), f"{http_load.COMPILER} not installed")
class NativeServerTest(unittest.TestCase):
    """bench/http/server.c built natively and spoken to over loopback."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.binaries = http_load.build_http_server(Path(cls.tmp.name))
        cls.port = free_port()
        cls.server = subprocess.Popen([str(cls.binaries["native"]), str(cls.port)])
        http_load.wait_for_port("127.0.0.1", cls.port, 10, alive=lambda: cls.server.poll() is None)

    @classmethod
    def tearDownClass(cls):
        cls.server.kill()
        cls.server.wait()
        cls.tmp.cleanup()

    def raw(self, data: bytes, pause_s: float = 0.0) -> bytes:
        """Sends data (a byte at a time when pause_s is given) and reads
        until the server closes or goes quiet."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=2) as s:
            if pause_s:
                for i in range(len(data)):
                    s.sendall(data[i:i + 1])
                    time.sleep(pause_s)
            else:
                s.sendall(data)
            s.settimeout(0.5)
            out = b""
            try:
                while chunk := s.recv(4096):
                    out += chunk
            except socket.timeout:
                pass
            return out

    def test_all_three_targets_were_built(self):
        for target in ("native", "native_static", "wasm"):
            self.assertTrue(self.binaries[target].exists(), target)
        self.assertEqual(self.binaries["wasm"].read_bytes()[:4], b"\0asm")

    def test_keep_alive_serves_requests_on_one_connection(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            conn.request("GET", "/")
            first = conn.getresponse()
            self.assertEqual((first.status, first.read()), (200, b"hello from flint bench\n"))
            self.assertEqual(first.getheader("Content-Length"), "23")
            sock = conn.sock
            conn.request("GET", "/")
            second = conn.getresponse()
            self.assertEqual((second.status, second.read()), (200, b"hello from flint bench\n"))
            self.assertIs(conn.sock, sock, "the connection was not kept alive")
            conn.request("GET", "/missing")
            missing = conn.getresponse()
            self.assertEqual(missing.status, 404)
            missing.read()
            conn.request("HEAD", "/")
            head = conn.getresponse()
            self.assertEqual((head.status, head.read(), head.getheader("Content-Length")), (200, b"", "23"))
        finally:
            conn.close()

    def test_malformed_request_gets_400_and_close(self):
        for request in (b"NONSENSE\r\n\r\n", b"GET / HTTP/9.9\r\n\r\n", b"GET / HTTP/1.1\r\nno colon\r\n\r\n",
                        b"G(T / HTTP/1.1\r\n\r\n", b"GET / HTTP/1.1\r\nContent-Length: -1\r\n\r\n"):
            out = self.raw(request + b"GET / HTTP/1.1\r\n\r\n")
            self.assertTrue(out.startswith(b"HTTP/1.1 400 Bad Request\r\n"), (request, out))
            self.assertIn(b"Connection: close", out)
            self.assertEqual(out.count(b"HTTP/1.1"), 1, "answered after a malformed request")

    def test_malformed_request_through_http_client(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            conn.putrequest("GET", "/", skip_host=True, skip_accept_encoding=True)
            conn.putheader("Bad Header Name", "x")
            conn.endheaders()
            response = conn.getresponse()
            self.assertEqual(response.status, 400)
            self.assertTrue(response.will_close)
        finally:
            conn.close()

    def test_pipelined_requests_are_answered_in_order(self):
        out = self.raw(b"GET / HTTP/1.1\r\n\r\nGET /x HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\nConnection: close\r\n\r\n")
        statuses = re.findall(rb"HTTP/1\.1 \d{3} [A-Za-z ]+(?=\r\n)", out)
        self.assertEqual(statuses, [b"HTTP/1.1 200 OK", b"HTTP/1.1 404 Not Found", b"HTTP/1.1 200 OK"])

    def test_request_split_across_reads(self):
        out = self.raw(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", pause_s=0.005)
        self.assertTrue(out.startswith(b"HTTP/1.1 200 OK\r\n"), out)
        self.assertTrue(out.endswith(b"hello from flint bench\n"))

    def test_empty_lines_before_a_request_are_ignored(self):
        out = self.raw(b"\r\n\r\nGET / HTTP/1.1\r\n\r\n\r\nGET / HTTP/1.1\r\nConnection: close\r\n\r\n")
        self.assertEqual(out.count(b"HTTP/1.1 200 OK\r\n"), 2, out)

    def test_request_body_is_skipped(self):
        out = self.raw(b"POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nabcdeGET / HTTP/1.1\r\n\r\n")
        self.assertTrue(out.startswith(b"HTTP/1.1 405 Method Not Allowed\r\n"), out)
        self.assertIn(b"HTTP/1.1 200 OK\r\n", out)

    def test_http_1_0_closes_unless_asked_to_keep_alive(self):
        out = self.raw(b"GET / HTTP/1.0\r\n\r\nGET / HTTP/1.0\r\n\r\n")
        self.assertEqual(out.count(b"HTTP/1.1 200 OK"), 1)
        self.assertIn(b"Connection: close", out)

    def test_many_connections_at_once(self):
        """wrk keeps many connections open: one idle client must not stall
        the others."""
        idle = socket.create_connection(("127.0.0.1", self.port))
        try:
            results = []

            def fetch():
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/")
                results.append(conn.getresponse().status)
                conn.close()

            threads = [threading.Thread(target=fetch) for _ in range(8)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            self.assertEqual(results, [200] * 8)
        finally:
            idle.close()


if __name__ == "__main__":
    unittest.main()
