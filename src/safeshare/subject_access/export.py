"""The pack as files: CSV, and PDF through core.pdf, both from the same `pack.build_pack` result
(redactions already applied there)."""

from __future__ import annotations

import csv
import io

from django.utils import timezone

from safeshare.subject_access.models import SubjectAccessRequest
from safeshare.subject_access.pack import MARKING, Pack

# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str) -> str:
    return f"'{value}" if value.startswith(FORMULA_START) else value


def file_name(request: SubjectAccessRequest, suffix: str) -> str:
    """Named after the request's id and the day, never after the person."""
    return f"subject-access-{request.pk}-{timezone.localdate():%Y-%m-%d}.{suffix}"


def pack_csv(pack: Pack) -> str:
    """One file: the marking, the summary, then each section as its title, its column
    names and its rows, with a blank line between."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([MARKING])
    writer.writerow([f"Subject access pack produced by {pack.organisation}"])
    writer.writerow(["Produced", f"{timezone.localtime(pack.produced_at):%-d %B %Y, %H:%M}"])
    for label, value in pack.summary:
        writer.writerow([label, _cell(value)])
    for section in pack.sections:
        writer.writerow([])
        writer.writerow([section.title])
        writer.writerow(section.columns)
        if not section.rows:
            writer.writerow([section.empty])
        for row in section.rows:
            writer.writerow([_cell(c) for c in row.cells])
    writer.writerow([])
    writer.writerow([MARKING])
    return out.getvalue()


def pack_pdf(pack: Pack) -> bytes:
    """The pack as an A4 PDF (core/pdf.py: OFFICIAL-SENSITIVE and "Page x of y" on every
    page, the organisation and the date produced). Its title never names the person."""
    from safeshare.core.pdf import render_pdf

    return render_pdf(
        "subject_access/pack_pdf.html",
        {"pack": pack},
        title="Subject access pack",
        organisation=pack.organisation,
        produced_at=pack.produced_at,
    )
