"""A person's chronology as a file: every decision the filters match (not one page of
them), as CSV or PDF, read in bounded batches so a long chronology costs a few queries
per batch and never the whole list in one.

The file is named after the chronology and the day, never the person
(`chronology-2026-03-04.pdf`): a name in a download folder, an email attachment or a print
queue is a disclosure of its own."""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import formats, timezone

from safeshare.core.csv_io import is_formula
from safeshare.core.pdf import render_pdf
from safeshare.decisions.models import Decision
from safeshare.subjects.forms import ChronologyFilterForm
from safeshare.subjects.models import Person
from safeshare.vocabulary.models import Outcome

# Rows fetched at a time, each batch with its subjects and items prefetched.
BATCH = 500
TITLE = "Chronology of information sharing"
COLUMNS = [
    "Decided",
    "Outcome",
    "Corrected",
    "Consent withdrawn on",
    "Late against target",
    "What happened",
    "Purpose",
    "Urgency",
    "Decided by",
    "Organisation",
    "Decision reference",
]


@dataclass(frozen=True)
class Row:
    decided_at: datetime.datetime
    outcome: str
    outcome_code: str
    corrected: bool
    withdrawn_on: datetime.date | None
    late: bool
    what_happened: str
    purpose: str
    urgency: str
    decided_by: str
    organisation: str
    reference: str


def rows(decisions: QuerySet[Decision]) -> Iterator[Row]:
    """The chronology's rows, newest first, fetched BATCH at a time."""
    found = decisions.select_related("purpose_category")
    for d in found.iterator(chunk_size=BATCH):
        withdrawal = d.withdrawal
        timeliness = d.timeliness
        assert d.decided_at is not None  # a chronology lists finalised decisions only
        yield Row(
            decided_at=timezone.localtime(d.decided_at),
            outcome=d.get_outcome_display(),
            outcome_code=d.outcome,
            corrected=bool(getattr(d, "is_corrected", False)),
            withdrawn_on=withdrawal.withdrawn_on if withdrawal else None,
            late=bool(timeliness and timeliness.late),
            what_happened=d.what_happened,
            purpose=d.purpose_category.name if d.purpose_category else "",
            urgency=d.get_urgency_display() if d.urgency else "",
            decided_by=d.decided_by.display_name() if d.decided_by else "",
            organisation=d.organisation.name,
            reference=str(d.pk),
        )


def filters_applied(form: ChronologyFilterForm) -> list[str]:
    """What the filters chose, in words, for the document to say (none: every decision)."""
    if not form.is_bound or not form.is_valid():
        return []
    data = form.cleaned_data
    said = []
    if data["outcome"]:
        said.append(f"Outcome: {Outcome(data['outcome']).label}")
    if data["agency"]:
        said.append(f"Agency: {data['agency'].name}")
    if data["date_from"]:
        said.append(f"Decided from {formats.date_format(data['date_from'], 'j F Y')}")
    if data["date_to"]:
        said.append(f"Decided to {formats.date_format(data['date_to'], 'j F Y')}")
    return said


def file_name(suffix: str) -> str:
    return f"chronology-{timezone.localdate().isoformat()}.{suffix}"


def _cell(value: str) -> str:
    """A leading ' stops a spreadsheet running a cell as a formula."""
    return "'" + value if is_formula(value) else value


class _Line:
    """csv.writer writes into this one line at a time, for a streamed response."""

    def write(self, value: str) -> str:
        return value


def csv_lines(found: Iterable[Row]) -> Iterator[str]:
    """The header row, then one row per decision (UTF-8, CRLF, as the directory's CSV)."""
    writer = csv.writer(_Line(), lineterminator="\r\n")
    yield writer.writerow(COLUMNS)
    for row in found:
        yield writer.writerow(
            [
                _cell(v)
                for v in (
                    row.decided_at.strftime("%Y-%m-%d %H:%M"),
                    row.outcome,
                    "Yes" if row.corrected else "No",
                    row.withdrawn_on.isoformat() if row.withdrawn_on else "",
                    "Yes" if row.late else "No",
                    row.what_happened,
                    row.purpose,
                    row.urgency,
                    row.decided_by,
                    row.organisation,
                    row.reference,
                )
            ]
        )


def pdf(
    person: Person,
    identifiers: list[object],
    found: Iterable[Row],
    filters_applied: list[str],
    organisation: str,
) -> bytes:
    return render_pdf(
        "site/chronology_pdf.html",
        {
            "person": person,
            "identifiers": identifiers,
            "rows": list(found),
            "filters_applied": filters_applied,
        },
        title=TITLE,
        organisation=organisation,
    )
