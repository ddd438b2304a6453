"""Statistics and Markdown output for bench/run.py: pure functions only, so
bench/test_run.py can check them without timing anything."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import NamedTuple


@dataclass(frozen=True)
class Summary:
    """Wall-clock statistics of one command's samples, in seconds."""

    count: int
    median: float
    mean: float
    stdev: float  # 0 for a single sample
    minimum: float
    maximum: float

    def as_dict(self) -> dict:
        return {"count": self.count, "median": self.median, "mean": self.mean,
                "stdev": self.stdev, "min": self.minimum, "max": self.maximum}


def summarize(samples: list[float]) -> Summary:
    if not samples:
        raise ValueError("no samples to summarize")
    return Summary(
        count=len(samples),
        median=statistics.median(samples),
        mean=statistics.fmean(samples),
        stdev=statistics.stdev(samples) if len(samples) > 1 else 0.0,
        minimum=min(samples),
        maximum=max(samples),
    )


def ratio(runtime: Summary, native: Summary) -> float:
    """How many times slower the runtime is than native, by medians: the
    median shrugs off the odd run disturbed by another process."""
    if native.median <= 0:
        raise ValueError("native median must be positive")
    return runtime.median / native.median


def format_duration(seconds: float) -> str:
    """Three significant digits in the unit that keeps the number readable:
    0.0000123 -> '12.3 µs', 0.0312 -> '31.2 ms', 4.8 -> '4.80 s'."""
    if seconds < 0:
        raise ValueError("negative duration")
    for unit, scale in (("ns", 1e-9), ("µs", 1e-6), ("ms", 1e-3)):
        text = three_digits(seconds / scale)
        if float(text) < 1000:  # checked after rounding: 999.96 ms is 1.00 s
            return f"{text} {unit}"
    return f"{three_digits(seconds)} s"


def format_ratio(value: float) -> str:
    """'154×', '12.3×', '1.05×'."""
    return f"{three_digits(value)}×"


def three_digits(value: float) -> str:
    """Three significant digits: '154', '12.3', '1.05'."""
    # Decide on the rounded value, so 99.96 prints as '100', not '100.0'.
    if round(value, 1) >= 100:
        return f"{value:.0f}"
    if round(value, 2) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


class CpuRound(NamedTuple):
    """One hyperfine call's CPU time for one command: mean user and system
    seconds over its `runs` runs."""

    runs: int
    user: float
    system: float


def cpu_time_per_run(rounds: list[CpuRound]) -> float:
    """Mean user + system seconds per run over all rounds, each weighted by
    its run count. CPU time barely grows when other processes compete for
    the cores, unlike wall time, so it is the steadier number on a busy
    machine (it leaves out time spent waiting, of which the kernels have
    none)."""
    runs = sum(r.runs for r in rounds)
    if runs == 0:
        raise ValueError("no runs")
    return sum(r.runs * (r.user + r.system) for r in rounds) / runs


@dataclass(frozen=True)
class Row:
    """One kernel's line of the results table."""

    kernel: str
    n: int
    native: Summary
    runtime: Summary
    native_cpu: float | None = None  # cpu_time_per_run, when measured
    runtime_cpu: float | None = None


def markdown_table(rows: list[Row], runtime_label: str) -> str:
    """The results table: wall-time medians and their ratio, the spread
    (min-max) that says whether the medians can be trusted, and the ratio of
    CPU time per run, which a busy machine disturbs less."""
    lines = [
        f"| kernel | N | native median | {runtime_label} median | {runtime_label} / native "
        f"| native min-max | {runtime_label} min-max | CPU-time ratio |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        cpu = "n/a"
        if row.native_cpu and row.runtime_cpu is not None:
            cpu = format_ratio(row.runtime_cpu / row.native_cpu)
        lines.append(
            f"| {row.kernel} | {row.n} | {format_duration(row.native.median)} "
            f"| {format_duration(row.runtime.median)} | {format_ratio(ratio(row.runtime, row.native))} "
            f"| {_spread(row.native)} | {_spread(row.runtime)} | {cpu} |")
    return "\n".join(lines)


def _spread(summary: Summary) -> str:
    return f"{format_duration(summary.minimum)} - {format_duration(summary.maximum)}"


def geometric_mean(values: list[float]) -> float:
    """The right average of ratios: the geometric mean of 2x and 0.5x is 1x."""
    if not values or any(v <= 0 for v in values):
        raise ValueError("geometric mean needs positive values")
    return statistics.geometric_mean(values)
