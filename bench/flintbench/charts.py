"""One chart per workload, drawn with matplotlib (SVG): a horizontal bar
per contender for each of the table's figures, contenders that were not
measured named on the axis with their status instead of a bar, so a chart
never suggests a number the table does not have."""

from __future__ import annotations

from pathlib import Path

from .model import BYTES, OK, PER_SECOND, SECONDS, Table
from .render import geometric_mean_ratio

SCALES = {SECONDS: (1e3, "ms"), BYTES: (1 / (1 << 20), "MiB"), PER_SECOND: (1e-3, "thousand requests/s")}


def matplotlib_or_reason():
    """(pyplot, None), or (None, why charts cannot be drawn)."""
    try:
        import matplotlib
        matplotlib.use("Agg")  # files only, never a window
        from matplotlib import pyplot
    except ImportError as error:
        return None, f"matplotlib is not installed ({error}; apt-get install python3-matplotlib)"
    return pyplot, None


def panels(table: Table) -> list[tuple[str, str, dict[str, float | None], dict[str, str]]]:
    """(title, axis label, contender -> value or None, contender -> status)
    for each panel of the table's chart."""
    result = []
    if table.workload == "compute" and table.baseline:
        first = table.columns[0]
        values, status = {}, {}
        for name in table.rows:
            cell = table.cell(name, first.name)
            values[name] = cell.figure if cell.status == OK else None
            status[name] = cell.status
        result.append((first.name, "seconds, whole process (lower is better)", values, status))
        geomeans, status = {}, {}
        for name in table.rows:
            value, _ = geometric_mean_ratio(table, name)
            geomeans[name] = value
            status[name] = OK if value is not None else "not measured"
        result.append(("all kernels: geometric mean", f"× {table.baseline} (lower is better)", geomeans,
                       status))
        return result
    for column in table.columns:
        scale, unit = SCALES.get(column.unit, (1.0, column.unit))
        values, status = {}, {}
        for name in table.rows:
            cell = table.cell(name, column.name)
            values[name] = cell.figure * scale if cell.status == OK else None
            status[name] = cell.status
        better = "lower" if column.lower_is_better else "higher"
        result.append((column.name, f"{unit} ({better} is better)", values, status))
    return result


def draw(table: Table, path: Path) -> str | None:
    """Writes the table's chart to `path`; returns None, or why not."""
    pyplot, reason = matplotlib_or_reason()
    if pyplot is None:
        return reason
    import matplotlib
    matplotlib.rcParams["svg.hashsalt"] = "flintbench"  # the same results give the same file
    chart_panels = panels(table)
    names = list(table.rows)
    figure, axes = pyplot.subplots(1, len(chart_panels), squeeze=False,
                                   figsize=(5.5 * len(chart_panels), 0.42 * len(names) + 1.4))
    for axis, (title, label, values, status) in zip(axes[0], chart_panels):
        positions = range(len(names))
        measured = [values[n] or 0 for n in names]
        bars = axis.barh(positions, measured, color=["#4c72b0" if n != table.baseline else "#dd8452"
                                                     for n in names])
        top = max((v for v in measured if v), default=1.0)
        low = min((v for v in measured if v), default=1.0)
        if top / low > 30:
            axis.set_xscale("log")
        axis.set_yticks(list(positions), names)
        axis.invert_yaxis()
        axis.set_title(title)
        axis.set_xlabel(label)
        for bar, name in zip(bars, names):
            if values[name] is None:
                axis.text(low if axis.get_xscale() == "log" else 0, bar.get_y() + bar.get_height() / 2,
                          f" {status[name]}", va="center", fontsize=8, color="#888888")
            else:
                axis.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, f" {values[name]:.3g}",
                          va="center", fontsize=8)
        axis.margins(x=0.25)
    figure.suptitle(table.title, fontsize=11)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, metadata={"Date": None})
    pyplot.close(figure)
    return None
