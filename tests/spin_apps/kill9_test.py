#!/usr/bin/env python3
"""`kill -9` of `flint up` during concurrent key-value writes loses no
acknowledged write (issue 13).

The Rust Spin app's `kvstore` component (guests/spin/rust/kvstore) stores a
PUT's body under its key in the default store. This test copies the app
into a fresh folder (its own .spin/), starts `flint up`, sends 1,000 PUTs
of distinct keys from 64 threads at once, kills flint up with SIGKILL while
they are in flight, starts it again on the same folder, and reads back
every key whose PUT was answered 200: each must hold exactly its value.
Writes that were not acknowledged may or may not be there.

Usage: kill9_test.py --flint FLINT --app BUILD/guests/spin/rust
Exit 0: passed; 77: the app was not built; 1: a lost or wrong write.
"""

import argparse
import http.client
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

WRITES = 1000
THREADS = 64
KILL_AFTER = 300  # acknowledged writes before the kill, so many are in flight


def start(flint, app):
    proc = subprocess.Popen([flint, "up", "--from", app, "--listen", "127.0.0.1:0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    m = re.match(r"Serving http://127\.0\.0\.1:(\d+)", line)
    if not m:
        proc.kill()
        raise SystemExit(f"flint up did not start: {line!r} {proc.communicate()[1]!r}")
    # Drain stdout so the route listing never blocks it.
    threading.Thread(target=proc.stdout.read, daemon=True).start()
    return proc, int(m.group(1))


def request(port, method, path, body=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--flint", required=True)
    p.add_argument("--app", required=True)
    args = p.parse_args()
    if not os.path.exists(os.path.join(args.app, "kvstore.wasm")):
        print(f"skipped: {args.app}/kvstore.wasm was not built (Rust's wasm32-wasip2 target)")
        return 77
    scratch = tempfile.mkdtemp(prefix="flint-kill9-")
    app = os.path.join(scratch, "app")
    shutil.copytree(args.app, app, ignore=shutil.ignore_patterns("target", ".spin"))
    proc = None
    try:
        proc, port = start(args.flint, app)
        acknowledged = []
        lock = threading.Lock()
        killed = threading.Event()

        def put(i):
            key, value = f"key{i}", f"value-{i}-" + "x" * (i % 97)
            try:
                status, _ = request(port, "PUT", "/kv/" + key, value.encode())
            except (OSError, http.client.HTTPException):
                return  # the server died under it: not acknowledged
            if status == 200:
                with lock:
                    acknowledged.append((key, value))
                    if len(acknowledged) == KILL_AFTER and not killed.is_set():
                        killed.set()
                        os.kill(proc.pid, signal.SIGKILL)

        with ThreadPoolExecutor(THREADS) as pool:
            list(pool.map(put, range(WRITES)))
        proc.wait()
        if proc.returncode != -signal.SIGKILL:
            print(f"FAIL: flint up was not killed mid-run (exit {proc.returncode}; "
                  f"{len(acknowledged)} writes acknowledged)")
            return 1

        proc, port = start(args.flint, app)
        lost = []
        for key, value in acknowledged:
            status, body = request(port, "GET", "/kv/" + key)
            if status != 200 or body != value.encode():
                lost.append((key, status, body[:40]))
        print(f"{len(acknowledged)} writes acknowledged before and during SIGKILL of "
              f"{WRITES} sent from {THREADS} threads; {len(lost)} lost")
        for key, status, body in lost[:10]:
            print(f"  lost {key}: {status} {body!r}")
        return 1 if lost else 0
    finally:
        if proc and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
