"""Container contenders: adapters from containers.py's ContainerRuntime
(docker with a FROM-scratch and a Debian image, runc, crun; written
separately) to the Contender interface. When that module is absent or
broken, the four container contenders still appear, as not available with
the reason, so the tables never silently lose a row."""

from __future__ import annotations

import importlib
from contextlib import contextmanager

from .contenders import CONTAINER, CONTAINER_NAMES, ContenderError, Contender
from .programs import BuildError, Program


class ContainerContender(Contender):
    kind = CONTAINER

    def __init__(self, runtime):
        self.runtime, self.name = runtime, runtime.name
        self.prepared: set[str] = set()
        self.errors: dict[str, str] = {}
        self._probe: tuple[bool, str] | None = None

    def probe(self) -> tuple[bool, str]:
        if self._probe is None:
            try:
                self._probe = tuple(self.runtime.probe())
            except Exception as error:  # a third-party probe must not end the run
                self._probe = (False, f"probe failed: {error}")
        return self._probe

    def prepare(self, programs: list[Program]) -> None:
        binaries = {}
        for program in programs:
            if program.name in self.prepared or program.name in self.errors:
                continue
            try:
                binaries[program.name] = program.build_of("static")
            except BuildError as error:
                self.errors[program.name] = str(error)
        if not binaries:
            return
        try:
            self.runtime.prepare(binaries)
        except Exception as error:  # ContainerError, or anything else the module raises
            for name in binaries:
                self.errors[name] = f"preparing the container failed: {error}"
            return
        self.prepared.update(binaries)

    def _check(self, program: Program) -> None:
        if program.name in self.errors:
            raise ContenderError(self.errors[program.name])
        if program.name not in self.prepared:
            raise ContenderError("not prepared")

    def command(self, program: Program, args: list[str]) -> list[str]:
        self._check(program)
        return list(self.runtime.argv(program.name, args))

    @contextmanager
    def serve(self, program: Program, port: int, cpu: int | None = None):
        """Yields the container's RunningServer (its .memory() is a
        MemoryReading of the container's cgroup and its shim/runtime),
        its server pinned to `cpu` when given."""
        self._check(program)
        with self.runtime.start_server(program.name, [str(port)], port, cpu) as server:
            yield server

    def peak_memory(self, program: Program, args: list[str]) -> int:
        """Peak memory in bytes of one run in a fresh container: its cgroup's
        high-water mark (containers.py), the runtime's processes apart."""
        self._check(program)
        if not hasattr(self.runtime, "peak_memory"):
            raise ContenderError("the containers module cannot read a container's peak memory")
        try:
            return int(self.runtime.peak_memory(program.name, args))
        except NotImplementedError as error:
            raise ContenderError(f"{self.name} cannot read a container's peak memory") from error
        except Exception as error:  # ContainerError and the like: this contender failed
            raise ContenderError(str(error)) from error

    def daemons(self) -> dict[str, int]:
        try:
            return dict(self.runtime.daemons())
        except Exception as error:
            return {f"unreadable: {error}": 0}


class MissingContainer(Contender):
    """A container contender whose module could not be loaded."""

    kind = CONTAINER

    def __init__(self, name: str, reason: str):
        self.name, self.reason = name, reason

    def probe(self) -> tuple[bool, str]:
        return False, self.reason

    def command(self, program: Program, args: list[str]) -> list[str]:
        raise ContenderError(self.reason)


def load_containers_module(name: str = "flintbench.containers"):
    """(module, None) or (None, why it cannot be used)."""
    try:
        return importlib.import_module(name), None
    except ModuleNotFoundError as error:
        if error.name == name:
            return None, "containers module missing"
        return None, f"containers module unusable: {error}"
    except Exception as error:
        return None, f"containers module unusable: {error}"


def container_contenders(module_name: str = "flintbench.containers") -> list[Contender]:
    module, reason = load_containers_module(module_name)
    if module is None:
        return [MissingContainer(name, reason) for name in CONTAINER_NAMES]
    try:
        runtimes = list(module.discover())
    except Exception as error:
        return [MissingContainer(name, f"container discovery failed: {error}") for name in CONTAINER_NAMES]
    contenders: list[Contender] = [ContainerContender(runtime) for runtime in runtimes]
    found = {c.name for c in contenders}
    # A runtime the module does not report at all is still a row.
    contenders += [MissingContainer(name, "not reported by containers.discover()")
                   for name in CONTAINER_NAMES if name not in found]
    return contenders
