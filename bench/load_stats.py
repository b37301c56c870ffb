"""The load test's figures from its raw samples (bench/load.py): percentiles per page, the
baseline, each page's p95 as a ratio to the baseline's, and the CSV. Pure Python, so that
tests check it without locust."""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

COLUMNS = ("page", "requests", "failures", "p50", "p95", "p99", "max", "rps", "p95_ratio")
ALL_PAGES = "all pages"


@dataclass(frozen=True)
class Row:
    page: str
    requests: int
    failures: int
    p50: float | None  # milliseconds; None without a request
    p95: float | None
    p99: float | None
    max: float | None
    rps: float | None  # None where no window applies (the sign-in rows)
    p95_ratio: float | None  # this page's p95 over the baseline's

    def cells(self) -> list[str]:
        def ms(value: float | None) -> str:
            return "" if value is None else f"{value:.1f}"

        return [
            self.page,
            str(self.requests),
            str(self.failures),
            ms(self.p50),
            ms(self.p95),
            ms(self.p99),
            ms(self.max),
            "" if self.rps is None else f"{self.rps:.2f}",
            "" if self.p95_ratio is None else f"{self.p95_ratio:.1f}",
        ]


def percentile(ordered: Sequence[float], fraction: float) -> float:
    """Nearest rank: the smallest sample with at least `fraction` of them at or below it."""
    if not ordered:
        raise ValueError("no samples")
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def row(page: str, times: Iterable[float], failures: int, seconds: float) -> Row:
    ordered = sorted(times)
    rps = None if seconds <= 0 else len(ordered) / seconds
    if not ordered:
        return Row(page, 0, failures, None, None, None, None, None if rps is None else 0.0, None)
    return Row(
        page,
        len(ordered),
        failures,
        percentile(ordered, 0.50),
        percentile(ordered, 0.95),
        percentile(ordered, 0.99),
        ordered[-1],
        rps,
        None,
    )


def summarise(
    pages: dict[str, list[float]],
    failures: dict[str, int],
    baseline: str,
    seconds: float,
    order: Sequence[str] = (),
) -> list[Row]:
    """One row per page (in `order`, then any others by name), then all pages together,
    then the baseline; every p95 also as a ratio to the baseline's. Times in ms; every
    request is counted, failed or not, and failures again on their own."""
    names = [*order, *sorted(set(pages) - set(order) - {baseline})]
    names = list(dict.fromkeys(n for n in names if n != baseline))
    rows = [row(name, pages.get(name, []), failures.get(name, 0), seconds) for name in names]
    everything = [t for name in names for t in pages.get(name, [])]
    rows.append(row(ALL_PAGES, everything, sum(failures.get(n, 0) for n in names), seconds))
    base = row(baseline, pages.get(baseline, []), failures.get(baseline, 0), seconds)
    rows.append(base)
    if not base.p95:
        return rows
    return [
        Row(**{**r.__dict__, "p95_ratio": None if r.p95 is None else r.p95 / base.p95})
        for r in rows
    ]


def write_csv(path: Path, rows: Sequence[Row]) -> None:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        writer.writerows(r.cells() for r in rows)


def table(rows: Sequence[Row]) -> str:
    """The rows as aligned text for the terminal."""
    cells = [list(COLUMNS), *(r.cells() for r in rows)]
    widths = [max(len(line[i]) for line in cells) for i in range(len(COLUMNS))]
    lines = []
    for line in cells:
        first = line[0].ljust(widths[0])
        rest = (cell.rjust(width) for cell, width in zip(line[1:], widths[1:], strict=True))
        lines.append("  ".join([first, *rest]))
    return "\n".join(lines)
