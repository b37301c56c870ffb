"""The figures as tables of counts, suppressed for publishing. Pure: no Django.

Every table is built here from counts the database has already added up (queries.py), with
the lines along which its totals add up, so that suppression.suppress knows what a reader
could subtract. Tables published together are suppressed together (a `Sheet`): the same
count shown in two tables (the decisions not to share are a row of the outcome table and
of the reconsidered refusals; the decisions of each urgency a row of the urgency table and
a total of the timeliness table) has one position, so that one table cannot give back what
another withheld. Nothing in a table names or points to a person: the row and column labels
are the partnership's own categories (outcomes, agencies, purposes, urgency, months).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

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


@dataclass(frozen=True)
class _Layout:
    """Where one table's cells come from: each row's label and its cells' positions."""

    slug: str
    title: str
    row_heading: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, tuple[Hashable, ...], bool], ...]
    description: str


@dataclass(frozen=True)
class Part:
    """A row of a table of overlapping counts, and what it is part of: `of` is the label
    of the row it is a subset of (its complement there is never shown). `key` is its
    position when the same count is shown in another table too."""

    label: str
    count: int
    of: str | None = None
    key: Hashable | None = None


class Sheet:
    """Tables published together: every count by its position, the lines along which they
    add up, the counts never shown; `publish` suppresses them all at once."""

    def __init__(self) -> None:
        self.values: dict[Hashable, int] = {}
        self.lines: list[Line] = []
        self.hidden: set[Hashable] = set()
        self._layouts: list[_Layout] = []

    def count(self, key: Hashable, value: int) -> Hashable:
        """Place a count; a position placed twice must hold the same count."""
        if self.values.setdefault(key, value) != value:
            raise ValueError(f"{key!r} is {self.values[key]} in one table and {value} in another")
        return key

    def one_way(
        self,
        slug: str,
        title: str,
        row_heading: str,
        column: str,
        counts: Sequence[tuple[str, int]],
        *,
        keys: Sequence[Hashable] | None = None,
        total_key: Hashable | None = None,
        description: str = "",
    ) -> None:
        """Counts by one category, and their total: the rows add up to it."""
        keys = keys or [(slug, i) for i in range(len(counts))]
        members = tuple(self.count(k, n) for k, (_label, n) in zip(keys, counts, strict=True))
        total = self.count(total_key or (slug, "total"), sum(n for _label, n in counts))
        self.lines.append(Line(total, members))
        rows = [(label, (k,), False) for k, (label, _n) in zip(members, counts, strict=True)]
        rows.append((TOTAL, (total,), True))
        self._layouts.append(_Layout(slug, title, row_heading, (column,), tuple(rows), description))

    def two_way(
        self,
        slug: str,
        title: str,
        row_heading: str,
        row_labels: Sequence[str],
        column_labels: Sequence[str],
        counts: Sequence[Sequence[int]],
        *,
        row_total_keys: Sequence[Hashable] | None = None,
        total_column: str = TOTAL,
        description: str = "",
    ) -> None:
        """Counts by two categories, with a total for each row and column and the grand
        total: every row and every column adds up to its total."""
        n_cols = len(column_labels)
        values, lines = grid(counts, n_cols)
        shared = dict(enumerate(row_total_keys or []))

        def key(position: Any) -> Hashable:
            row, column = position
            if column == "total" and row in shared:
                return shared[row]
            return (slug, row, column)

        for position, value in values.items():
            self.count(key(position), value)
        self.lines += [Line(key(line.total), tuple(key(m) for m in line.members)) for line in lines]
        layout_rows = [
            (label, tuple(key((r, c)) for c in [*range(n_cols), "total"]), False)
            for r, label in enumerate(row_labels)
        ]
        layout_rows.append(
            (TOTAL, tuple(key(("total", c)) for c in [*range(n_cols), "total"]), True)
        )
        self._layouts.append(
            _Layout(
                slug,
                title,
                row_heading,
                (*column_labels, total_column),
                tuple(layout_rows),
                description,
            )
        )

    def parts(
        self,
        slug: str,
        title: str,
        row_heading: str,
        column: str,
        rows: Sequence[Part],
        *,
        sums: Sequence[tuple[str, Sequence[str]]] = (),
        description: str = "",
    ) -> None:
        """Counts that overlap: each row may be part of another (opened is part of sent),
        and some rows add up to another (given and refused make consent sought, `sums`).
        What is left of a row's whole ("sent, not opened") is never shown but could be
        worked out, so it is protected too."""
        keys = {p.label: self.count(p.key or (slug, p.label), p.count) for p in rows}
        by_label = {p.label: p for p in rows}
        self.lines += [
            Line(keys[total], tuple(keys[m] for m in members)) for total, members in sums
        ]
        for p in rows:
            if p.of is not None:
                rest = self.count((slug, "rest", p.label), by_label[p.of].count - p.count)
                self.hidden.add(rest)
                self.lines.append(Line(keys[p.of], (keys[p.label], rest)))
        layout_rows = tuple((p.label, (keys[p.label],), False) for p in rows)
        self._layouts.append(_Layout(slug, title, row_heading, (column,), layout_rows, description))

    def publish(self) -> list[Figure]:
        shown = suppress(self.values, self.lines, self.hidden)
        return [
            Figure(
                layout.slug,
                layout.title,
                layout.row_heading,
                layout.columns,
                tuple(
                    Row(label, tuple(Cell(self.values[k], shown[k]) for k in keys), is_total)
                    for label, keys, is_total in layout.rows
                ),
                layout.description,
            )
            for layout in self._layouts
        ]


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


def one_way(*args: Any, **kwargs: Any) -> Figure:
    """One table of counts by one category, published alone (Sheet.one_way)."""
    sheet = Sheet()
    sheet.one_way(*args, **kwargs)
    return sheet.publish()[0]


def two_way(*args: Any, **kwargs: Any) -> Figure:
    """One table of counts by two categories, published alone (Sheet.two_way)."""
    sheet = Sheet()
    sheet.two_way(*args, **kwargs)
    return sheet.publish()[0]


def parts(*args: Any, **kwargs: Any) -> Figure:
    """One table of overlapping counts, published alone (Sheet.parts)."""
    sheet = Sheet()
    sheet.parts(*args, **kwargs)
    return sheet.publish()[0]
