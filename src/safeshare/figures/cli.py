"""`safeshare reports partnership [--from DATE] [--to DATE] --csv FILE`: every figure of
the whole partnership, suppressed as on the page, in one CSV for scheduled reports.

The `reports` command (subject_access/management/commands/reports.py) wires this
subcommand in; its arguments and work are here.
"""

from __future__ import annotations

import argparse
import datetime
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, OutputWrapper

from safeshare.figures import exports, presenters, queries

# Exit status for a mistake in how the command was called, as argparse uses.
USAGE_ERROR = 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--from", dest="date_from", metavar="DATE", help="first day, YYYY-MM-DD")
    parser.add_argument("--to", dest="date_to", metavar="DATE", help="last day, YYYY-MM-DD")
    parser.add_argument("--csv", dest="csv", metavar="FILE", required=True, help="write here")


def _date(option: str, raw: str | None) -> datetime.date | None:
    if raw is None:
        return None
    try:
        return datetime.date.fromisoformat(raw.strip())
    except ValueError:
        raise CommandError(
            f"{option} must be a real date written as YYYY-MM-DD, like 2026-04-01",
            returncode=USAGE_ERROR,
        ) from None


def period_from(date_from: str | None, date_to: str | None) -> queries.Period:
    first, last = _date("--from", date_from), _date("--to", date_to)
    last = last or queries.default_period().last
    first = first or queries.default_period(last).first
    if last < first:
        raise CommandError("--to must be the same as or after --from", returncode=USAGE_ERROR)
    return queries.Period(first, last)


def partnership(options: dict[str, Any], stdout: OutputWrapper) -> None:
    period = period_from(options.get("date_from"), options.get("date_to"))
    figures = presenters.build(queries.counts(None, period), period)
    target = Path(options["csv"])
    try:
        target.write_text(
            exports.all_tables_csv(figures, period, "The whole partnership"), encoding="utf-8"
        )
    except OSError as error:
        raise CommandError(f"--csv: cannot write {target}: {error.strerror}") from None
    stdout.write(
        f"Wrote {len(figures)} figures from {period.first.isoformat()} to "
        f"{period.last.isoformat()} to {target}\n"
    )
