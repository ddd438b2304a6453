"""flintbench: WebAssembly runtimes against containers and native code, on
the user's own machine (issue 6).

A program of its own, never linked into `flint` (whose start-up and memory it
measures); `flint bench` only execs `python3 -m flintbench`. It reuses the
kernel harness one directory up (bench/suite.py for the kernels and their
builds, bench/report.py for statistics and number formatting,
bench/engines.py for the interleaved schedule), so that directory is put on
the import path here, once, for every module of the package.
"""

from __future__ import annotations

import sys
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
BENCH_DIR = PACKAGE_DIR.parent
REPO_DIR = BENCH_DIR.parent

if str(BENCH_DIR) not in sys.path:
    sys.path.insert(0, str(BENCH_DIR))
