"""The programs every contender runs, each built three ways from one C
source with clang-19 -O2: a native executable, a static native executable
(for containers: a FROM-scratch image has no libc to link against) and a
wasm32-wasi command. The compute kernels are bench/suite.py's, linked with
bench/kernels/native_main.c in all three builds, so every runtime runs the
same command line (`PROGRAM N`, printing a checksum) instead of needing
`--invoke` support that wazero and Node lack."""

from __future__ import annotations

import shlex
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import suite  # bench/suite.py: the kernels and their flags

from . import PACKAGE_DIR

HELLO_SOURCE = PACKAGE_DIR / "programs" / "hello.c"
HELLO_OUTPUT = "Hello, world!\n"
PEAK_RSS_SOURCE = PACKAGE_DIR / "programs" / "peak_rss.c"
WASI_SYSROOT = Path("/usr")  # Debian's wasi-libc: /usr/include/wasm32-wasi, /usr/lib/wasm32-wasi
FIB = "fib"  # the compute table's headline: recursive fib(40)
FIB_N = 40


class BuildError(Exception):
    pass


@dataclass
class Program:
    """One program's builds; a build that failed has no path and a reason."""

    name: str
    native: Path | None = None
    static: Path | None = None
    wasm: Path | None = None
    commands: dict[str, str] = field(default_factory=dict)  # build -> command line
    errors: dict[str, str] = field(default_factory=dict)  # build -> compiler message

    def build_of(self, kind: str) -> Path:
        """The path of build `kind` (native, static, wasm); raises BuildError
        with the compiler's message when that build failed."""
        path = getattr(self, kind)
        if path is None:
            raise BuildError(f"{kind} build of {self.name} failed: {self.errors.get(kind, 'not built')}")
        return path


def build_commands(cc: str, name: str, sources: list[Path], out_dir: Path,
                   native_flags: tuple[str, ...] = (), wasm_flags: tuple[str, ...] = ()) -> dict[str, list[str]]:
    files = [str(s) for s in sources]
    return {
        "native": [cc, "-O2", *native_flags, "-o", str(out_dir / name), *files],
        "static": [cc, "-O2", "-static", *native_flags, "-o", str(out_dir / f"{name}.static"), *files],
        "wasm": [cc, "--target=wasm32-wasi", f"--sysroot={WASI_SYSROOT}", "-O2", *wasm_flags,
                 "-o", str(out_dir / f"{name}.wasm"), *files],
    }


def compile_program(name: str, commands: dict[str, list[str]]) -> Program:
    """Runs each build command; a failing one is recorded, not fatal, so the
    contenders needing that build are reported as failed with its message."""
    program = Program(name)
    for kind, command in commands.items():
        program.commands[kind] = shlex.join(command)
        output = Path(command[command.index("-o") + 1])
        output.parent.mkdir(parents=True, exist_ok=True)
        if output.exists():
            output.unlink()  # a stale binary must not survive a failed build
        try:
            result = subprocess.run(command, capture_output=True, text=True)
        except OSError as error:
            program.errors[kind] = str(error)
            continue
        if result.returncode != 0 or not output.is_file():
            program.errors[kind] = (result.stderr.strip().splitlines() or ["exit status "
                                                                          f"{result.returncode}"])[-1]
            continue
        setattr(program, kind, output)
    return program


def build_hello(cc: str, out_dir: Path) -> Program:
    return compile_program("hello", build_commands(cc, "hello", [HELLO_SOURCE], out_dir))


def build_peak_rss(cc: str, out_dir: Path) -> Path:
    """The launcher hello-world memory runs go through (see peak_rss.c):
    static, so its own resident set, the floor of every reading, is tiny."""
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / "peak_rss"
    for flags in (["-static"], []):  # a system without libc.a still gets a (larger) floor
        result = subprocess.run([cc, "-O2", *flags, "-o", str(out), str(PEAK_RSS_SOURCE)],
                                capture_output=True, text=True)
        if result.returncode == 0:
            return out
    raise BuildError(f"cannot build {PEAK_RSS_SOURCE.name}: {result.stderr.strip()}")


def build_kernel(cc: str, kernel: suite.Kernel, out_dir: Path) -> Program:
    wasm_flags = ("-msimd128",) if kernel.simd else ()
    sources = [kernel.source, suite.KERNEL_DIR / "native_main.c"]
    return compile_program(kernel.name, build_commands(cc, kernel.name, sources, out_dir,
                                                       kernel.native_flags, wasm_flags))


def kernel_n(kernel: suite.Kernel, size: str) -> int:
    """fib is the headline fib(40) at every size but small; the other
    kernels take their preset N from bench/suite.py."""
    if kernel.name == FIB and size != "small":
        return FIB_N
    return kernel.n_for(size)
