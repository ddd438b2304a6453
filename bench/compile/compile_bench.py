#!/usr/bin/env python3
"""Compile time and peak memory: `flint compile` against `wasmtime compile`
(issue 16), in one run on this machine, on Go's test binaries and on the
largest core module of a componentize-py component.

Each round compiles every input with every compiler, in an order that
rotates from round to round; the table gives each one's median wall time,
median peak RSS (the compiling process and its children) and the ratios
to wasmtime. Run by hand (minutes; never in CI):

    python3 bench/compile/compile_bench.py --runs 3
    python3 bench/compile/compile_bench.py --inputs build/go-stdlib-tests/os.test.wasm

Needs the build (flint, flint-compile, the Go test binaries and the
Python guests) and `wasmtime` on PATH or ~/.cargo/bin (--wasmtime).
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_INPUTS = [
    "build/go-stdlib-tests/os.test.wasm",
    "build/go-stdlib-tests/encoding_json.test.wasm",
    "build/guests/spin/python/hello.wasm",
]


def leb128(data, at):
    value = shift = 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, at


def largest_core_module(component):
    """The largest core module section (id 1) of a component's outer level."""
    data = component.read_bytes()
    if data[4:8] == b"\x01\x00\x00\x00":
        return data  # a core module already
    at, best = 8, b""
    while at < len(data):
        section = data[at]
        size, at = leb128(data, at + 1)
        if section == 1 and size > len(best):
            best = data[at:at + size]
        at += size
    if not best:
        sys.exit(f"{component}: no core module inside")
    return best


def measure(command):
    """Wall seconds and peak RSS (MiB) of one command."""
    start = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.monotonic() - start
    err = process.stderr.read().decode(errors="replace")
    process.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed: {' '.join(map(str, command))}\n{err}")
    return wall, usage.ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--inputs", nargs="*", default=DEFAULT_INPUTS)
    parser.add_argument("--flint", default=str(ROOT / "build/flint"))
    parser.add_argument("--wasmtime", default=shutil.which("wasmtime")
                        or str(Path.home() / ".cargo/bin/wasmtime"))
    args = parser.parse_args()
    flint_compile = Path(args.flint).parent / "flint-compile"
    if not flint_compile.exists():
        sys.exit(f"{flint_compile} is missing (LLVM 19 not found at configure time?)")
    if not Path(args.wasmtime).exists():
        sys.exit("wasmtime not found: cargo install wasmtime-cli --version 48.0.8 --locked")
    version = subprocess.run([args.wasmtime, "--version"], capture_output=True, text=True).stdout
    work = Path(tempfile.mkdtemp(prefix="compile-bench-"))
    inputs = []
    for name in args.inputs:
        path = (ROOT / name) if not Path(name).is_absolute() else Path(name)
        if not path.exists():
            print(f"skipped (not built): {name}", file=sys.stderr)
            continue
        core = work / (path.stem + ".core.wasm")
        core.write_bytes(largest_core_module(path))
        inputs.append((name, core, core.stat().st_size / 1e6))
    # flint-compile directly: `flint compile` is a thin wrapper that spawns
    # it, and ru_maxrss of a waited process covers that process only.
    compilers = {
        "flint": lambda wasm, out: [str(flint_compile), str(wasm), "-o", str(out)],
        "wasmtime": lambda wasm, out: [args.wasmtime, "compile", str(wasm), "-o", str(out)],
    }
    samples = {(n, c): [] for n, _, _ in inputs for c in compilers}
    names = list(compilers)
    for round_ in range(args.runs):
        for name, core, _ in inputs:
            order = names[round_ % len(names):] + names[:round_ % len(names)]
            for compiler in order:
                out = work / f"out.{compiler}"
                wall, rss = measure(compilers[compiler](core, out))
                samples[(name, compiler)].append((wall, rss))
                print(f"round {round_ + 1}: {compiler} {name}: {wall:.2f} s, {rss:.0f} MiB",
                      file=sys.stderr)
    shutil.rmtree(work)
    print(f"Machine: {os.cpu_count()} CPUs; {version.strip()}; medians of {args.runs} runs.\n")
    print("| module (largest core module) | size | flint wall | wasmtime wall | ratio "
          "| flint peak RSS | wasmtime peak RSS | ratio |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, _, size in inputs:
        f_wall = statistics.median(w for w, _ in samples[(name, "flint")])
        w_wall = statistics.median(w for w, _ in samples[(name, "wasmtime")])
        f_rss = statistics.median(r for _, r in samples[(name, "flint")])
        w_rss = statistics.median(r for _, r in samples[(name, "wasmtime")])
        print(f"| {name} | {size:.1f} MB | {f_wall:.2f} s | {w_wall:.2f} s | {f_wall / w_wall:.2f}x "
              f"| {f_rss:.0f} MiB | {w_rss:.0f} MiB | {f_rss / w_rss:.2f}x |")


if __name__ == "__main__":
    main()
