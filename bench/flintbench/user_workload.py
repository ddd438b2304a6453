"""The user's own workload: a wasm32-wasi module (with its arguments) run by
every WebAssembly contender, and/or a container image run by docker, timed
as whole processes like the compute kernels. There is no native build to
compare with, so ratios are to the fastest row, and a contender whose output
differs from what most of the others printed is marked failed."""

from __future__ import annotations

import collections
import shlex
import shutil
import statistics
from pathlib import Path

from .contenders import WASM
from .model import OK, SECONDS, Cell, Column, Table
from .programs import Program
from .session import Session
from .timing import Job, time_jobs


def image_row_name(image: str) -> str:
    return f"docker run {image}"


def user_table(session: Session, module: Path | None, module_args: list[str], image: str | None,
               image_args: list[str]) -> Table:
    parts = []
    if module is not None:
        parts.append(" ".join([module.name, *module_args]))
    if image is not None:
        parts.append(" ".join([image, *image_args]))
    title = " and ".join(parts)
    column = Column(title, SECONDS)
    table = Table("user", f"Your workload: {title}", [column], baseline=None, show_spread=True)
    jobs, commands = {}, {}
    if module is not None:
        program = Program(module.stem, wasm=module.resolve())
        session.prepare([program])
        for contender in session.contenders:
            if contender.kind != WASM:
                table.set(contender.name, column.name,
                          Cell.unavailable("runs wasm modules only in WebAssembly runtimes"))
                continue
            argv, cell = session.command_or_cell(contender, program, module_args)
            if cell is not None:
                table.set(contender.name, column.name, cell)
                continue
            jobs[contender.name] = Job(contender.name, argv, lambda output: None)
            commands[contender.name] = shlex.join(argv)
    if image is not None:
        name = image_row_name(image)
        docker = shutil.which("docker")
        if docker is None:
            table.set(name, column.name, Cell.unavailable("docker not installed"))
        else:
            argv = [docker, "run", "--rm", "--network=none", image, *image_args]
            jobs[name] = Job(name, argv, lambda output: None)
            commands[name] = shlex.join(argv)
    timed = time_jobs("user", jobs, session.options.compute_runs, session.progress, session.options.timeout_s)
    agreed = majority_output({k: t.output for k, t in timed.items() if t.error is None and k in commands
                              and not k.startswith("docker run ")})
    for name, result in timed.items():
        if result.error is not None:
            table.set(name, column.name, Cell.failed(result.error, commands[name]))
        elif agreed is not None and not name.startswith("docker run ") and result.output != agreed:
            table.set(name, column.name, Cell.failed("output differs from the other runtimes'",
                                                     commands[name]))
        else:
            walls = [run.wall_s for run in result.runs]
            table.set(name, column.name, Cell(OK, figure=statistics.median(walls), samples=walls,
                                              command=commands[name],
                                              details={"min": min(walls), "max": max(walls)}))
    measured = [(cells[column.name].figure, name) for name, cells in table.rows.items()
                if cells[column.name].status == OK]
    table.baseline = min(measured)[1] if measured else None
    table.notes.append(f"Median wall-clock time over {session.options.compute_runs} run(s); ratios to "
                       "the fastest row.")
    return table


def majority_output(outputs: dict[str, str]) -> str | None:
    """The output most contenders printed, when at least two agree on it."""
    if not outputs:
        return None
    text, count = collections.Counter(outputs.values()).most_common(1)[0]
    return text if count >= 2 else None
