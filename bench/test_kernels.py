"""Checks that each kernel computes what its comment says: the native build's
checksum at a small N must equal the one of a plain Python reference
implementation. (run.py then checks the wasm build against the native one.)
Needs clang-19; nothing is timed.

    python3 -m unittest discover -s bench -p 'test_*.py'
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import suite  # noqa: E402

MASK = 0xFFFFFFFF
CHECKSUM_INIT = 2166136261


def xorshift32(state: int):
    while True:
        state ^= (state << 13) & MASK
        state ^= state >> 17
        state ^= (state << 5) & MASK
        yield state


def checksum(values) -> int:
    digest = CHECKSUM_INIT
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


REFERENCES = {"fib": (fib, [0, 1, 2, 20]), "sieve": (sieve, [0, 2, 3, 1000]),
              "matmul": (matmul, [0, 1, 17]), "heapsort": (heapsort, [0, 1, 2, 5000]),
              "hashtable": (hashtable, [0, 1, 2, 3000]), "dot_i16": (dot_i16, [0, 1, 5]),
              "blur": (blur, [0, 1, 2]), "base64": (base64_kernel, [0, 1, 3])}


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


if __name__ == "__main__":
    unittest.main()
