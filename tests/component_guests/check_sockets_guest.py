#!/usr/bin/env python3
"""Runs the wasi:sockets guest (guests/components/rust/sockets) under
`flint run -S inherit-network` and compares its stdout and exit status with
the expected files beside its source; then checks that without the grant
it is refused cleanly (exit 1, one line naming the denied bind, no trap).

    check_sockets_guest.py --flint PATH [--wasmtime PATH] --expected PREFIX COMPONENT

With --wasmtime (the wasmtime CLI, when installed) the guest also runs
under `wasmtime run -S inherit-network`, which must print the same: the
differential. Exits 77 (skipped) when the guest was not built, 1 on any
difference.
"""
import argparse
import os
import subprocess
import sys


def run(cmd):
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=120)
    return p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace"), p.returncode


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--flint", required=True)
    ap.add_argument("--wasmtime")
    ap.add_argument("--expected", required=True)
    ap.add_argument("component")
    a = ap.parse_args()
    if not os.path.exists(a.component):
        print(f"skipped: {a.component} was not built")
        return 77
    with open(a.expected + ".stdout") as f:
        want = f.read()
    failures = []
    runtimes = [("flint", [a.flint, "run"])]
    if a.wasmtime and os.path.exists(a.wasmtime):
        runtimes.append(("wasmtime", [a.wasmtime, "run"]))
    for name, prefix in runtimes:
        out, err, code = run(prefix + ["-S", "inherit-network", a.component])
        if out != want or code != 0:
            failures.append(f"{name} -S inherit-network: exit {code}\n{out}{err}")
        # Deny by default: the first bind is access-denied.
        out, err, code = run(prefix + [a.component])
        if code != 1 or "tcp bind" not in err or "PermissionDenied" not in err:
            failures.append(f"{name} without -S inherit-network: exit {code}\n{out}{err}")
    for f in failures:
        print(f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
