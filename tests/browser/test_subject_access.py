"""An information governance lead logs a subject access request, redacts a third party's
item, extends and signs off, and opens the pack for printing; axe on every page, the
forms submitted from the keyboard."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from safeshare.accounts.models import Organisation, User
from safeshare.subject_access.models import REDACTED_TEXT, SubjectAccessRequest
from tests.browser.conftest import assert_accessible
from tests.browser.helpers import riverside_school, sign_in
from tests.subject_access.helpers import (
    THIRD_PARTY_TEXT,
    decision_naming_a_third_party,
    ig_lead_of,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def school() -> Organisation:
    school = riverside_school()
    teacher = User.objects.get(username="teacher")
    decision_naming_a_third_party(teacher, school.people.get(given_names="Lily"))
    ig_lead_of(teacher, "ig")
    return school


def heading(page: Page, text: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(text)
    assert_accessible(page)


def test_an_ig_lead_answers_a_subject_access_request(page: Page, school: Organisation) -> None:
    sign_in(page, "ig")
    page.get_by_role("link", name="Subject access").press("Enter")
    heading(page, "Subject access requests")
    page.get_by_role("button", name="Log a subject access request").click()
    heading(page, "Who is the request about?")
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a name")
    assert_accessible(page)
    field = page.get_by_label("Name, NHS number or other identifier")
    field.fill("Lily")
    field.press("Enter")
    assert "Lily" not in page.url
    page.get_by_role("link", name=re.compile("Lily Morgan")).press("Enter")
    heading(page, "Log a subject access request")
    page.get_by_role("button", name="Log the request").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter who asked")
    assert_accessible(page)
    page.get_by_label("Who asked").fill("Kerry Morgan")
    page.get_by_label("Their relationship to the person").fill("Mother")
    page.get_by_label("How their identity was checked").fill("Passport seen at reception")
    page.get_by_label("Day").fill("31")
    page.get_by_label("Month").fill("1")
    page.get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Log the request").press("Enter")
    heading(page, "Subject access request")
    expect(page.locator(".govuk-notification-banner, .govuk-body, dd").first).to_be_visible()
    expect(page.get_by_text("28 February 2026").first).to_be_visible()
    assert "Lily" not in page.url

    third_party = page.get_by_role("row").filter(has_text=THIRD_PARTY_TEXT)
    third_party.get_by_role("link", name=re.compile("^Redact")).click()
    heading(page, "Redact this item")
    page.get_by_role("button", name="Redact in the pack").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter why this information is redacted"
    )
    assert_accessible(page)
    page.get_by_label("Why this information is redacted").fill("Names her uncle")
    page.get_by_role("button", name="Redact in the pack").press("Enter")
    heading(page, "Subject access request")
    expect(page.get_by_text(REDACTED_TEXT).first).to_be_visible()

    page.get_by_role("button", name="Extend the time to answer").click()
    heading(page, "Extend the time to answer")
    page.get_by_role("button", name="Extend").click()
    assert_accessible(page)
    page.get_by_label("2 months").check()
    page.get_by_label("Why the request needs more time").fill("Records in two systems")
    page.get_by_role("button", name="Extend").click()
    heading(page, "Subject access request")
    expect(page.get_by_text("30 April 2026").first).to_be_visible()

    page.get_by_role("link", name="Open the pack for printing").click()
    heading(page, "Subject access pack")
    expect(page.get_by_text(THIRD_PARTY_TEXT)).to_have_count(0)
    page.emulate_media(media="print")
    expect(page.get_by_role("banner")).to_have_text("OFFICIAL-SENSITIVE")
    expect(page.get_by_role("contentinfo")).to_have_text("OFFICIAL-SENSITIVE")
    page.emulate_media(media="screen")
    page.get_by_role("link", name="Back to the request").click()

    page.get_by_role("button", name="Sign off the pack").click()
    heading(page, "Sign off the pack")
    page.get_by_role("button", name="Sign off").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Confirm that you have checked")
    assert_accessible(page)
    page.get_by_label("I have checked the pack").check()
    page.get_by_role("button", name="Sign off").click()
    heading(page, "Subject access request")
    assert SubjectAccessRequest.objects.get().is_signed_off
    page.goto("/subject-access/")
    heading(page, "Subject access requests")
    expect(page.get_by_text("There are no open subject access requests.")).to_be_visible()
