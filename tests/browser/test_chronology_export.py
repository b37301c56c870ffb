"""The person page with its chronology downloads (issue 16): axe with the links showing,
before and after filtering, and each download taken with the keyboard in the browser."""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from safeshare.accounts.models import Organisation, User
from safeshare.core.pdf import MARKING
from tests.browser.conftest import assert_accessible
from tests.browser.helpers import riverside_school, sign_in
from tests.factories.decisions import DecisionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def school() -> Organisation:
    return riverside_school()


def test_the_person_page_offers_the_chronology_as_files(
    page: Page, school: Organisation, tmp_path: Path
) -> None:
    teacher = User.objects.get(username="teacher")
    lily = school.people.get(given_names="Lily")
    DecisionFactory.create(started_by=teacher, subject=lily, share=True, finalised=True)
    DecisionFactory.create(started_by=teacher, subject=lily, do_not_share=True, finalised=True)
    sign_in(page)

    page.goto(f"/people/{lily.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Lily Morgan")
    expect(page.get_by_role("link", name="Download as PDF")).to_be_visible()
    expect(page.get_by_role("link", name="Download as CSV")).to_be_visible()
    assert_accessible(page)

    page.get_by_text("Filter the chronology").click()
    page.get_by_label("Outcome").select_option("do_not_share")
    page.get_by_role("button", name="Apply filters").click()
    pdf_link = page.get_by_role("link", name="Download as PDF")
    expect(pdf_link).to_have_attribute(
        "href", f"/people/{lily.pk}/chronology.pdf?outcome=do_not_share"
    )
    assert_accessible(page)

    today = timezone.localdate().isoformat()
    pdf_link.focus()
    with page.expect_download() as pdf_download:
        page.keyboard.press("Enter")
    assert pdf_download.value.suggested_filename == f"chronology-{today}.pdf"
    saved = tmp_path / "chronology.pdf"
    pdf_download.value.save_as(saved)
    pages = [p.extract_text() for p in pypdf.PdfReader(io.BytesIO(saved.read_bytes())).pages]
    text = " ".join(" ".join(pages).split())
    assert MARKING in text and "Outcome: Do not share" in text and "1 decision" in text

    page.get_by_role("link", name="Download as CSV").focus()
    with page.expect_download() as csv_download:
        page.keyboard.press("Enter")
    assert csv_download.value.suggested_filename == f"chronology-{today}.csv"
    saved = tmp_path / "chronology.csv"
    csv_download.value.save_as(saved)
    lines = saved.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 and "Do not share" in lines[1]
