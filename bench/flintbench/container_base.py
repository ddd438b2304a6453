"""What every container contender shares: the interface flintbench codes
against (ContainerRuntime, RunningServer, MemoryReading, ContainerError),
the command runner that tests replace with a fake, and the cache layout."""

from __future__ import annotations

import hashlib
import itertools
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # container_procfs imports this module
    from .container_procfs import ProcFs

SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class ContainerError(Exception):
    """A container runtime could not build, start or measure a container;
    the message says what failed and how to fix it where that is known."""


@dataclass
class MemoryReading:
    container_bytes: int  # the container's cgroup memory usage
    runtime_bytes: int  # RSS of its shim/runtime processes


def default_cache_dir(environ: dict[str, str] | None = None) -> Path:
    """$FLINT_BENCH_CACHE, else $XDG_CACHE_HOME/flint-bench, else
    ~/.cache/flint-bench; containers keep their images and bundles in
    `containers/` under it."""
    environ = os.environ if environ is None else environ
    if environ.get("FLINT_BENCH_CACHE"):
        return Path(environ["FLINT_BENCH_CACHE"]) / "containers"
    base = environ.get("XDG_CACHE_HOME") or str(Path(environ.get("HOME", str(Path.home()))) / ".cache")
    return Path(base) / "flint-bench" / "containers"


def default_search_path(environ: dict[str, str] | None = None) -> str:
    """PATH plus the sbin directories, where Debian puts dockerd, runc and
    debootstrap (a user's PATH often lacks them)."""
    environ = os.environ if environ is None else environ
    extra = ["/usr/local/sbin", "/usr/sbin", "/sbin"]
    return os.pathsep.join([environ.get("PATH", ""), *extra])


def content_digest(binaries: dict[str, Path], salt: str) -> str:
    """A short hash of the binaries' names and bytes: the cache key of an
    image or rootfs, so a rebuilt binary gets a new one."""
    h = hashlib.sha256(salt.encode())
    for name in sorted(binaries):
        h.update(name.encode() + b"\0")
        h.update(Path(binaries[name]).read_bytes())
    return h.hexdigest()[:16]


def check_binaries(binaries: dict[str, Path]) -> None:
    for name, path in binaries.items():
        if not SAFE_NAME.match(name):
            raise ContainerError(f"binary name {name!r} is not a plain file name")
        if not Path(path).is_file():
            raise ContainerError(f"binary {name}: {path} does not exist")


# ---- Commands ------------------------------------------------------------------

class Runner:
    """Runs commands; tests replace it with a fake that records them."""

    def run(self, argv: list[str], timeout_s: float = 120,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        """Never raises: a command that cannot start or times out is exit
        status 127 with the reason as its stderr."""
        try:
            return subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                                  timeout=timeout_s, env=None if env is None else {**os.environ, **env})
        except (OSError, subprocess.TimeoutExpired) as error:
            return subprocess.CompletedProcess(argv, 127, "", str(error))

    def popen(self, argv: list[str], log: Path) -> subprocess.Popen:
        with open(log, "wb") as out:
            return subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                    start_new_session=True)


def checked(result: subprocess.CompletedProcess, what: str) -> str:
    if result.returncode != 0:
        detail = (result.stderr or result.stdout or "").strip().splitlines()[-5:]
        raise ContainerError(f"{what} failed (exit {result.returncode}): {' / '.join(detail) or 'no output'}"
                             f" [{' '.join(map(str, result.args))}]")
    return result.stdout


# ---- Running servers ---------------------------------------------------------

class RunningServer:
    """A server in a container; a context manager that stops it on exit."""

    def __init__(self, container_pid, stop, procfs: ProcFs, description: str):
        self._container_pid, self._stop, self.procfs = container_pid, stop, procfs
        self.description = description
        self._stopped = False

    def pid(self) -> int:
        """The container's first process, as the host sees it."""
        return self._container_pid()

    def memory(self) -> MemoryReading:
        pid = self.pid()
        return MemoryReading(self.procfs.cgroup_memory_bytes(pid), self.procfs.runtime_process_bytes(pid))

    def stop(self) -> None:
        if not self._stopped:
            self._stopped = True
            self._stop()

    def __enter__(self) -> "RunningServer":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


class ContainerRuntime:
    """One container contender; see the module docstring."""

    name: str = ""

    def probe(self) -> tuple[bool, str]:
        raise NotImplementedError

    def prepare(self, binaries: dict[str, Path]) -> None:
        raise NotImplementedError

    def argv(self, binary: str, args: list[str]) -> list[str]:
        raise NotImplementedError

    def start_server(self, binary: str, args: list[str], port: int, cpu: int | None = None) -> RunningServer:
        """Starts `binary args` as a server in a fresh container (on CPU `cpu`
        only, when given, as the other contenders' servers are pinned with
        taskset) and returns once PORT accepts connections."""
        raise NotImplementedError

    def peak_memory(self, binary: str, args: list[str]) -> int:
        """Runs `binary args` once in a fresh container, as argv() does but
        under a parent cgroup made for the run, and returns that cgroup's peak
        memory in bytes (see container_procfs.PeakCgroup). The runtime's own
        processes are not in it."""
        raise NotImplementedError

    def daemons(self) -> dict[str, int]:
        return {}


_server_ids = itertools.count()


def server_name(binary: str, kind: str = "") -> str:
    """A container (or cgroup) name unique to this process and use."""
    return f"flintbench-{kind}{binary}-{os.getpid()}-{next(_server_ids)}".replace("_", "-").lower()
