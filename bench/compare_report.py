"""Markdown for a run that times several runtimes against native at once
(bench/run.py --engine interp,aot, or several --runtime): one column group
per runtime, their geometric means, and what precompiling cost. Pure
functions, tested in test_run.py."""

from __future__ import annotations

from dataclasses import dataclass

import report


@dataclass(frozen=True)
class Side:
    """One runtime's measurements of one kernel."""

    summary: report.Summary
    cpu: float | None = None  # CPU seconds per run (report.cpu_time_per_run)


@dataclass(frozen=True)
class CompareRow:
    kernel: str
    n: int
    native: Side
    runtimes: dict[str, Side]  # by label, in column order


def cpu_ratio(side: Side, native: Side) -> float | None:
    if side.cpu is None or not native.cpu:
        return None
    return side.cpu / native.cpu


def markdown_table(rows: list[CompareRow], labels: list[str]) -> str:
    """kernel | N | native median (min-max) | per runtime: median, wall
    ratio, CPU-time ratio."""
    header = ["kernel", "N", "native median (min-max)"]
    align = ["---", "---:", "---:"]
    for label in labels:
        header += [f"{label} median (min-max)", f"{label} / native", f"{label} CPU ratio"]
        align += ["---:", "---:", "---:"]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(align) + "|"]
    for row in rows:
        cells = [row.kernel, str(row.n), _median_and_spread(row.native.summary)]
        for label in labels:
            side = row.runtimes[label]
            cpu = cpu_ratio(side, row.native)
            cells += [_median_and_spread(side.summary),
                      report.format_ratio(report.ratio(side.summary, row.native.summary)),
                      report.format_ratio(cpu) if cpu is not None else "n/a"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def geometric_means(rows: list[CompareRow], labels: list[str]) -> dict[str, dict[str, float | None]]:
    """Per runtime, the geometric mean over the kernels of the wall-time
    ratio and of the CPU-time ratio (None when a kernel lacks CPU time)."""
    means = {}
    for label in labels:
        wall = [report.ratio(r.runtimes[label].summary, r.native.summary) for r in rows]
        cpu = [cpu_ratio(r.runtimes[label], r.native) for r in rows]
        means[label] = {"wall": report.geometric_mean(wall) if wall else None,
                        "cpu": report.geometric_mean(cpu) if cpu and None not in cpu else None}
    return means


def format_bytes(count: int | None) -> str:
    """1536 -> '1.50 KiB'; three significant digits, binary units."""
    if count is None:
        return "n/a"
    value, unit = float(count), "B"
    for next_unit in ("KiB", "MiB", "GiB"):
        if round(value) < 1024:
            break
        value, unit = value / 1024, next_unit
    if unit == "B":
        return f"{count} B"
    return f"{report.three_digits(value)} {unit}"


def compile_table(compiles: list[tuple[str, str, dict]]) -> str:
    """(kernel, runtime label, CompileResult.as_dict()) -> a table of what
    precompiling each module cost."""
    lines = ["| kernel | runtime | wasm size | artifact size | compile wall time | compile peak RSS |",
             "|---|---|---:|---:|---:|---:|"]
    for kernel, label, c in compiles:
        lines.append(f"| {kernel} | {label} | {format_bytes(c['wasm_bytes'])} "
                     f"| {format_bytes(c['artifact_bytes'])} | {report.format_duration(c['seconds'])} "
                     f"| {format_bytes(c['peak_rss_bytes'])} |")
    return "\n".join(lines)


def _median_and_spread(summary: report.Summary) -> str:
    return (f"{report.format_duration(summary.median)} ({report.format_duration(summary.minimum)}"
            f" - {report.format_duration(summary.maximum)})")
