"""Workload 1, start-up: hello world as a whole process, cold (a new
process each run, nothing kept warm), `runs` times per contender in
interleaved rounds. The same runs give workload 2's first figure, the peak
resident set of hello world, from wait4's rusage."""

from __future__ import annotations

import shlex
import statistics
from pathlib import Path

from .contenders import CONTAINER, ContenderError
from .model import BYTES, SECONDS, Cell, Column, Table
from .programs import HELLO_OUTPUT, Program
from .session import Session
from .timing import Job, Timed, time_jobs

STARTUP_COLUMN = "hello world"
HELLO_RSS_COLUMN = "hello world peak RSS"
SERVER_COLUMN = "idle HTTP server"
CONTAINER_MEMORY_RUNS = 5  # a container's start costs most of a second


def check_hello(output: str) -> str | None:
    if output.strip() == HELLO_OUTPUT.strip():
        return None
    return f"printed {output.strip()[:200]!r} instead of {HELLO_OUTPUT.strip()!r}"


def run_hello(session: Session, hello: Program, runs: int, workload: str = "startup",
              launcher: Path | None = None) -> dict[str, Timed | Cell]:
    """Every contender's hello runs, or the cell saying why there are none.
    With `launcher` (the peak_rss program) each command runs under it and
    its peak RSS is the launcher's reading."""
    session.prepare([hello])
    results: dict[str, Timed | Cell] = {}
    jobs = {}
    for contender in session.contenders:
        argv, cell = session.command_or_cell(contender, hello, [])
        if cell is not None:
            results[contender.name] = cell
        else:
            if launcher is None:
                jobs[contender.name] = Job(contender.name, argv, check_hello)
            else:
                rss_file = session.out_dir / "rss" / f"{len(jobs)}.kib"
                rss_file.parent.mkdir(parents=True, exist_ok=True)
                jobs[contender.name] = Job(contender.name, [str(launcher), str(rss_file), *argv],
                                           check_hello, rss_file)
    timed = time_jobs(workload, jobs, runs, session.progress, session.options.timeout_s)
    results.update(timed)
    return {c.name: results[c.name] for c in session.contenders}


def _cell_from(result: Timed | Cell, values, command: str) -> Cell:
    if isinstance(result, Cell):
        return result
    if result.error is not None:
        return Cell.failed(result.error, command)
    samples = [values(run) for run in result.runs]
    return Cell("ok", figure=statistics.median(samples), samples=samples, command=command,
                details={"min": min(samples), "max": max(samples), "mean": statistics.fmean(samples),
                         "stdev": statistics.stdev(samples) if len(samples) > 1 else 0.0})


def startup_table(session: Session, results: dict[str, Timed | Cell], commands: dict[str, str]) -> Table:
    table = Table("startup", "Start-up: hello world, whole process, cold",
                  [Column(STARTUP_COLUMN, SECONDS)], show_spread=True)
    for contender in session.contenders:
        result = results[contender.name]
        cell = _cell_from(result, lambda run: run.wall_s, commands.get(contender.name, ""))
        if cell.status == "ok":
            runs = result.runs
            cell.details["user_s_median"] = statistics.median(r.user_s for r in runs)
            cell.details["system_s_median"] = statistics.median(r.system_s for r in runs)
        table.set(contender.name, STARTUP_COLUMN, cell)
    table.notes.append(
        f"Median wall-clock time from spawn (posix_spawn) to exit over {session.options.runs} runs per "
        "contender, interleaved one run per contender per round in a rotating order; min and max show "
        "the spread. Each process starts cold; runtimes that keep a code cache on disk (wasmtime's is on "
        "by default) use it as they would in production.")
    return table


def hello_memory_cells(session: Session, results: dict[str, Timed | Cell], commands: dict[str, str],
                       container_runs: int = CONTAINER_MEMORY_RUNS) -> dict[str, Cell]:
    """Peak RSS of hello world from the memory runs. A container's process
    is not a child of the command that starts it (docker's runs under
    containerd), so its figure is the peak of its cgroup instead, read by
    containers.py over runs of its own."""
    hello = session.programs.get("hello")
    cells = {}
    for contender in session.contenders:
        result = results[contender.name]
        if contender.kind == CONTAINER and isinstance(result, Timed) and result.error is None:
            cells[contender.name] = container_peak_cell(session, contender, hello, container_runs)
            continue
        cells[contender.name] = _cell_from(result, lambda run: float(run.peak_rss_bytes),
                                           commands.get(contender.name, ""))
    return cells


def container_peak_cell(session: Session, contender, hello: Program, runs: int) -> Cell:
    samples = []
    for index in range(runs):
        session.progress.step("memory", f"{contender.name} cgroup peak", index + 1, runs, None)
        try:
            samples.append(float(contender.peak_memory(hello, [])))
        except ContenderError as error:
            return Cell.failed(str(error))
    return Cell("ok", figure=statistics.median(samples), samples=samples,
                details={"min": min(samples), "max": max(samples), "source": "container cgroup peak"})


def memory_table() -> Table:
    return Table("memory", "Memory: peak RSS of hello world; resident memory of an idle HTTP server",
                 [Column(HELLO_RSS_COLUMN, BYTES), Column(SERVER_COLUMN, BYTES)])


def hello_commands(session: Session, hello: Program) -> dict[str, str]:
    commands = {}
    for contender in session.contenders:
        argv, _ = session.command_or_cell(contender, hello, [])
        if argv:
            commands[contender.name] = shlex.join(argv)
    return commands
