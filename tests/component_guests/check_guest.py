#!/usr/bin/env python3
"""Runs one component guest (guests/components/) under each runtime given
and compares its stdout, stderr and exit status with the expected files
committed next to its source:

    check_guest.py --runtime NAME[=PATH] [--runtime ...] --expected PREFIX
                   [--calls FILE] COMPONENT

PREFIX.stdout, PREFIX.stderr and PREFIX.exit hold what must come out. A
command guest runs with the same arguments, environment and preopened
directory in every language (see COMMAND_ARGS below); a reactor guest
(--calls) has its exports called as FILE lists (tests/component_guests/calls.py).

Runtimes (RUNTIMES below): `wasmtime` is the reference, the `wasmtime` PyPI
package through run_wasmtime.py; `flint=PATH` runs `PATH run` with the same
flags, for when Flint runs components. Exits 77 (skipped) when a runtime is
unavailable, 1 on any difference.
"""
import argparse
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))

# What every command guest is given: two arguments (one with a space), a
# flag making it exit with a failure after its output, GREETING set, and a
# directory preopened as /data holding input.txt.
COMMAND_ARGS = ["alpha", "beta gamma", "--fail"]
COMMAND_ENV = [("GREETING", "hello")]
INPUT_TXT = "first line\nsecond line\n"


def runtime_command(spec):
    """The command line prefix of a runtime given as NAME or NAME=PATH."""
    name, _, path = spec.partition("=")
    if name == "wasmtime":
        return [sys.executable, os.path.join(HERE, "run_wasmtime.py")]
    if name == "flint":
        return [path or "flint", "run"]
    sys.exit(f"check_guest.py: unknown runtime {spec}")


def run(prefix, component, calls, workdir):
    cmd = list(prefix) + ["--dir", "data::/data"]
    for name, value in COMMAND_ENV:
        cmd += ["--env", f"{name}={value}"]
    if calls:
        cmd += ["--calls", calls, component]
    else:
        cmd += [component] + COMMAND_ARGS
    p = subprocess.run(cmd, cwd=workdir, stdin=subprocess.DEVNULL, capture_output=True, timeout=300)
    return p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace"), p.returncode


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runtime", action="append", required=True)
    ap.add_argument("--expected", required=True)
    ap.add_argument("--calls")
    ap.add_argument("component")
    a = ap.parse_args()
    if not os.path.exists(a.component):
        print(f"{a.component} was not built (its toolchain is missing); skipped")
        return 77
    expected = {}
    for part in ("stdout", "stderr", "exit"):
        with open(f"{a.expected}.{part}") as f:
            expected[part] = f.read()
    expected["exit"] = int(expected["exit"].strip())
    component = os.path.abspath(a.component)
    calls = os.path.abspath(a.calls) if a.calls else None

    failed = False
    for spec in a.runtime:
        with tempfile.TemporaryDirectory(prefix="component-guest-") as work:
            os.mkdir(os.path.join(work, "data"))
            with open(os.path.join(work, "data", "input.txt"), "w") as f:
                f.write(INPUT_TXT)
            out, err, code = run(runtime_command(spec), component, calls, work)
        if code == 77:
            print(f"{spec}: unavailable ({err.strip()}); skipped")
            return 77
        got = {"stdout": out, "stderr": err, "exit": code}
        for part in ("stdout", "stderr", "exit"):
            if got[part] != expected[part]:
                failed = True
                print(f"{spec}: {part} differs from {a.expected}.{part}")
                print(f"--- expected\n{expected[part]}\n--- got\n{got[part]}\n---")
        if not failed:
            print(f"{spec}: stdout, stderr and exit status {code} as expected")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
