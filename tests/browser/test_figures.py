"""axe on the figures pages, the auditor's way in from their home page, the filters'
errors, and a table's CSV downloaded."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from safeshare.accounts.models import Organisation, User
from tests.browser.conftest import assert_accessible
from tests.browser.helpers import riverside_school, sign_in, sign_in_here
from tests.factories import OrganisationFactory, UserFactory
from tests.factories.decisions import DecisionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def school() -> Organisation:
    school = riverside_school()
    teacher = User.objects.get(username="teacher")
    lily = school.people.get(given_names="Lily")
    for _ in range(6):
        DecisionFactory.create(started_by=teacher, subject=lily, share=True, finalised=True)
    DecisionFactory.create(started_by=teacher, subject=lily, do_not_share=True, finalised=True)
    OrganisationFactory.create(name="Northshire Police")
    UserFactory.create(organisation=school, username="auditor", auditor=True)
    UserFactory.create(organisation=school, username="ig", ig_lead=True)
    return school


def test_the_auditor_reaches_the_figures_and_filters_them(page: Page, school: Organisation) -> None:
    page.goto("/")
    sign_in_here(page, "auditor")
    expect(page.get_by_role("heading", level=1)).to_have_text("Partnership auditor")
    assert_accessible(page)
    link = page.get_by_role("link", name="See the partnership's figures")
    link.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Partnership figures")
    expect(page.get_by_role("table", name="Decisions by outcome")).to_contain_text("fewer than 5")
    assert page.locator("svg.figures-chart[aria-hidden='true']").count() == 10
    assert_accessible(page)

    page.get_by_role("group", name="From").get_by_label("Day").fill("1")
    page.get_by_role("group", name="From").get_by_label("Month").fill("6")
    page.get_by_role("group", name="From").get_by_label("Year").fill("2026")
    page.get_by_role("group", name="To").get_by_label("Day").fill("1")
    page.get_by_role("group", name="To").get_by_label("Month").fill("5")
    page.get_by_role("group", name="To").get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Show figures").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "The ‘To’ date must be the same as or after the ‘From’ date"
    )
    assert_accessible(page)

    for part in ["Day", "Month", "Year"]:
        page.get_by_role("group", name="From").get_by_label(part).fill("")
        page.get_by_role("group", name="To").get_by_label(part).fill("")
    page.get_by_label("Agency").select_option(label="Northshire Police")
    page.get_by_role("button", name="Show figures").click()
    expect(page).to_have_url(re.compile(r"agency="))
    expect(page.get_by_role("table", name="Decisions by agency")).to_contain_text(
        "Northshire Police"
    )
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role(
            "link", name=re.compile(r"Download this table as CSV\W+Decisions by outcome")
        ).click()
    assert download.value.suggested_filename.startswith("safeshare-figures-outcome-")


def test_an_ig_lead_sees_their_organisations_figures(page: Page, school: Organisation) -> None:
    sign_in(page, "ig")
    page.get_by_role("link", name="See your organisation's figures").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your organisation's figures")
    # 6 shares and one refusal: the refusal is fewer than 5, so the shares are withheld.
    outcomes = page.get_by_role("table", name="Decisions by outcome")
    expect(outcomes).to_contain_text("withheld")
    expect(outcomes.get_by_role("row", name="Total")).to_contain_text("7")
    expect(page.get_by_label("Agency", exact=True)).to_have_count(0)
    assert_accessible(page)
