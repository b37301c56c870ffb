"""safeshare.core.pdf: real PDFs, read back with pypdf."""

from __future__ import annotations

import datetime
import http.server
import io
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pypdf
import pytest
from django.conf import settings
from django.test import override_settings

from safeshare.core.pdf import MARKING, RefusedAddress, render_pdf, static_file_for

TEMPLATES = Path(__file__).parent / "templates"
PRODUCED = datetime.datetime(2026, 3, 4, 9, 30, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def test_templates() -> Iterator[None]:
    engine: dict[str, Any] = dict(settings.TEMPLATES[0])
    engines = [{**engine, "DIRS": [TEMPLATES, *engine["DIRS"]]}]
    with override_settings(TEMPLATES=engines):
        yield


def pages_of(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def _rows(count: int) -> bytes:
    return render_pdf(
        "tests_core/pdf_rows.html",
        {"rows": range(count)},
        title="Test document",
        organisation="Riverside Primary School",
        produced_at=PRODUCED,
    )


def test_it_marks_every_page_and_numbers_them() -> None:
    pages = pages_of(_rows(150))
    assert len(pages) >= 3
    for number, text in enumerate(pages, start=1):
        # Top and bottom of every page (the first also has it in the text).
        assert text.count(MARKING) >= 2, f"page {number}"
        assert f"Page {number} of {len(pages)}" in text
        assert "Riverside Primary School" in text
        assert "Test document" in text
        assert "4 March 2026" in text
    body = "\n".join(pages)
    assert "Row 0 " in body and "Row 149 " in body


def test_it_is_a4_tagged_titled_and_in_english() -> None:
    reader = pypdf.PdfReader(io.BytesIO(_rows(3)))
    box = reader.pages[0].mediabox
    # A4 is 210 by 297 mm: 595 by 842 points.
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    root: Any = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "en-GB"
    assert reader.metadata is not None
    assert reader.metadata.title == "Test document"
    assert reader.metadata.author == "Riverside Primary School"


def _roles(node: Any, found: set[str]) -> set[str]:
    node = node.get_object() if hasattr(node, "get_object") else node
    if isinstance(node, pypdf.generic.ArrayObject):
        for kid in node:
            _roles(kid, found)
    elif isinstance(node, pypdf.generic.DictionaryObject):
        if "/S" in node:
            found.add(str(node["/S"]))
        if "/K" in node:
            _roles(node["/K"], found)
    return found


def test_its_structure_has_the_heading_and_the_table_with_its_header_cells() -> None:
    reader = pypdf.PdfReader(io.BytesIO(_rows(3)))
    root: Any = reader.trailer["/Root"]
    roles = _roles(root["/StructTreeRoot"], set())
    assert {"/H1", "/Table", "/Caption", "/THead", "/TH", "/TR", "/TD", "/P"} <= roles


def test_its_fonts_are_the_embedded_dejavu_fonts() -> None:
    reader = pypdf.PdfReader(io.BytesIO(_rows(3)))
    resources: Any = reader.pages[0]["/Resources"]
    fonts: Any = resources["/Font"]
    objects: list[Any] = [f.get_object() for f in fonts.values()]
    names = {str(font["/BaseFont"]).split("+")[-1] for font in objects}
    assert names and all(n.startswith("DejaVu") for n in names), names


class _Counting(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:
        _Counting.hits.append(self.path)
        body = b"body::after { content: 'FETCHED FROM OUTSIDE' }"
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def test_it_fetches_nothing_outside_the_static_files(tmp_path: Path) -> None:
    server = http.server.HTTPServer(("127.0.0.1", 0), _Counting)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    leak = tmp_path / "leak.css"
    leak.write_text("body::before { content: 'READ FROM THE DISK' }")
    try:
        _Counting.hits.clear()
        origin = f"http://127.0.0.1:{server.server_address[1]}"
        pdf = render_pdf(
            "tests_core/pdf_outside.html",
            {
                "outside_css": f"{origin}/style.css",
                "outside_image": f"{origin}/picture.png",
                "leak_css": leak.as_uri(),
            },
            title="Test document",
            organisation="Riverside Primary School",
        )
    finally:
        server.shutdown()
        server.server_close()
    assert _Counting.hits == []
    text = "\n".join(pages_of(pdf))
    assert "Nothing from outside" in text
    assert "FETCHED FROM OUTSIDE" not in text
    assert "READ FROM THE DISK" not in text


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/static/safeshare/pdf.css",
        "http://127.0.0.1/static/safeshare/pdf.css",
        "file:///etc/passwd",
        "file:///static/../../etc/passwd.css",
        "file:///static/%2e%2e/%2e%2e/etc/hosts.css",
        "file://otherhost/static/safeshare/pdf.css",
        "file:///static/safeshare/missing.css",
        "file:///static/safeshare/init.mjs",
        "data:text/css,body{}",
        "ftp://example.org/x.css",
    ],
)
def test_it_refuses_every_address_but_a_static_file(url: str) -> None:
    with pytest.raises(RefusedAddress):
        static_file_for(url)


def test_it_finds_a_static_file() -> None:
    assert static_file_for("file:///static/safeshare/pdf.css").name == "pdf.css"
