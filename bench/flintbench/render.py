"""The report: Markdown tables shaped like the usual published comparisons
(runtime, figure, ratio to native) and the JSON document with every raw
sample. Pure functions of the tables, so the tests can check them."""

from __future__ import annotations

import json
import statistics

import report  # bench/report.py: format_duration, format_ratio, three_digits

from .model import BYTES, OK, PER_SECOND, SECONDS, Cell, Table


def format_bytes(value: float) -> str:
    """3 significant digits in binary units: 1536 -> '1.50 KiB'."""
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if value >= scale:
            return f"{report.three_digits(value / scale)} {unit}"
    return f"{value:.0f} B"


def format_rate(value: float) -> str:
    """Requests per second: 123456 -> '123k', 5432 -> '5.43k'."""
    if value >= 1000:
        return f"{report.three_digits(value / 1000)}k"
    return report.three_digits(value)


def format_figure(value: float, unit: str) -> str:
    if unit == SECONDS:
        return report.format_duration(value)
    if unit == BYTES:
        return format_bytes(value)
    if unit == PER_SECOND:
        return format_rate(value)
    return f"{value:g}"


SHORT_REASON = 60  # longer reasons become numbered notes under the table


class Footnotes:
    """Long reasons, numbered once each, so a wide table stays readable and
    a reason shared by several cells is printed once."""

    def __init__(self):
        self.reasons: list[str] = []

    def mark(self, reason: str) -> str:
        if reason not in self.reasons:
            self.reasons.append(reason)
        return f"[{self.reasons.index(reason) + 1}]"

    def lines(self) -> list[str]:
        return [f"[{i}] {reason}  " for i, reason in enumerate(self.reasons, 1)]


def status_text(cell: Cell, notes: Footnotes | None = None) -> str:
    reason = " ".join(cell.reason.replace("|", "\\|").split())
    if not reason:
        return cell.status
    if notes is not None and len(reason) > SHORT_REASON:
        return f"{cell.status} {notes.mark(reason)}"
    return f"{cell.status}: {reason}"


def cell_text(table: Table, contender: str, column, notes: Footnotes | None = None) -> str:
    cell = table.cell(contender, column.name)
    if cell.status != OK:
        return status_text(cell, notes)
    text = format_figure(cell.figure, column.unit)
    ratio = table.ratio(contender, column.name)
    if ratio is not None and contender != table.baseline:
        text += f" ({format_ratio(ratio)})"
    return text


def uniform_failure(table: Table, contender: str) -> bool:
    """True when no column was measured for the contender and every cell
    gives the same status and reason."""
    cells = [table.cell(contender, c.name) for c in table.columns]
    return all(c.status != OK for c in cells) and len({(c.status, c.reason) for c in cells}) == 1


def format_ratio(value: float) -> str:
    """bench/report.py's format, with significant digits kept below 0.1
    (a runtime serving 0.2% of native's requests is not '0.00×')."""
    return f"{value:.2g}×" if value < 0.1 else report.format_ratio(value)


def geometric_mean_ratio(table: Table, contender: str) -> tuple[float | None, int]:
    """The geometric mean of the contender's ratios over the columns where
    both it and the baseline were measured, and how many those are."""
    ratios = [r for r in (table.ratio(contender, c.name) for c in table.columns) if r]
    return (statistics.geometric_mean(ratios) if ratios else None), len(ratios)


def markdown_table(table: Table) -> str:
    """The table, then the numbered reasons its cells refer to."""
    notes = Footnotes()
    baseline = f" (× {table.baseline})" if table.baseline else ""
    single = len(table.columns) == 1
    if single:
        column = table.columns[0]
        header = ["runtime", f"{column.name}: median" if table.show_spread else column.name]
        if table.show_spread:
            header += ["min", "max"]
        header.append(f"ratio to {table.baseline}" if table.baseline else "ratio")
    else:
        header = ["runtime"] + [f"{c.name}{baseline}" for c in table.columns]
        geomean = table.workload == "compute" and table.baseline is not None
        if geomean:
            header.append(f"geometric mean (× {table.baseline})")
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|"]
    for contender in table.rows:
        if single:
            column = table.columns[0]
            cell = table.cell(contender, column.name)
            if cell.status != OK:
                row = [contender, status_text(cell, notes)] + [""] * (len(header) - 2)
            else:
                row = [contender, format_figure(cell.figure, column.unit)]
                if table.show_spread:
                    row += [format_figure(cell.details.get("min", cell.figure), column.unit),
                            format_figure(cell.details.get("max", cell.figure), column.unit)]
                ratio = table.ratio(contender, column.name)
                row.append(format_ratio(ratio) if ratio is not None else "")
        elif uniform_failure(table, contender):
            # Missing everywhere for one reason: said once, not in every column.
            row = [contender, status_text(table.cell(contender, table.columns[0].name), notes)]
            row += [""] * (len(header) - 2)
        else:
            row = [contender] + [cell_text(table, contender, c, notes) for c in table.columns]
            if geomean:
                value, count = geometric_mean_ratio(table, contender)
                if value is None:
                    row.append("")
                else:
                    partial = f" ({count} of {len(table.columns)})" if count < len(table.columns) else ""
                    row.append(format_ratio(value) + partial)
        lines.append("| " + " | ".join(row) + " |")
    if notes.reasons:
        lines += [""] + notes.lines()
    return "\n".join(lines)


def markdown_report(tables: list[Table], environment: dict, invocation: str,
                    charts: dict[str, str], extra_sections: list[str] = ()) -> str:
    """The whole report. `charts` maps a workload to its chart's file name
    (relative to the report), or to why no chart was drawn."""
    lines = ["# WebAssembly runtimes, containers and native code on one machine", "",
             "Produced by:", "", "```sh", invocation, "```", "",
             environment_paragraph(environment), "", "## Contenders", "",
             "| contender | version or reason |", "|---|---|"]
    for name, entry in environment.get("contenders", {}).items():
        status = entry["version"] if entry["available"] else f"not available: {entry['reason']}"
        if entry.get("executable") and entry["available"]:
            status += f" (`{entry['executable']}`)"
        lines.append(f"| {name} | {status.replace('|', '/')} |")
    for table in tables:
        lines += ["", f"## {table.title}", "", markdown_table(table), ""]
        lines += [note + "\n" for note in table.notes]
        chart = charts.get(table.workload)
        if chart and chart.endswith((".svg", ".png")):
            lines += ["", f"![{table.title}]({chart})"]
        elif chart:
            lines += ["", f"(No chart: {chart}.)"]
    lines += list(extra_sections)
    return "\n".join(lines) + "\n"


def environment_paragraph(environment: dict) -> str:
    load = environment.get("load_average", {})
    return (f"Machine: {environment.get('cpu', 'unknown CPU')}, {environment.get('cpus', '?')} CPU(s), "
            f"{format_bytes(environment['memory_bytes']) if environment.get('memory_bytes') else '? memory'}; "
            f"{environment.get('os', '')}, Linux {environment.get('kernel', '?')}; "
            f"{environment.get('cc', '')}; flint source {environment.get('source', '?')}; "
            f"1-minute load average {load.get('before', '?')} before, {load.get('after', '?')} after; "
            f"run {environment.get('started', '?')}, {environment.get('duration_s', 0):.0f} s.")


def json_document(tables: list[Table], environment: dict, invocation: str, extra: dict) -> str:
    document = {"invocation": invocation, "environment": environment,
                "tables": [t.as_dict() for t in tables], **extra}
    return json.dumps(document, indent=1, default=str) + "\n"
