"""Checks that each kernel computes what its comment says: the native build's
checksum at a small N must equal the one of a plain Python reference
implementation, and so must the wasm build's in wabt's wasm-interp and in
Flint's interpreter and compiled code (when those are installed). run.py
then checks the wasm build against the native one at the timed sizes.
Needs clang-19; nothing is timed.

    python3 -m unittest discover -s bench -p 'test_*.py'
"""

from __future__ import annotations

import math
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bake_args  # noqa: E402
import engines  # noqa: E402
import run  # noqa: E402
import suite  # noqa: E402

MASK = 0xFFFFFFFF
CHECKSUM_INIT = 2166136261


def xorshift32(state: int):
    while True:
        state ^= (state << 13) & MASK
        state ^= state >> 17
        state ^= (state << 5) & MASK
        yield state


def checksum(values, digest: int = CHECKSUM_INIT) -> int:
    for value in values:
        digest = ((digest ^ value) * 16777619) & MASK
    return digest


def fib(n: int) -> int:
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a & MASK


def sieve(n: int) -> int:
    primes = [p for p in range(2, n) if all(p % d for d in range(2, int(p ** 0.5) + 1))]
    return (checksum(primes) ^ len(primes)) * 16777619 & MASK


def matmul(n: int) -> int:
    stream = xorshift32(0x2545F491)
    a = [[next(stream) & 0xFFFF for _ in range(n)] for _ in range(n)]
    b_transposed = [[0] * n for _ in range(n)]
    for row in range(n):
        for col in range(n):
            b_transposed[col][row] = next(stream) & 0xFFFF
    return checksum(sum(x * y for x, y in zip(a[i], b_transposed[j])) & MASK
                    for i in range(n) for j in range(n))


def heapsort(n: int) -> int:
    stream = xorshift32(0x9E3779B9)
    return checksum(sorted(next(stream) for _ in range(n)))


def hashtable(n: int) -> int:
    inserts = xorshift32(0x1B873593)
    table = {}
    for i in range(n):
        table[next(inserts)] = i
    replay, fresh = xorshift32(0x1B873593), xorshift32(0xCC9E2D51)
    found = []
    for i in range(n):
        key = next(replay) if i & 1 else next(fresh)
        if key in table:
            found.append(table[key])
    return (checksum(found) ^ len(found)) * 16777619 & MASK


def dot_i16(n: int) -> int:
    def signed16(v):
        v &= 0xFFFF
        return v - 0x10000 if v & 0x8000 else v
    stream = xorshift32(0x85EBCA6B)
    a, b = [], []
    for _ in range(4096):
        a.append(signed16(next(stream)))
        b.append(signed16(next(stream)))
    digest = CHECKSUM_INIT
    for round_ in range(n):
        d = sum(x * y for x, y in zip(a, b)) & MASK
        digest = ((digest ^ d) * 16777619) & MASK
        a[round_ % 4096] = signed16(d)
    return digest


def blur(n: int) -> int:
    w = h = 512
    stream = xorshift32(0x27D4EB2F)
    image = [[next(stream) & 0xFF for _ in range(w)] for _ in range(h)]

    def avgr(x, y):
        return (x + y + 1) >> 1

    for _ in range(n):
        across = []
        for row in image:
            padded = [0] + row + [0]
            across.append([avgr(avgr(padded[x], padded[x + 2]), padded[x + 1]) for x in range(w)])
        for y in range(1, h - 1):
            above, here, below = across[y - 1], across[y], across[y + 1]
            image[y] = [avgr(avgr(above[x], below[x]), here[x]) for x in range(w)]
    return checksum(row[x] | row[x + 1] << 8 | row[x + 2] << 16 | row[x + 3] << 24
                    for row in image for x in range(0, w, 4))


def base64_kernel(n: int) -> int:
    import base64
    stream = xorshift32(0x165667B1)
    data = bytearray(next(stream) & 0xFF for _ in range(12288))
    out = bytes(16384)
    for round_ in range(n):
        out = base64.b64encode(bytes(data))
        data[round_ % 12288] = out[round_ % 16384]
    return checksum(int.from_bytes(out[i:i + 4], "little") for i in range(0, 16384, 4))


