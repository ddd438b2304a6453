"""The runtimes bench/run.py compares with native code: Flint's engines
(the interpreter, and compiled code from `flint compile`) and any other
runtime given as a command template.

A compiled engine is timed the way it is deployed: each module is compiled
once, before and outside the timed region (`flint compile K.wasm -o
K.fwasm`), and the timed command runs the artifact. What compiling costs --
wall time, peak memory, artifact size -- is measured on its own and reported
in a separate table, so neither number hides in the other."""

from __future__ import annotations

import os
import shlex
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

ENGINES = ("interp", "aot")
# The interpreter keeps the label earlier reports used.
ENGINE_LABELS = {"interp": "flint", "aot": "flint-aot"}
FLINT_TEMPLATE = "{flint} run --invoke {export} {wasm} {args}"
COMPILE_TEMPLATE = "{flint} compile {wasm} -o {artifact}"


@dataclass(frozen=True)
class Runtime:
    """One side of the comparison besides native."""

    label: str  # its name in the tables and the JSON
    template: str  # command template: {wasm}, {export}, {args} (see run.py)
    # The command of `flint compile` for a module, when {wasm} in `template`
    # is to be the precompiled artifact rather than the module itself.
    compile_template: str | None = None


def parse_engines(text: str) -> list[str]:
    """'interp,aot' -> ['interp', 'aot']; refuses unknown or repeated names."""
    engines = [name for name in text.split(",") if name]
    for name in engines:
        if name not in ENGINES:
            raise ValueError(f"unknown engine {name!r}; known: {', '.join(ENGINES)}")
    if len(set(engines)) != len(engines) or not engines:
        raise ValueError(f"--engine expects distinct engines, got {text!r}")
    return engines


def flint_runtime(flint: str, engine: str) -> Runtime:
    quoted = shlex.quote(flint)
    compile_template = COMPILE_TEMPLATE.replace("{flint}", quoted) if engine == "aot" else None
    return Runtime(ENGINE_LABELS[engine], FLINT_TEMPLATE.replace("{flint}", quoted), compile_template)


def artifact_path(wasm: Path) -> Path:
    """out/K.wasm -> out/K.fwasm."""
    return wasm.with_suffix(".fwasm")


@dataclass(frozen=True)
class CompileResult:
    """What precompiling one module cost."""

    command: str
    seconds: float  # wall clock of the whole `flint compile` process
    peak_rss_bytes: int | None  # the largest resident set among it and its waited-for children
    wasm_bytes: int
    artifact_bytes: int

    def as_dict(self) -> dict:
        return {"command": self.command, "seconds": self.seconds,
                "peak_rss_bytes": self.peak_rss_bytes, "wasm_bytes": self.wasm_bytes,
                "artifact_bytes": self.artifact_bytes}


def run_measured(command: list[str]) -> tuple[int, float, int | None, str]:
    """Runs `command`, returning (exit status, wall seconds, peak RSS in
    bytes, stderr). os.wait4 gives this child's own rusage; Linux folds into
    its ru_maxrss the largest of the children it waited for (flint compile
    waits for flint-compile, which does the work)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr = process.stderr.read().decode(errors="replace") if process.stderr else ""
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.stderr:
        process.stderr.close()
    # ru_maxrss is in KiB on Linux.
    return process.returncode, seconds, usage.ru_maxrss * 1024 if usage.ru_maxrss else None, stderr


def precompile(runtime: Runtime, wasm: Path, shown_wasm: str, shown_artifact: str) -> CompileResult:
    """Compiles `wasm` to its artifact with the runtime's compile command.
    Raises RuntimeError with the tool's message if it fails."""
    assert runtime.compile_template is not None
    words = []
    for word in shlex.split(runtime.compile_template):
        words.append(word.replace("{wasm}", shown_wasm).replace("{artifact}", shown_artifact))
    artifact = artifact_path(wasm)
    if artifact.exists():
        artifact.unlink()  # a stale artifact must not survive a failed compile
    status, seconds, rss, stderr = run_measured(words)
    if status != 0 or not artifact.is_file():
        raise RuntimeError(f"{shlex.join(words)} exited with {status}\n{stderr}")
    return CompileResult(shlex.join(words), seconds, rss, wasm.stat().st_size, artifact.stat().st_size)


def round_orders(keys: list[str], runs: int, rounds: int) -> list[tuple[int, list[str]]]:
    """Splits `runs` timed runs per command into rounds of (runs in round,
    command order). Each round rotates the order by one place, so with two
    commands they alternate and with k every command goes first as often
    as the others (when rounds is a multiple of k): slow drift of the
    machine lands on all of them alike."""
    rounds = min(rounds, runs)
    base, extra = divmod(runs, rounds)
    schedule = []
    for i in range(rounds):
        shift = i % len(keys)
        schedule.append((base + (1 if i < extra else 0), keys[shift:] + keys[:shift]))
    return schedule
