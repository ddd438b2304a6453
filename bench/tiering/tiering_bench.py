#!/usr/bin/env python3
"""Does a long compute run reach compiled speed under tiering? (issue 16)

For each kernel of bench/kernels, at a size whose precompiled run takes at
least --seconds (or its largest, for kernels whose N is clamped below
that), hyperfine times side by side:

  - aot:     `flint run --engine aot` of the artifact `flint compile` made
             beforehand (compiled from the first instruction);
  - tiered:  `flint run --engine tiered` of the .wasm with an empty
             artifact cache (FLINT_CACHE_DIR emptied before every run): the
             run starts interpreted, compiles in the background once hot,
             and moves over at the next call or loop iteration;
  - interp:  `flint run --engine interp`, for scale (--interp; slow).

The table gives each median and tiered / aot. Run by hand (minutes; never
in CI); needs the build and the kernels (`python3 bench/run.py` builds
them into bench/out):

    python3 bench/tiering/tiering_bench.py
    python3 bench/tiering/tiering_bench.py --kernels fib,nbody --runs 10
"""

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(BENCH))

import suite  # noqa: E402

ROOT = BENCH.parent


def grow(kernel: str, n: int) -> int:
    """The next larger size: each kernel's work grows differently with N."""
    if kernel in ("fib", "fannkuch"):
        return n + 1  # exponential, factorial
    if kernel == "matmul":
        return int(n * 1.26)  # cubic: about twice the work
    return n * 2


def timed_run(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--flint", default=str(ROOT / "build/flint"))
    parser.add_argument("--out", default=str(BENCH / "out"), help="where the kernels' .wasm are")
    parser.add_argument("--kernels", help="comma-separated (default: all)")
    parser.add_argument("--seconds", type=float, default=1.0,
                        help="the precompiled run's least time (default: %(default)s)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--interp", action="store_true", help="time the interpreter too")
    args = parser.parse_args()

    flint = args.flint
    out = Path(args.out)
    names = args.kernels.split(",") if args.kernels else [k.name for k in suite.KERNELS]
    cache = Path(tempfile.mkdtemp(prefix="flint-tiering-"))
    rows = []
    try:
        for name in names:
            kernel = suite.kernel_by_name(name)
            wasm = out / f"{name}.wasm"
            if not wasm.exists():
                sys.exit(f"{wasm} is missing: build the kernels with `python3 bench/run.py` first")
            artifact = cache / f"{name}.fwasm"
            subprocess.run([flint, "compile", str(wasm), "-o", str(artifact)], check=True)
            n = kernel.large
            aot = [flint, "run", "--engine", "aot", "--invoke", "run", str(artifact)]
            # Grown until the run lasts --seconds, or until a larger N does
            # no more work (kernel.h clamps each N to its arrays' size).
            seconds = timed_run(aot + [str(n)])
            while seconds < args.seconds:
                longer = timed_run(aot + [str(grow(name, n))])
                if longer < seconds * 1.3:
                    break
                n, seconds = grow(name, n), longer
            store = cache / "store"
            commands = {
                "aot": " ".join(aot + [str(n)]),
                "tiered": f"env FLINT_CACHE_DIR={store} {flint} run --engine tiered --invoke run "
                          f"{wasm} {n}",
            }
            if args.interp:
                commands["interp"] = f"{flint} run --engine interp --invoke run {wasm} {n}"
            export = cache / f"{name}.json"
            subprocess.run(["hyperfine", "-N", "-w", "1", "-r", str(args.runs),
                            "--prepare", f"rm -rf {store}", "--export-json", str(export)]
                           + [arg for label, command in commands.items()
                              for arg in ("-n", label, command)],
                           check=True, stdout=subprocess.DEVNULL)
            results = {r["command"]: r["median"] for r in json.loads(export.read_text())["results"]}
            rows.append((name, n, results))
            print(f"{name} {n}: " + ", ".join(f"{k} {v:.3f} s" for k, v in results.items())
                  + f", tiered / aot {results['tiered'] / results['aot']:.3f}", flush=True)
    finally:
        shutil.rmtree(cache, ignore_errors=True)

    print(f"\n`python3 bench/tiering/tiering_bench.py {' '.join(sys.argv[1:])}`\n")
    interp = " interp median |" if args.interp else ""
    print(f"| kernel | N | aot median | tiered (uncached) median |{interp} tiered / aot |")
    print("|---|---:|---:|---:|" + ("---:|" if args.interp else "") + "---:|")
    for name, n, r in rows:
        extra = f" {r['interp']:.3f} s |" if args.interp else ""
        print(f"| {name} | {n} | {r['aot']:.3f} s | {r['tiered']:.3f} s |{extra} "
              f"{r['tiered'] / r['aot']:.3f}x |")


if __name__ == "__main__":
    main()
