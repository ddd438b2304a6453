#!/usr/bin/env python3
"""Runs one component guest (guests/components/) under each runtime given
and compares its stdout, stderr and exit status with the expected files
committed next to its source:

    check_guest.py --runtime NAME[=PATH] [--runtime ...] --expected PREFIX
                   [--calls FILE [--flint-calls PATH]] COMPONENT

PREFIX.stdout, PREFIX.stderr and PREFIX.exit hold what must come out. A
command guest runs with the same arguments, environment and preopened
directory in every language (see COMMAND_ARGS below); a reactor guest
(--calls) has its exports called as FILE lists (tests/component_guests/calls.py).

Runtimes (runtime_command below):
- `wasmtime`, the reference. A command runs under the `wasmtime` command
  line (`wasmtime run`, found on PATH or in ~/.cargo/bin), or under the
  `wasmtime` PyPI package (run_wasmtime.py) when the command line is absent.
  A reactor's calls run under the package: the command line makes one call
  per process and cannot keep a resource handle from one call to the next.
- `flint=PATH`: a command runs as `PATH run` with the same flags; a
  reactor's calls run on one instance under --flint-calls (flint_calls.cc),
  and besides, every resource-free function the calls file names is called
  once more alone with `PATH run --invoke` and with `wasmtime run --invoke`:
  both must print the result the expected file gives for that call.

Every runtime must give the expected output, so they agree with each other
(a differential). Nothing is normalised: no guest here traps, and a guest
failing through `wasi:cli/exit` or an `err` from `run` gets exit status 1
and no message from either runtime. (A trap would differ: wasmtime prints
a backtrace and exits 128+SIGABRT; Flint prints its own trap line.)

Exits 77 (skipped) when a runtime is unavailable or a guest imports what
Flint does not define yet, 1 on any difference.
"""
import argparse
import os
import re
import shutil
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


def wasmtime_cli():
    """The `wasmtime` command line, or None."""
    found = shutil.which("wasmtime")
    if found:
        return found
    home = os.path.expanduser("~/.cargo/bin/wasmtime")
    return home if os.access(home, os.X_OK) else None


def runtime_command(spec, calls, flint_calls):
    """The command line prefix of a runtime given as NAME or NAME=PATH, for
    a command or (with `calls`) a reactor's calls file."""
    name, _, path = spec.partition("=")
    if name == "wasmtime":
        cli = wasmtime_cli()
        if cli and not calls:
            return [cli, "run"]
        return [sys.executable, os.path.join(HERE, "run_wasmtime.py")]
    if name == "flint":
        if calls:
            return [os.path.abspath(flint_calls)]
        return [os.path.abspath(path) if path else "flint", "run"]
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


def unavailable(spec, code, err):
    """Whether a run could not happen: the wasmtime package missing (77),
    or a guest importing wasi:sockets, which Flint does not define yet."""
    if spec.startswith("flint"):
        return "wasi:sockets/" in err and "is not defined by the host" in err
    return code == 77


def single_calls(expected_stdout):
    """(call, result) for the first call of each function in the expected
    output that neither keeps nor passes a resource handle."""
    seen, picked = set(), []
    for line in expected_stdout.splitlines():
        call, sep, result = line.partition(" -> ")
        m = re.match(r"^([\w-]+)\(", call)
        if not sep or not m or m.group(1) in seen:
            continue
        seen.add(m.group(1))
        picked.append((call, result))
    return picked


def compare_invokes(flint, component, expected_stdout, workdir):
    """`flint run --invoke` and `wasmtime run --invoke` against the expected
    result of each single call; True when all agree."""
    cli = wasmtime_cli()
    if not cli:
        print("wasmtime command line not found: the --invoke comparison is skipped")
        return True
    ok = True
    for call, result in single_calls(expected_stdout):
        agreed = True
        for name, prefix in (("flint", [flint, "run"]), ("wasmtime", [cli, "run"])):
            p = subprocess.run(prefix + ["--invoke", call, component], cwd=workdir,
                               stdin=subprocess.DEVNULL, capture_output=True, timeout=300)
            got = p.stdout.decode("utf-8", "replace")
            if p.returncode != 0 or got != result + "\n":
                agreed = ok = False
                print(f"{name} --invoke {call!r}: exit {p.returncode}, printed {got!r}, "
                      f"expected {result + chr(10)!r}\n{p.stderr.decode('utf-8', 'replace')}")
        if agreed:
            print(f"--invoke {call}: flint and wasmtime print {result}")
    return ok


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runtime", action="append", required=True)
    ap.add_argument("--expected", required=True)
    ap.add_argument("--calls")
    ap.add_argument("--flint-calls", help="flint_calls, which runs a calls file under Flint")
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

    failed = skipped = False
    for spec in a.runtime:
        with tempfile.TemporaryDirectory(prefix="component-guest-") as work:
            os.mkdir(os.path.join(work, "data"))
            with open(os.path.join(work, "data", "input.txt"), "w") as f:
                f.write(INPUT_TXT)
            out, err, code = run(runtime_command(spec, calls, a.flint_calls), component, calls, work)
            if spec.startswith("flint") and calls and code == 0:
                flint = spec.partition("=")[2]
                failed |= not compare_invokes(os.path.abspath(flint) if flint else "flint", component,
                                              expected["stdout"], work)
        if unavailable(spec, code, err):
            # The other runtimes are still compared; the test reports a
            # skip only when nothing else failed.
            print(f"{spec}: unavailable ({err.strip()}); skipped")
            skipped = True
            continue
        got = {"stdout": out, "stderr": err, "exit": code}
        differs = False
        for part in ("stdout", "stderr", "exit"):
            if got[part] != expected[part]:
                differs = True
                print(f"{spec}: {part} differs from {a.expected}.{part}")
                print(f"--- expected\n{expected[part]}\n--- got\n{got[part]}\n---")
        if not differs:
            print(f"{spec}: stdout, stderr and exit status {code} as expected")
        failed |= differs
    return 1 if failed else 77 if skipped else 0


if __name__ == "__main__":
    sys.exit(main())
