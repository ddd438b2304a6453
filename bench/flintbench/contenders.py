"""The contenders: native code, the WebAssembly runtimes found on this
machine and the container runtimes of containers.py. Each says whether it is
available (with its version, or why not), prepares what must exist before
anything is timed (Flint's AOT artifacts, container images), and turns a
program and its arguments into the one command that runs it."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Callable

from . import PACKAGE_DIR, REPO_DIR
from .programs import BuildError, Program

NODE_RUNNER = PACKAGE_DIR / "node_wasi_runner.mjs"
LISTEN_HOST = "127.0.0.1"  # loopback only, for servers of every contender

NATIVE, WASM, CONTAINER = "native", "wasm", "container"
CONTAINER_NAMES = ("docker (scratch)", "docker (debian)", "runc", "crun")


class ContenderError(Exception):
    """This contender cannot run this program: the message says why."""


class Unsupported(ContenderError):
    """The runtime lacks the feature a workload needs (not a failure)."""


def search_path(environ: dict[str, str] | None = None) -> str:
    """PATH, then where `cargo install` and `go install` put binaries: the
    README installs wasmtime and wazero that way, and their bin directories
    are often not on PATH."""
    environ = os.environ if environ is None else environ
    home = Path(environ.get("HOME", str(Path.home())))
    extra = [str(home / ".cargo" / "bin"), str(home / "go" / "bin")]
    gopath = environ.get("GOPATH")
    if gopath:
        extra.append(str(Path(gopath) / "bin"))
    return os.pathsep.join([environ.get("PATH", ""), *extra])


def first_line(argv: list[str], timeout_s: float = 20) -> str:
    """The first non-empty line a --version style command prints."""
    try:
        result = subprocess.run(argv, capture_output=True, text=True, timeout=timeout_s)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"unknown ({error})"
    for line in (result.stdout + "\n" + result.stderr).splitlines():
        if line.strip():
            return line.strip()
    return "unknown"


class Contender:
    """Base: a native or wasm contender run as a plain process."""

    name: str = ""
    kind: str = WASM

    def probe(self) -> tuple[bool, str]:
        raise NotImplementedError

    def prepare(self, programs: list[Program]) -> None:
        """Work done once before timing; per-program failures are kept and
        raised by command() for that program."""

    def command(self, program: Program, args: list[str]) -> list[str]:
        raise NotImplementedError

    def server_command(self, program: Program, port: int) -> list[str]:
        """The command serving HTTP on LISTEN_HOST:port; raises Unsupported."""
        raise Unsupported("serving a socket is not supported")

    def component_server_command(self, component: Path, addr: str) -> list[str]:
        """The command serving a wasi:http/incoming-handler component on
        `addr` (HOST:PORT, PORT 0 where the runtime announces the port it
        bound), a fresh instance per request; raises Unsupported."""
        raise Unsupported("serves no wasi:http components")

    def announces_port(self) -> bool:
        """True when component_server_command may be given port 0."""
        return False


class Native(Contender):
    """The baseline: the same C source compiled with clang-19 -O2."""

    kind = NATIVE

    def __init__(self, cc: str = "clang-19"):
        self.name, self.cc = "native", cc

    def probe(self) -> tuple[bool, str]:
        if shutil.which(self.cc) is None:
            return False, f"{self.cc} not found"
        return True, f"{first_line([self.cc, '--version'])}, -O2"

    def command(self, program: Program, args: list[str]) -> list[str]:
        return [str(program.build_of("native")), *args]

    def server_command(self, program: Program, port: int) -> list[str]:
        return [str(program.build_of("native")), str(port)]


class WasmRuntime(Contender):
    """A WebAssembly runtime run as `EXECUTABLE ... MODULE ARGS`."""

    kind = WASM

    def __init__(self, name: str, executable: str | None, missing_reason: str, version_argv: list[str],
                 run_argv: Callable[[str, str, list[str]], list[str]],
                 listen_argv: Callable[[str, str, str], list[str]] | None = None,
                 listen_unsupported: str = "no preopened listening sockets",
                 unsupported_markers: tuple[str, ...] = (),
                 http_serve_argv: Callable[[str, str, str], list[str]] | None = None,
                 http_serve_any_port: bool = False):
        self.name = name
        self.executable = executable  # resolved path, None when not found
        self.missing_reason = missing_reason
        self.version_argv = version_argv
        self.run_argv = run_argv  # (executable, module, args) -> argv
        self.listen_argv = listen_argv  # (executable, module, host:port) -> argv, None: unsupported
        self.listen_unsupported = listen_unsupported
        # Words in the runtime's error output that mean "this version cannot
        # do it" rather than "it broke", for features that come and go.
        self.unsupported_markers = unsupported_markers
        # (executable, component, host:port) -> argv serving a wasi:http
        # component (`flint serve`, `wasmtime serve`), None: unsupported.
        self.http_serve_argv = http_serve_argv
        self.http_serve_any_port = http_serve_any_port  # binds port 0 and says which port it got
        self._version: str | None = None

    def probe(self) -> tuple[bool, str]:
        if self.executable is None:
            return False, self.missing_reason
        if self._version is None:
            self._version = first_line([self.executable, *self.version_argv])
        return True, self._version

    def module_for(self, program: Program) -> str:
        return str(program.build_of("wasm"))

    def command(self, program: Program, args: list[str]) -> list[str]:
        return self.run_argv(self.executable, self.module_for(program), args)

    def server_command(self, program: Program, port: int) -> list[str]:
        if self.listen_argv is None:
            raise Unsupported(f"not supported by {self.name}: {self.listen_unsupported}")
        return self.listen_argv(self.executable, self.module_for(program), f"{LISTEN_HOST}:{port}")

    def component_server_command(self, component: Path, addr: str) -> list[str]:
        if self.http_serve_argv is None:
            return super().component_server_command(component, addr)
        return self.http_serve_argv(self.executable, str(component), addr)

    def announces_port(self) -> bool:
        return self.http_serve_any_port


class FlintAot(WasmRuntime):
    """Flint's compiled engine, timed as it is deployed: `flint compile`
    runs once per module before and outside the timed region, and the timed
    command runs the .fwasm artifact."""

    def __init__(self, flint: str | None, missing_reason: str):
        super().__init__("flint (aot)", flint, missing_reason, ["--version"],
                         lambda exe, module, args: [exe, "run", module, *args],
                         lambda exe, module, addr: [exe, "run", "--tcplisten", addr, module],
                         http_serve_argv=flint_serve_argv("aot"), http_serve_any_port=True)
        self.artifacts: dict[str, Path] = {}
        self.errors: dict[str, str] = {}

    def prepare(self, programs: list[Program]) -> None:
        for program in programs:
            if program.name in self.artifacts or program.name in self.errors:
                continue
            try:
                wasm = program.build_of("wasm")
            except BuildError as error:
                self.errors[program.name] = str(error)
                continue
            artifact = wasm.with_suffix(".fwasm")
            if artifact.exists():
                artifact.unlink()  # never time a stale artifact
            command = [self.executable, "compile", str(wasm), "-o", str(artifact)]
            result = subprocess.run(command, capture_output=True, text=True)
            if result.returncode != 0 or not artifact.is_file():
                message = (result.stderr.strip().splitlines() or [f"exit status {result.returncode}"])[-1]
                self.errors[program.name] = f"`{shlex.join(command)}`: {message}"
            else:
                self.artifacts[program.name] = artifact

    def module_for(self, program: Program) -> str:
        if program.name in self.errors:
            raise ContenderError(f"flint compile failed: {self.errors[program.name]}")
        if program.name not in self.artifacts:
            raise ContenderError("not compiled (prepare was not run)")
        return str(self.artifacts[program.name])


def flint_serve_argv(engine: str) -> Callable[[str, str, str], list[str]]:
    """`flint serve` with wasmtime serve's spelling; -S cli links all of
    wasi:cli, which Rust's std imports (the proxy world has only stdio)."""
    return lambda exe, component, addr: [exe, "serve", "--engine", engine, "-S", "cli", "--addr", addr,
                                         component]