def nbody(n: int) -> int:
    import struct
    pi = 3.141592653589793
    solar_mass = 4 * pi * pi
    days_per_year = 365.24
    start = [
        [0, 0, 0, 0, 0, 0, 1],
        [4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01,
         1.66007664274403694e-03, 7.69901118419740425e-03, -6.90460016972063023e-05,
         9.54791938424326609e-04],
        [8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01,
         -2.76742510726862411e-03, 4.99852801234917238e-03, 2.30417297573763929e-05,
         2.85885980666130812e-04],
        [1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01,
         2.96460137564761618e-03, 2.37847173959480950e-03, -2.96589568540237556e-05,
         4.36624404335156298e-05],
        [1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01,
         2.68067772490389322e-03, 1.62824170038242295e-03, -9.51592254519715870e-05,
         5.15138902046611451e-05]]
    # [x, y, z, vx, vy, vz, mass]; every operation in the C kernel's order,
    # since float arithmetic is not associative.
    bodies = [[s[0], s[1], s[2], s[3] * days_per_year, s[4] * days_per_year,
               s[5] * days_per_year, s[6] * solar_mass] for s in start]
    px = py = pz = 0.0
    for b in bodies:
        px += b[3] * b[6]
        py += b[4] * b[6]
        pz += b[5] * b[6]
    bodies[0][3:6] = [-px / solar_mass, -py / solar_mass, -pz / solar_mass]

    def energy():
        e = 0.0
        for i, a in enumerate(bodies):
            e += 0.5 * a[6] * (a[3] * a[3] + a[4] * a[4] + a[5] * a[5])
            for b in bodies[i + 1:]:
                dx, dy, dz = a[0] - b[0], a[1] - b[1], a[2] - b[2]
                e -= a[6] * b[6] / math.sqrt(dx * dx + dy * dy + dz * dz)
        return e

    def fold(digest, value):
        bits = struct.unpack("<Q", struct.pack("<d", value))[0]
        return checksum([bits & MASK, bits >> 32], digest)

    digest = fold(CHECKSUM_INIT, energy())
    dt = 0.01
    for _ in range(n):
        for i, a in enumerate(bodies):
            for b in bodies[i + 1:]:
                dx, dy, dz = a[0] - b[0], a[1] - b[1], a[2] - b[2]
                distance2 = dx * dx + dy * dy + dz * dz
                magnitude = dt / (distance2 * math.sqrt(distance2))
                a[3] -= dx * b[6] * magnitude
                a[4] -= dy * b[6] * magnitude
                a[5] -= dz * b[6] * magnitude
                b[3] += dx * a[6] * magnitude
                b[4] += dy * a[6] * magnitude
                b[5] += dz * a[6] * magnitude
        for b in bodies:
            b[0] += dt * b[3]
            b[1] += dt * b[4]
            b[2] += dt * b[5]
    return fold(digest, energy())


def sha256_kernel(n: int) -> int:
    import hashlib
    stream = xorshift32(0x3C6EF372)
    message = bytearray(next(stream) & 0xFF for _ in range(65536))
    digest = bytes(32)
    for round_ in range(n):
        digest = hashlib.sha256(message).digest()
        at = round_ * 32 % 65536
        for i in range(32):
            message[at + i] ^= digest[i]
    return checksum(int.from_bytes(digest[i:i + 4], "big") for i in range(0, 32, 4))


def fannkuch(n: int) -> int:
    """Flips of every permutation, in any order: the checksum's signs follow
    the benchmark's enumeration order, so that order is replayed too."""
    if n < 1:
        return checksum([0, 0])
    perm1, count = list(range(n)), [0] * n
    total = max_flips = permutation = 0
    r = n
    while True:
        while r != 1:
            count[r - 1] = r
            r -= 1
        perm, flips = perm1[:], 0
        while perm[0]:
            k = perm[0]
            perm[:k + 1] = perm[k::-1]
            flips += 1
        max_flips = max(max_flips, flips)
        total += flips if permutation % 2 == 0 else -flips
        while True:
            if r == n:
                return checksum([total & MASK, max_flips])
            perm1[:r + 1] = perm1[1:r + 1] + perm1[:1]
            count[r] -= 1
            if count[r] > 0:
                break
            r += 1
        permutation += 1


def quicksort(n: int) -> int:
    stream = xorshift32(0x7F4A7C15)
    return checksum(sorted(next(stream) for _ in range(n)))


REFERENCES = {"fib": (fib, [0, 1, 2, 20]), "sieve": (sieve, [0, 2, 3, 1000]),
              "matmul": (matmul, [0, 1, 17]), "heapsort": (heapsort, [0, 1, 2, 5000]),
              "hashtable": (hashtable, [0, 1, 2, 3000]), "dot_i16": (dot_i16, [0, 1, 5]),
              "blur": (blur, [0, 1, 2]), "base64": (base64_kernel, [0, 1, 3]),
              "nbody": (nbody, [0, 1, 1000]), "sha256": (sha256_kernel, [0, 1, 3]),
              "fannkuch": (fannkuch, [0, 1, 2, 3, 7]), "quicksort": (quicksort, [0, 1, 2, 15, 16, 17, 5000])}


