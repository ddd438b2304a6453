"""Fake contenders for the harness's tests: small shell scripts that print
fixed outputs, sleep or fail, so the harness's logic is checked without
timing anything real."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # bench/, for `import flintbench`

from flintbench.contenders import Contender, ContenderError, Unsupported  # noqa: E402
from flintbench.programs import Program  # noqa: E402
from flintbench.progress import Progress  # noqa: E402


def write_script(directory: Path, name: str, body: str) -> Path:
    """An executable /bin/sh script `name` in `directory`."""
    path = directory / name
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


class FakeContender(Contender):
    """Runs `script PROGRAM ARGS`; `unsupported`/`broken` make command()
    raise instead, `available=False` makes it missing."""

    def __init__(self, name: str, script: Path, kind: str = "wasm", available: bool = True,
                 unsupported: str | None = None, broken: str | None = None):
        self.name, self.script, self.kind = name, script, kind
        self._available, self.unsupported, self.broken = available, unsupported, broken
        self.prepared: list[str] = []

    def probe(self):
        return (True, f"{self.name} 1.0") if self._available else (False, f"{self.name} not found on PATH")

    def prepare(self, programs):
        self.prepared += [p.name for p in programs]

    def command(self, program: Program, args):
        if self.unsupported:
            raise Unsupported(self.unsupported)
        if self.broken:
            raise ContenderError(self.broken)
        return [str(self.script), program.name, *args]


class QuietProgress(Progress):
    """Progress that writes into a list instead of stderr."""

    def __init__(self):
        import io
        super().__init__(stream=io.StringIO(), interactive=False, quiet_interval_s=0)

    @property
    def text(self) -> str:
        return self.stream.getvalue()


def require_matplotlib() -> bool:
    """ctest sets FLINTBENCH_REQUIRE_MATPLOTLIB=1, so a missing matplotlib
    fails there instead of skipping."""
    return os.environ.get("FLINTBENCH_REQUIRE_MATPLOTLIB") == "1"
