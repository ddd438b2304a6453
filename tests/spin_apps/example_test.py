#!/usr/bin/env python3
"""The README's bundled Spin app (examples/hello-spin) under `flint up`:
it starts, lists its route, and answers 200 "Hello from Flint!\\n" on any
path. Its component is a .wat source, so this needs no guest toolchain.

Usage: example_test.py --flint FLINT --app examples/hello-spin
"""
import argparse
import http.client
import re
import signal
import subprocess
import sys


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--flint", required=True)
    p.add_argument("--app", required=True)
    args = p.parse_args()
    proc = subprocess.Popen([args.flint, "up", "--from", args.app, "--listen", "127.0.0.1:0"],
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
        print("passed")
        return 0
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)


if __name__ == "__main__":
    sys.exit(main())
