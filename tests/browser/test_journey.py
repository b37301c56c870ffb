"""The foundation journey in Debian's Chromium through a real server, with axe on every page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from safeshare.accounts.models import Organisation
from safeshare.decisions.models import Decision
from tests.browser.conftest import assert_accessible
from tests.browser.helpers import answer, riverside_school, sign_in
from tests.factories import (
    IdentifierFactory,
    OrganisationFactory,
    PersonFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def school() -> Organisation:
    school = riverside_school()
    lily = school.people.get(given_names="Lily")
    IdentifierFactory.create(person=lily, value="9434765919")
    police = OrganisationFactory.create(name="Northshire Police")
    PersonFactory.create(organisation=police, given_names="Lily", family_name="Hidden")
    return school


def test_a_practitioner_records_a_decision_and_sees_it_in_the_history(
    page: Page, school: Organisation
) -> None:
    sign_in(page)
    assert_accessible(page)
    page.get_by_role("button", name="Find a person").click()
    assert_accessible(page)
    page.get_by_label("Name, NHS number or other identifier").fill("Lily")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="1 person found")).to_be_visible()
    assert "Hidden" not in page.content()
    assert "Lily" not in page.url
    assert_accessible(page)
    page.get_by_role("link", name="Lily Morgan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lily Morgan")
    assert_accessible(page)
    page.get_by_role("button", name="Record an information sharing decision").click()

    # Nothing typed is lost on an error; the error summary links to the field.
    page.get_by_label("Describe the purpose").fill("A caller asked for Lily's attendance record")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select the purpose of sharing")
    expect(page.get_by_label("Describe the purpose")).to_have_value(
        "A caller asked for Lily's attendance record"
    )
    assert_accessible(page)
    page.get_by_label("Sharing on my own initiative").check()
    page.get_by_label("Other", exact=True).check()
    page.get_by_label("Standard").check()
    page.get_by_role("button", name="Save and continue").click()

    answer(page, "Is a child at immediate risk of significant harm?", "No")
    answer(page, "Is there a clear and legitimate purpose for sharing the information?", "No")
    expect(page.locator("#outcome")).to_have_text("Outcome: Do not share")
    expect(page.locator("#main-content")).to_contain_text("Why")
    assert_accessible(page)
    page.get_by_role("button", name="Continue to the rest of the record").click()
    assert_accessible(page)
    page.get_by_role("link", name="Reasons for not sharing").click()
    page.get_by_label("Why are you not sharing?").fill(
        "No purpose was given for wanting the record."
    )
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("button", name="Check your answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check your answers before recording the decision"
    )
    assert_accessible(page)
    page.get_by_role("button", name="Record decision").click()

    expect(page.locator(".govuk-panel__title")).to_have_text("Do not share")
    assert_accessible(page)
    page.get_by_role("link", name="Lily Morgan").first.click()
    first_row = page.locator("table.govuk-table tbody tr").first
    expect(first_row).to_contain_text("Do not share")
    expect(first_row).to_contain_text("Not shared: No purpose was given")
    expect(first_row).to_contain_text("Amira Khan")
    decision = Decision.objects.get()
    assert decision.outcome == "do_not_share"

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You have signed out")
    assert_accessible(page)
    page.goto("/decisions/")
    expect(page).to_have_url(re.compile(r"/sign-in/\?next=/decisions/"))


def test_the_questions_work_with_the_keyboard_alone(page: Page, school: Organisation) -> None:
    sign_in(page)
    lily = school.people.get(given_names="Lily")
    page.goto(f"/people/{lily.pk}/")
    page.get_by_role("button", name="Record an information sharing decision").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="The request or reason for sharing")).to_be_visible()
    # Radios: Tab reaches a group, Space selects, arrows move within it.
    page.get_by_label("Responding to a request for information").focus()
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label("Sharing on my own initiative")).to_be_checked()
    page.get_by_label("Section 47 enquiry (child protection)").focus()
    page.keyboard.press("Space")
    page.get_by_label("Describe the purpose").focus()
    page.keyboard.type("Early help assessment")
    page.get_by_label("Immediate: a child may be at risk of harm now").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Save and continue").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Is a child at immediate risk of significant harm?"
    )
    # From the back link, Tab reaches the first radio.
    page.locator(".govuk-back-link").focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    expect(page.get_by_label("Yes", exact=True)).to_be_checked()
    page.keyboard.press("Tab")  # past the radios to the details summary
    page.keyboard.press("Tab")  # to the Continue button
    page.keyboard.press("Enter")
    expect(page.locator("#outcome")).to_have_text("Outcome: Share urgently")


def test_a_page_of_another_organisation_is_not_found(page: Page, school: Organisation) -> None:
    hidden = PersonFactory.create(
        organisation=OrganisationFactory.create(name="Northshire Police"), given_names="Kept"
    )
    sign_in(page)
    response = page.goto(f"/people/{hidden.pk}/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    assert_accessible(page)
