"""Timing commands side by side: each command first runs once untimed and
its output is checked (the expected text, or the native build's checksum),
then the timed runs are interleaved in rounds, one run of every command per
round in an order rotated each round (bench/engines.py's round_orders), so
machine drift -- clock changes, a neighbour's load -- falls on every
contender alike."""

from __future__ import annotations

import dataclasses
import os
import shlex
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Hashable

import engines  # bench/engines.py: the rotated round schedule

from .measure import ProcessRun, run_process
from .progress import Eta, Progress


@dataclass
class Job:
    """One command to time, and how to judge its output."""

    label: str  # for the progress display, e.g. 'wasmtime fib'
    argv: list[str]
    # Returns None when the output is right, else what is wrong with it.
    check: Callable[[str], str | None]
    # Where a launcher (programs/peak_rss.c) writes the command's peak RSS
    # in KiB; it then replaces the launcher's own reading.
    rss_file: Path | None = None


def with_launcher_rss(job: Job, run: ProcessRun) -> ProcessRun:
    if job.rss_file is None:
        return run
    try:
        kib = int(job.rss_file.read_text().split()[0])
    except (OSError, ValueError, IndexError) as error:
        raise OSError(f"no peak RSS from the launcher: {error}") from error
    return dataclasses.replace(run, peak_rss_bytes=kib * 1024)


@dataclass
class Timed:
    runs: list[ProcessRun] = field(default_factory=list)
    error: str | None = None  # set when the command failed: no runs count then
    output: str = ""  # the check run's output


def describe_failure(run: ProcessRun, output: str, timeout_s: float | None) -> str:
    if run.timed_out:
        return f"timed out after {timeout_s:g} s"
    tail = " ".join(output.strip().splitlines()[-2:])[:300]
    status = f"killed by signal {-run.exit_status}" if run.exit_status < 0 else f"exit status {run.exit_status}"
    return f"{status}: {tail}" if tail else status


def run_captured(argv: list[str], timeout_s: float | None) -> tuple[ProcessRun, str]:
    with tempfile.NamedTemporaryFile("w+", prefix="flintbench-", suffix=".out") as out:
        run = run_process(argv, out.name, timeout_s)
        out.seek(0)
        return run, out.read()


def time_jobs(workload: str, jobs: dict[Hashable, Job], runs: int, progress: Progress,
              timeout_s: float | None = None) -> dict[Hashable, Timed]:
    """Checks, then times, every job `runs` times, interleaved. A job whose
    check run fails, whose output is wrong, or which fails in a timed run
    ends up with .error and takes no further part."""
    results: dict[Hashable, Timed] = {key: Timed() for key in jobs}
    expected: dict[Hashable, float] = {}
    for key, job in jobs.items():
        progress.step(workload, f"checking {job.label}", 0, runs, None)
        try:
            run, output = run_captured(job.argv, timeout_s)
        except OSError as error:
            results[key].error = f"cannot start `{shlex.join(job.argv)}`: {error}"
            continue
        results[key].output = output
        if run.exit_status != 0 or run.timed_out:
            results[key].error = describe_failure(run, output, timeout_s)
        else:
            wrong = job.check(output)
            if wrong:
                results[key].error = wrong
        if results[key].error:
            progress.note(f"{workload}: {job.label} failed: {results[key].error}")
        else:
            expected[key] = run.wall_s

    live = [key for key in jobs if results[key].error is None]
    if not live:
        return results
    eta = Eta(expected, runs)
    for round_index, (_, order) in enumerate(engines.round_orders(live, runs, runs)):
        for key in order:
            if results[key].error is not None:
                continue
            job = jobs[key]
            try:
                run = run_process(job.argv, os.devnull, timeout_s)
                if run.exit_status == 0:
                    run = with_launcher_rss(job, run)
            except OSError as error:
                run, failure = None, f"cannot start: {error}"
            else:
                failure = None if run.exit_status == 0 and not run.timed_out else \
                    describe_failure(run, "", timeout_s)
            if failure:
                results[key].error = f"run {round_index + 1}: {failure}"
                results[key].runs.clear()  # a contender that fails is not half-measured
                eta.drop(key)
                progress.note(f"{workload}: {job.label} failed: {results[key].error}")
                continue
            results[key].runs.append(run)
            eta.finished_run(key)
            progress.step(workload, job.label, round_index + 1, runs, eta.seconds_left())
    return results
