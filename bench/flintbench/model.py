"""What a benchmark run produces: tables of cells, one cell per contender and
column, each either measured (with every raw sample), not available (the
contender is missing or cannot run this workload) or failed (it ran and
crashed, timed out or printed a wrong result). Nothing is ever dropped and
no number is ever made up: a cell without samples has no figure."""

from __future__ import annotations

from dataclasses import dataclass, field

OK = "ok"
NOT_AVAILABLE = "not available"
FAILED = "failed"
STATUSES = (OK, NOT_AVAILABLE, FAILED)

# Units of a column's figure; render.py formats each.
SECONDS, BYTES, PER_SECOND = "s", "B", "1/s"


@dataclass
class Cell:
    """One contender's result in one column of a table."""

    status: str
    reason: str = ""  # why it is not available or failed
    figure: float | None = None  # the number in the table (a median, a rate)
    samples: list[float] = field(default_factory=list)  # every raw sample, in the column's unit
    details: dict = field(default_factory=dict)  # min, max, p99, ... and raw tool output
    command: str = ""  # what was run, for the report

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"unknown status {self.status!r}")
        if self.status != OK and self.figure is not None:
            raise ValueError("only a measured cell has a figure")
        if self.status == OK and self.figure is None:
            raise ValueError("a measured cell needs a figure")

    @classmethod
    def unavailable(cls, reason: str, command: str = "") -> "Cell":
        return cls(NOT_AVAILABLE, reason, command=command)

    @classmethod
    def failed(cls, reason: str, command: str = "") -> "Cell":
        return cls(FAILED, reason, command=command)

    def as_dict(self) -> dict:
        return {"status": self.status, "reason": self.reason, "figure": self.figure,
                "samples": self.samples, "details": self.details, "command": self.command}


@dataclass(frozen=True)
class Column:
    """One measured quantity of a table, e.g. 'fib(40)' in seconds."""

    name: str
    unit: str
    lower_is_better: bool = True


@dataclass
class Table:
    """One workload's results: rows are contenders in discovery order."""

    workload: str  # startup, memory, compute, http, user
    title: str
    columns: list[Column]
    baseline: str | None = "native"  # the row ratios are taken against
    rows: dict[str, dict[str, Cell]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # method, printed under the table
    show_spread: bool = False  # add min and max columns (single-column timing tables)

    def set(self, contender: str, column: str, cell: Cell) -> None:
        if column not in {c.name for c in self.columns}:
            raise KeyError(f"{self.workload} has no column {column!r}")
        self.rows.setdefault(contender, {})[column] = cell

    def reorder(self, names: list[str]) -> None:
        """Rows in `names` order (the contenders' discovery order), any
        other rows (a user's image) after them."""
        ordered = [n for n in names if n in self.rows] + [n for n in self.rows if n not in names]
        self.rows = {n: self.rows[n] for n in ordered}

    def cell(self, contender: str, column: str) -> Cell:
        """A cell never filled in reads as not available, not as absent."""
        return self.rows.get(contender, {}).get(column) or Cell.unavailable("not measured")

    def ratio(self, contender: str, column: str) -> float | None:
        """The contender's figure over the baseline's, when both were measured."""
        if self.baseline is None:
            return None
        mine, base = self.cell(contender, column), self.cell(self.baseline, column)
        if mine.status != OK or base.status != OK or not base.figure:
            return None
        return mine.figure / base.figure

    def as_dict(self) -> dict:
        return {"workload": self.workload, "title": self.title, "baseline": self.baseline,
                "columns": [{"name": c.name, "unit": c.unit, "lower_is_better": c.lower_is_better}
                            for c in self.columns],
                "rows": {name: {col: cell.as_dict() for col, cell in cells.items()}
                         for name, cells in self.rows.items()},
                "ratios": {name: {c.name: self.ratio(name, c.name) for c in self.columns}
                           for name in self.rows},
                "notes": self.notes}
