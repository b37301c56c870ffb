"""Documents as PDF: WeasyPrint laying out an HTML template with CSS paged media.

Every document is A4 and carries the protective marking OFFICIAL-SENSITIVE at the top and
bottom of every page, "Page x of y", and the organisation that produced it and when
(`core/pdf/base.html` and `safeshare/pdf.css`). It is tagged (PDF/UA-1) so that a screen
reader can follow its headings and tables. The text is set in Debian's DejaVu fonts,
found through fontconfig; nothing is fetched over the network: `StaticOnlyFetcher` hands
WeasyPrint the project's own static files and refuses every other address, so a template
that names an outside image or stylesheet renders without it.

Core imports no other safeshare app: callers pass the organisation's name as text.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from django.utils import timezone

# The marking the partnership's information sharing agreement gives case records.
MARKING = "OFFICIAL-SENSITIVE"
# PDF/UA-1 turns on tagging and checks what it needs (a title, a language, embedded fonts).
PDF_VARIANT = "pdf/ua-1"
# Relative addresses in a document resolve against this, so `/static/x.css` becomes
# `file:///static/x.css`, which the fetcher looks up among the static files.
BASE_URL = "file:///"
MEDIA_TYPES = {
    ".css": "text/css",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
}


class RefusedAddress(ValueError):
    """A document asked for something that is not one of the project's static files."""


def _static_prefix() -> str:
    path = urlsplit(settings.STATIC_URL).path.strip("/")
    return f"/{path}/" if path else "/"


def static_file_for(url: str) -> Path:
    """The static file a document's address names, or RefusedAddress: only `file:` addresses
    under the static URL's path, found by Django's static file finders (the apps' `static/`
    folders and STATICFILES_DIRS). No other scheme, host or path is ever opened."""
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in {"", "localhost"}:
        raise RefusedAddress("only the project's static files may be used in a document")
    path = unquote(parts.path)
    prefix = _static_prefix()
    if not path.startswith(prefix):
        raise RefusedAddress("only the project's static files may be used in a document")
    name = path.removeprefix(prefix)
    if not name or Path(name).suffix.lower() not in MEDIA_TYPES:
        raise RefusedAddress("only the project's static files may be used in a document")
    try:
        found = finders.find(name)
    except SuspiciousFileOperation as exc:  # `..` out of a static folder
        raise RefusedAddress("only the project's static files may be used in a document") from exc
    if not isinstance(found, str) or not Path(found).is_file():
        raise RefusedAddress("no such static file")
    return Path(found)


def _fetcher() -> Any:
    # WeasyPrint is imported when a PDF is made, not when Django starts: a server without
    # its system libraries still serves every other page.
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> Any:
            # A refusal stops only that resource: WeasyPrint logs it and leaves it out.
            found = static_file_for(url)
            return URLFetcherResponse(
                url,
                found.read_bytes(),
                headers={"Content-Type": MEDIA_TYPES[found.suffix.lower()]},
            )

    return StaticOnlyFetcher(allowed_protocols={"file"})


def render_pdf(
    template_name: str,
    context: Mapping[str, Any],
    *,
    title: str,
    organisation: str,
    produced_at: datetime.datetime | None = None,
) -> bytes:
    """The template (which extends `core/pdf/base.html`) laid out as a PDF.

    `title` is the document's title (its metadata and the top of every page: never a
    person's name, so that a list of files or a print queue does not show one);
    `organisation` the name of the organisation producing it."""
    from weasyprint import HTML

    produced = timezone.localtime(produced_at or timezone.now())
    html = render_to_string(
        template_name,
        {
            **context,
            "pdf_title": title,
            "pdf_organisation": organisation,
            "pdf_produced_at": produced,
            "pdf_marking": MARKING,
            "pdf_static": _static_prefix(),
        },
    )
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=_fetcher())
    pdf: bytes = document.write_pdf(pdf_variant=PDF_VARIANT, pdf_tags=True)
    return pdf