@unittest.skipUnless(shutil.which("clang-19"), "clang-19 is not installed")
class KernelReferenceTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.directory = tempfile.TemporaryDirectory()
        cls.out = Path(cls.directory.name)
        for kernel in suite.KERNELS:
            subprocess.run(suite.native_command("clang-19", kernel, cls.out), check=True)

    @classmethod
    def tearDownClass(cls):
        cls.directory.cleanup()

    def test_every_kernel_has_a_reference(self):
        self.assertEqual(sorted(REFERENCES), sorted(k.name for k in suite.KERNELS))

    def test_native_checksums_match_the_references(self):
        for name, (reference, sizes) in REFERENCES.items():
            for n in sizes:
                with self.subTest(kernel=name, n=n):
                    output = subprocess.run([str(self.out / name), str(n)], capture_output=True,
                                            text=True, check=True).stdout
                    self.assertEqual(int(output), reference(n))

    def test_n_above_the_kernel_limit_is_refused(self):
        result = subprocess.run([str(self.out / "fib"), "48"], capture_output=True, text=True)
        self.assertEqual(result.returncode, 2)
        self.assertIn("[0, 47]", result.stderr)


# The wasm builds against the same references, in runtimes independent of
# the native build: wabt's wasm-interp (N baked into a copy of the module,
# since wabt 1.0.32 cannot pass arguments) and Flint's engines when a flint
# binary is found ($FLINT, else ./build/flint). Only small N: wasm-interp is
# about 200x slower than native.
ORACLE_SIZES = {"fib": 20, "sieve": 1000, "matmul": 17, "heapsort": 5000, "hashtable": 3000,
                "nbody": 1000, "sha256": 1, "fannkuch": 7, "quicksort": 5000,
                "dot_i16": 5, "blur": 1, "base64": 3}


def flint_binary() -> str | None:
    candidate = os.environ.get("FLINT", str(suite.BENCH_DIR.parent / "build" / "flint"))
    return candidate if Path(candidate).is_file() else None


@unittest.skipUnless(shutil.which("clang-19"), "clang-19 is not installed")
class WasmBuildTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.directory = tempfile.TemporaryDirectory()
        cls.out = Path(cls.directory.name)
        for kernel in suite.KERNELS:
            subprocess.run(suite.wasm_command("clang-19", kernel, cls.out), check=True)

    @classmethod
    def tearDownClass(cls):
        cls.directory.cleanup()

    def test_oracle_sizes_cover_every_kernel(self):
        self.assertEqual(sorted(ORACLE_SIZES), sorted(REFERENCES))

    def test_wasm_imports_nothing(self):
        for kernel in suite.KERNELS:
            with self.subTest(kernel=kernel.name):
                module = (self.out / f"{kernel.name}.wasm").read_bytes()
                self.assertNotIn(bake_args.SECTION_IMPORT, dict(bake_args.split_sections(module)))

    @unittest.skipUnless(shutil.which("wasm-interp"), "wabt's wasm-interp is not installed")
    def test_wasm_interp_matches_the_references(self):
        for name, n in ORACLE_SIZES.items():
            with self.subTest(kernel=name, n=n):
                baked = self.out / f"{name}.n{n}.wasm"
                baked.write_bytes(bake_args.bake_arguments(
                    (self.out / f"{name}.wasm").read_bytes(), suite.EXPORT, [n]))
                output = subprocess.run(["wasm-interp", str(baked), "--run-all-exports"],
                                        capture_output=True, text=True, check=True).stdout
                self.assertEqual(run.parse_checksum(output), REFERENCES[name][0](n))

    @unittest.skipUnless(flint_binary(), "no flint binary ($FLINT or ./build/flint)")
    def test_flint_engines_match_the_references(self):
        flint = flint_binary()
        for name, n in ORACLE_SIZES.items():
            kernel = suite.kernel_by_name(name)
            wasm = self.out / f"{name}.wasm"
            modules = {"interp": wasm}
            artifact = engines.artifact_path(wasm)
            compiled = subprocess.run([flint, "compile", str(wasm), "-o", str(artifact)],
                                      capture_output=True, text=True)
            if compiled.returncode == 0:
                modules["aot"] = artifact
            elif not kernel.simd:  # the compiler may not have SIMD yet; scalar must compile
                self.fail(f"flint compile {name}: {compiled.stderr}")
            for engine, module in modules.items():
                with self.subTest(kernel=name, engine=engine, n=n):
                    output = subprocess.run([flint, "run", "--invoke", suite.EXPORT, str(module), str(n)],
                                            capture_output=True, text=True, check=True).stdout
                    self.assertEqual(run.parse_checksum(output), REFERENCES[name][0](n))


if __name__ == "__main__":
    unittest.main()