def find_flint(explicit: str | None) -> tuple[str | None, str]:
    """The flint binary: --flint, else the build tree's, else PATH."""
    if explicit:
        path = shutil.which(explicit) or (explicit if Path(explicit).is_file() else None)
        return (str(Path(path).resolve()), "") if path else (None, f"no flint at {explicit}")
    built = REPO_DIR / "build" / "flint"
    if built.is_file():
        return str(built), ""
    found = shutil.which("flint")
    return (found, "") if found else (None, "flint not built (cmake --build build) and not on PATH")


def wasm_runtimes(flint: str | None, flint_missing: str, path: str) -> list[Contender]:
    """Flint's two engines, then every other runtime found on `path`."""
    def find(name: str) -> tuple[str | None, str]:
        found = shutil.which(name, path=path)
        return found, f"{name} not found on PATH"

    runtimes: list[Contender] = [
        WasmRuntime("flint (interp)", flint, flint_missing, ["--version"],
                    lambda exe, module, args: [exe, "run", "--engine", "interp", module, *args],
                    lambda exe, module, addr: [exe, "run", "--engine", "interp", "--tcplisten", addr,
                                               module],
                    http_serve_argv=flint_serve_argv("interp"), http_serve_any_port=True),
        FlintAot(flint, flint_missing),
        # `-S tcplisten` belongs to the legacy WASI preview 1 implementation
        # (`-S help`: "legacy wasip1 implementation only"), which recent
        # releases no longer run core modules with: 48 answers "components do
        # not support --tcplisten", and "-Spreview2=n is no longer supported".
        WasmRuntime("wasmtime", *find("wasmtime"), ["--version"],
                    lambda exe, module, args: [exe, "run", module, *args],
                    lambda exe, module, addr: [exe, "run", "-S", f"tcplisten={addr}", module],
                    unsupported_markers=("do not support --tcplisten", "no longer supported"),
                    # Its defaults: a fresh instance per request, the pooling
                    # allocator. -S cli as for `flint serve`: Rust's std
                    # imports wasi:cli/environment, outside the proxy world.
                    http_serve_argv=lambda exe, component, addr: [exe, "serve", "-S", "cli", "--addr", addr,
                                                                  component]),
        WasmRuntime("wazero", *find("wazero"), ["version"],
                    lambda exe, module, args: [exe, "run", module, *args],
                    lambda exe, module, addr: [exe, "run", f"-listen={addr}", module]),
        WasmRuntime("node", *find("node"), ["--version"],
                    lambda exe, module, args: [exe, "--no-warnings", str(NODE_RUNNER), module, *args],
                    listen_unsupported="node:wasi offers no preopened sockets (sock_accept is missing)"),
        WasmRuntime("wasmer", *find("wasmer"), ["--version"],
                    lambda exe, module, args: [exe, "run", module, "--", *args],
                    listen_unsupported="no preopened listener for WASI preview 1 modules"),
        WasmRuntime("wasmedge", *find("wasmedge"), ["--version"],
                    lambda exe, module, args: [exe, module, *args],
                    listen_unsupported="its WASI sockets are a non-standard extension, not a preopened "
                                       "listener"),
        WasmRuntime("iwasm", *find("iwasm"), ["--version"],
                    lambda exe, module, args: [exe, module, *args],
                    listen_unsupported="the server would need --addr-pool and WAMR's socket extension"),
        WasmRuntime("wasm3", *find("wasm3"), ["--version"],
                    lambda exe, module, args: [exe, module, *args],
                    listen_unsupported="wasm3 implements no WASI sockets"),
    ]
    return runtimes
