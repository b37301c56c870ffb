"""The figures as CSV: one table, or every table in one file for scheduled reports.
Suppressed cells are written as their words ("fewer than 5", "withheld"), never a number."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from safeshare.figures.queries import Period
from safeshare.figures.tables import Figure


def table_csv(figure: Figure) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows(figure.csv_rows())
    return out.getvalue()


def all_tables_csv(figures: Iterable[Figure], period: Period, scope: str) -> str:
    """Every table, one count a line: figure, row, column, count."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["Figure", "Row", "Column", "Count", "From", "To", "Organisations"])
    for figure in figures:
        for row in figure.rows:
            for column, cell in zip(figure.columns, row.cells, strict=True):
                writer.writerow(
                    [
                        figure.title,
                        row.label,
                        column,
                        cell.csv,
                        period.first.isoformat(),
                        period.last.isoformat(),
                        scope,
                    ]
                )
    return out.getvalue()


def filename(slug: str, period: Period) -> str:
    """Named after the figure and the period, never after a person."""
    return f"safeshare-figures-{slug}-{period.first.isoformat()}-to-{period.last.isoformat()}.csv"
