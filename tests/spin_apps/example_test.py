#!/usr/bin/env python3
"""The README's bundled Spin app (examples/hello-spin) under `flint up`:
it starts, lists its route, and answers 200 "Hello from Flint!\\n" on any
path. Its component is a .wat source, so this needs no guest toolchain.
With --metrics-addr, GET /metrics counts those requests for the component.

Usage: example_test.py --flint FLINT --app examples/hello-spin
"""
import argparse
import http.client
import re
import signal
import subprocess
import sys
import time


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--flint", required=True)
    p.add_argument("--app", required=True)
    args = p.parse_args()
    proc = subprocess.Popen([args.flint, "up", "--from", args.app, "--listen", "127.0.0.1:0",
                             "--metrics-addr", "127.0.0.1:0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = proc.stdout.readline()
        m = re.match(r"Serving http://127\.0\.0\.1:(\d+)$", first.strip())
        if not m:
            print(f"FAIL: first line {first!r}; stderr {proc.stderr.read() if proc.poll() is not None else ''}")
            return 1
        listing = [proc.stdout.readline().rstrip("\n") for _ in range(2)]
        if listing != ["Available Routes:", f"  hello: http://127.0.0.1:{m.group(1)} (wildcard)"]:
            print(f"FAIL: route listing {listing!r}")
            return 1
        for path in ["/", "/hello", "/a/b?c=d"]:
            conn = http.client.HTTPConnection("127.0.0.1", int(m.group(1)), timeout=60)
            conn.request("GET", path)
            resp = conn.getresponse()
            body = resp.read()
            if resp.status != 200 or body != b"Hello from Flint!\n":
                print(f"FAIL: GET {path}: {resp.status} {body!r}")
                return 1
        metrics_line = proc.stderr.readline()
        mm = re.match(r"Metrics on http://127\.0\.0\.1:(\d+)/metrics$", metrics_line.strip())
        if not mm:
            print(f"FAIL: no metrics address on stderr: {metrics_line!r}")
            return 1
        # A request is counted once its handler has returned, a moment
        # after the client has the whole response: scrape until it shows.
        want = 'flint_http_requests_total{component="hello",status="200"} 3'
        for _ in range(50):
            conn = http.client.HTTPConnection("127.0.0.1", int(mm.group(1)), timeout=60)
            conn.request("GET", "/metrics")
            text = conn.getresponse().read().decode()
            conn.close()
            if want in text:
                break
            time.sleep(0.1)
        if want not in text:
            print(f"FAIL: {want!r} not in the metrics:\n{text}")
            return 1
        print("passed")
        return 0
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)


if __name__ == "__main__":
    sys.exit(main())
