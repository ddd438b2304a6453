"""The benchmark suite: its kernels and how each is built, natively and to
wasm32.

Every kernel is one file in bench/kernels/ following kernel.h: it defines
`uint32_t run(int32_t n)` returning a checksum. The same source is compiled
twice with the same optimisation level; only the target differs.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
KERNEL_DIR = BENCH_DIR / "kernels"
EXPORT = "run"  # the one export of every wasm kernel (kernel.h)
CHECKSUM_BITS = 32  # every kernel returns a uint32_t (kernel.h)

SIZES = ("small", "default", "large")


@dataclass(frozen=True)
class Kernel:
    name: str
    what: str  # what the kernel stresses, for the README and the report
    small: int  # a smoke test: well under a second even in a slow interpreter
    default: int  # a few seconds per run in wabt's wasm-interp
    large: int  # the kernel's intended full size, for fast engines
    simd: bool = False  # written with wasm_simd128.h intrinsics (simd128.h): wasm build gets -msimd128
    # e.g. -mssse3 for a kernel whose shuffles need pshufb; -fno-math-errno so
    # sqrt is an instruction natively as it is in clang's wasm target
    native_flags: tuple[str, ...] = ()

    def n_for(self, size: str) -> int:
        return {"small": self.small, "default": self.default, "large": self.large}[size]

    @property
    def source(self) -> Path:
        return KERNEL_DIR / f"{self.name}.c"


KERNELS = (
    Kernel("fib", "recursive calls: call/return overhead", 27, 35, 40),
    Kernel("sieve", "tight loop over a byte array", 1 << 20, 4 << 20, 16 << 20),
    Kernel("matmul", "nested loops of integer multiply-adds", 64, 256, 512),
    Kernel("heapsort", "random access across a large array (4 B per element)", 100_000, 1 << 20, 4 << 20),
    Kernel("hashtable", "hash inserts and lookups, 12 B per slot at load <= 1/2", 100_000, 1 << 19, 1 << 20),
    Kernel("nbody", "double-precision n-body steps: f64 multiply, divide, sqrt", 1000, 1_000_000, 10_000_000,
           native_flags=("-fno-math-errno",)),
    Kernel("sha256", "SHA-256 of 64 KiB per N: 32-bit rotates, shifts, big-endian loads", 2, 250, 2000),
    Kernel("fannkuch", "fannkuch-redux over N! permutations: short loops over byte arrays", 7, 10, 11),
    Kernel("quicksort", "quicksort of N random u32: unpredictable branches, recursion", 100_000, 1 << 20,
           4 << 20),
    Kernel("dot_i16", "SIMD: int16 dot products (i32x4.dot_i16x8_s / pmaddwd)", 100, 20_000, 200_000,
           simd=True),
    Kernel("blur", "SIMD: 512x512 8-bit image blur passes (i8x16.avgr_u / pavgb)", 2, 50, 300,
           simd=True),
    Kernel("base64", "SIMD: base64 encoding of 12 KiB (i8x16.swizzle / pshufb)", 20, 5_000, 50_000,
           simd=True, native_flags=("-mssse3",)),
)


def kernel_by_name(name: str) -> Kernel:
    for kernel in KERNELS:
        if kernel.name == name:
            return kernel
    raise KeyError(f"unknown kernel {name!r}; known: {', '.join(k.name for k in KERNELS)}")


def native_command(cc: str, kernel: Kernel, out_dir: Path) -> list[str]:
    return [cc, "-O2", *kernel.native_flags, "-o", str(out_dir / kernel.name), str(kernel.source),
            str(KERNEL_DIR / "native_main.c")]


def wasm_command(cc: str, kernel: Kernel, out_dir: Path, simd128: bool = False) -> list[str]:
    """The wasm build. `simd128` gives every kernel -msimd128, not only the
    SIMD ones: clang then auto-vectorises the scalar kernels for wasm as it
    does natively for x86-64's baseline SSE2 (run.py --wasm-simd)."""
    # wasm32-wasi, freestanding: no libc, no imports, no start function; the
    # linker keeps only what `run` reaches and exports it (with the memory,
    # by default). The code is the same as for plain wasm32.
    simd = ["-msimd128"] if kernel.simd or simd128 else []
    return [cc, "--target=wasm32-wasi", "-O2", *simd, "-nostdlib", "-Wl,--no-entry",
            f"-Wl,--export={EXPORT}", "-o", str(out_dir / f"{kernel.name}.wasm"),
            str(kernel.source)]


def build(kernel: Kernel, cc: str, out_dir: Path, simd128: bool = False) -> dict[str, list[str]]:
    """Compiles both builds of `kernel` into `out_dir` (always: it takes well
    under a second, and a stale binary would make the numbers lie). Returns
    the commands used, for the report. Exits loudly if a compile fails."""
    out_dir.mkdir(parents=True, exist_ok=True)
    commands = {"native": native_command(cc, kernel, out_dir),
                "wasm": wasm_command(cc, kernel, out_dir, simd128)}
    for command in commands.values():
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            sys.exit(f"build of {kernel.name} failed:\n  {' '.join(command)}\n{result.stderr}")
    return commands
