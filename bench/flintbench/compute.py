"""Workload 3, compute: recursive fib(40) and the other kernels of
bench/kernels, each contender running the same program (`KERNEL N`, which
prints a checksum) as a whole process. Every contender's checksum must equal
the native build's, or its cell is marked failed."""

from __future__ import annotations

import shlex
import statistics

import run as kernel_run  # bench/run.py: parse_checksum
import suite  # bench/suite.py

from .model import SECONDS, Cell, Column, Table
from .programs import Program, build_kernel, kernel_n
from .session import Session
from .timing import Job, Timed, run_captured, time_jobs


def column_name(kernel: str, n: int) -> str:
    return f"{kernel}({n})"


def native_checksum(session: Session, program: Program, n: int) -> tuple[int | None, str]:
    """The reference checksum, from the native build; (None, why) if none."""
    native = next((c for c in session.contenders if c.name == "native"), None)
    if native is None or not session.available(native):
        return None, "no native build to compare with"
    argv, cell = session.command_or_cell(native, program, [str(n)])
    if cell is not None:
        return None, f"native: {cell.reason}"
    run, output = run_captured(argv, session.options.timeout_s)
    if run.exit_status != 0:
        return None, f"native exited with {run.exit_status}"
    try:
        return kernel_run.parse_checksum(output), ""
    except ValueError as error:
        return None, str(error)


def checker(expected: int | None):
    def check(output: str) -> str | None:
        try:
            got = kernel_run.parse_checksum(output)
        except ValueError as error:
            return f"no checksum: {error}"
        if expected is not None and got != expected:
            return f"checksum {got} differs from native {expected}"
        return None
    return check


def measure_kernel(session: Session, program: Program, n: int, table: Table) -> None:
    column = column_name(program.name, n)
    expected, why = native_checksum(session, program, n)
    if expected is None:
        session.progress.note(f"compute: {program.name}: {why}; other checksums are not compared")
    jobs, commands = {}, {}
    for contender in session.contenders:
        argv, cell = session.command_or_cell(contender, program, [str(n)])
        if cell is not None:
            table.set(contender.name, column, cell)
            continue
        commands[contender.name] = shlex.join(argv)
        jobs[contender.name] = Job(f"{contender.name} {column}", argv, checker(expected))
    timed = time_jobs("compute", jobs, session.options.compute_runs, session.progress,
                      session.options.timeout_s)
    for name, result in timed.items():
        table.set(name, column, timed_cell(result, commands[name], expected))


def timed_cell(result: Timed, command: str, checksum: int | None) -> Cell:
    if result.error is not None:
        return Cell.failed(result.error, command)
    walls = [run.wall_s for run in result.runs]
    cpu = [run.user_s + run.system_s for run in result.runs]
    return Cell("ok", figure=statistics.median(walls), samples=walls, command=command,
                details={"min": min(walls), "max": max(walls), "cpu_s": cpu,
                         "checksum": checksum, "checksum_verified": checksum is not None})


def compute_table(session: Session) -> Table:
    kernels = [suite.kernel_by_name(name) for name in session.options.kernels]
    sizes = {k.name: kernel_n(k, session.options.size) for k in kernels}
    table = Table("compute", "Compute: recursive fib and the kernels of bench/kernels",
                  [Column(column_name(k.name, sizes[k.name]), SECONDS) for k in kernels])
    programs = []
    for kernel in kernels:
        session.progress.note(f"compute: building {kernel.name}")
        program = build_kernel(session.options.cc, kernel, session.out_dir)
        session.programs[kernel.name] = program
        programs.append(program)
    session.prepare(programs)
    for program in programs:
        measure_kernel(session, program, sizes[program.name], table)
    table.notes.append(
        f"Median wall-clock time of the whole process (start-up included) over "
        f"{session.options.compute_runs} run(s), interleaved across contenders; ratio to native in "
        "brackets. Every wasm build is `clang-19 --target=wasm32-wasi -O2` of the same source as the "
        "native `clang-19 -O2` build (SIMD kernels with -msimd128); each contender's checksum is "
        "compared with native's. The geometric mean covers the kernels measured for that row.")
    return table
