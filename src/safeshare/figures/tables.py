"""The figures as tables of counts, suppressed for publishing. Pure: no Django.

Every table is built here from counts the database has already added up (queries.py), with
the lines along which its totals add up, so that suppression.suppress knows what a reader
could subtract. Nothing in a table names or points to a person: the row and column labels
are the partnership's own categories (outcomes, agencies, purposes, urgency, months).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

from safeshare.figures.suppression import Line, Shown, suppress

TOTAL = "Total"


@dataclass(frozen=True)
class Cell:
    value: int
    shown: Shown

    @property
    def text(self) -> str:
        """What the page and the CSV show."""
        return f"{self.value:,}" if self.shown is Shown.VALUE else self.shown.value

    @property
    def csv(self) -> str:
        return str(self.value) if self.shown is Shown.VALUE else self.shown.value

    @property
    def visible(self) -> int | None:
        """The number a chart may draw: none for a suppressed cell."""
        return self.value if self.shown is Shown.VALUE else None


@dataclass(frozen=True)
class Row:
    label: str
    cells: tuple[Cell, ...]
    is_total: bool = False


@dataclass(frozen=True)
class Figure:
    """One table: a heading for its rows, a heading for each column, the rows."""

    slug: str
    title: str
    row_heading: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    description: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def body(self) -> tuple[Row, ...]:
        return tuple(r for r in self.rows if not r.is_total)

    @property
    def has_suppression(self) -> bool:
        return any(c.shown is not Shown.VALUE for r in self.rows for c in r.cells)

    @property
    def has_withheld(self) -> bool:
        return any(c.shown is Shown.WITHHELD for r in self.rows for c in r.cells)

    def csv_rows(self) -> list[list[str]]:
        """The table as CSV rows, the heading row first."""
        return [[self.row_heading, *self.columns]] + [
            [r.label, *(c.csv for c in r.cells)] for r in self.rows
        ]


def one_way(
    slug: str,
    title: str,
    row_heading: str,
    column: str,
    counts: Sequence[tuple[str, int]],
    *,
    description: str = "",
) -> Figure:
    """Counts by one category, and their total: the rows add up to it."""
    values: dict[Hashable, int] = {("row", i): n for i, (_label, n) in enumerate(counts)}
    values["total"] = sum(n for _label, n in counts)
    line = Line("total", tuple(("row", i) for i in range(len(counts))))
    shown = suppress(values, [line])
    rows = [
        Row(label, (Cell(values[("row", i)], shown[("row", i)]),))
        for i, (label, _n) in enumerate(counts)
    ]
    rows.append(Row(TOTAL, (Cell(values["total"], shown["total"]),), is_total=True))
    return Figure(slug, title, row_heading, (column,), tuple(rows), description)


def grid(counts: Sequence[Sequence[int]], n_cols: int) -> tuple[dict[Hashable, int], list[Line]]:
    """A two-way table's cells, (row, column), with its totals, (row, "total"), ("total",
    column) and ("total", "total"), and the lines they add up along: each row, each column,
    and the totals' row and column to the grand total."""
    n_rows = len(counts)
    values: dict[Hashable, int] = {}
    for r in range(n_rows):
        for c in range(n_cols):
            values[(r, c)] = counts[r][c]
        values[(r, "total")] = sum(counts[r])
    for c in range(n_cols):
        values[("total", c)] = sum(counts[r][c] for r in range(n_rows))
    values[("total", "total")] = sum(sum(row) for row in counts)
    lines = [Line((r, "total"), tuple((r, c) for c in range(n_cols))) for r in range(n_rows)]
    lines += [Line(("total", c), tuple((r, c) for r in range(n_rows))) for c in range(n_cols)]
    lines.append(Line(("total", "total"), tuple(("total", c) for c in range(n_cols))))
    lines.append(Line(("total", "total"), tuple((r, "total") for r in range(n_rows))))
    return values, lines


def two_way(
    slug: str,
    title: str,
    row_heading: str,
    row_labels: Sequence[str],
    column_labels: Sequence[str],
    counts: Sequence[Sequence[int]],
    *,
    total_column: str = TOTAL,
    description: str = "",
) -> Figure:
    """Counts by two categories, with a total for each row and column and the grand total:
    every row and every column adds up to its total."""
    n_cols = len(column_labels)
    values, lines = grid(counts, n_cols)
    shown = suppress(values, lines)
    rows = [
        Row(
            label,
            tuple(Cell(values[(r, c)], shown[(r, c)]) for c in [*range(n_cols), "total"]),
        )
        for r, label in enumerate(row_labels)
    ]
    rows.append(
        Row(
            TOTAL,
            tuple(
                Cell(values[("total", c)], shown[("total", c)]) for c in [*range(n_cols), "total"]
            ),
            is_total=True,
        )
    )
    return Figure(
        slug, title, row_heading, (*column_labels, total_column), tuple(rows), description
    )


@dataclass(frozen=True)
class Part:
    """A row of a table of overlapping counts, and what it is part of: `of` is the label
    of the row it is a subset of (its complement there is never shown)."""

    label: str
    count: int
    of: str | None = None


def parts(
    slug: str,
    title: str,
    row_heading: str,
    column: str,
    rows: Sequence[Part],
    *,
    sums: Sequence[tuple[str, Sequence[str]]] = (),
    description: str = "",
) -> Figure:
    """Counts that overlap: each row may be part of another (opened is part of sent), and
    some rows add up to another (given and refused make consent sought, `sums`). What is
    left of a row's whole ("sent, not opened") is never shown but could be worked out, so
    it is protected too."""
    values: dict[Hashable, int] = {p.label: p.count for p in rows}
    by_label = {p.label: p for p in rows}
    lines = [Line(total, tuple(members)) for total, members in sums]
    hidden: set[Hashable] = set()
    for p in rows:
        if p.of is not None:
            rest = ("rest", p.label)
            values[rest] = by_label[p.of].count - p.count
            hidden.add(rest)
            lines.append(Line(p.of, (p.label, rest)))
    shown = suppress(values, lines, hidden)
    return Figure(
        slug,
        title,
        row_heading,
        (column,),
        tuple(Row(p.label, (Cell(p.count, shown[p.label]),)) for p in rows),
        description,
    )
