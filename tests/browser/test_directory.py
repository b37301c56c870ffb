"""Issue 7 (directory and agreements) in Debian's Chromium: axe on every new page,
including the CSV check page with a bad file, and one form used with the keyboard only."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from safeshare.accounts.models import Organisation, Role, User
from safeshare.agreements import actions as agreement_actions
from safeshare.directory import actions as directory_actions
from safeshare.directory.models import ContactKind
from safeshare.vocabulary.models import Purpose
from tests.browser.conftest import assert_accessible
from tests.browser.helpers import sign_in, sign_in_here
from tests.factories import OrganisationFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def school() -> Organisation:
    school = OrganisationFactory.create(name="Riverside Primary School")
    # sign_in() signs in "teacher"; here that is the school's information governance lead.
    UserFactory.create(organisation=school, username="teacher", role=Role.IG_LEAD)
    UserFactory.create(organisation=school, username="admin", administrator=True)
    return school


@pytest.fixture
def police() -> Organisation:
    return OrganisationFactory.create(name="Northshire Police")


def visit(page: Page, url: str, heading: str | re.Pattern[str]) -> None:
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert_accessible(page)


def test_directory_pages_are_accessible(
    page: Page, school: Organisation, police: Organisation
) -> None:
    ig = User.objects.get(username="teacher")
    contact = directory_actions.add_contact_point(
        actor=ig,
        organisation=school,
        kind=ContactKind.SECURE_EMAIL,
        value="dsl@riverside.example.org",
    )
    person = directory_actions.add_practitioner(
        actor=ig, organisation=school, name="Peter Walsh", job_title="DSL", phone="01632960001"
    )
    sign_in(page)
    visit(page, "/directory/", "Directory")
    page.get_by_role("link", name="Riverside Primary School").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Riverside Primary School")
    assert_accessible(page)
    visit(
        page,
        f"/directory/organisations/{school.pk}/edit/",
        "Change Riverside Primary School’s details",
    )
    visit(page, f"/directory/contacts/{contact.pk}/edit/", "Change a contact point")
    visit(page, f"/directory/contacts/{contact.pk}/verify/", "Record a check")
    page.get_by_role("button", name="Record the check").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Confirm that you have checked")
    assert_accessible(page)
    visit(page, f"/directory/practitioners/{person.pk}/edit/", "Change a practitioner’s details")
    visit(page, f"/directory/practitioners/{person.pk}/verify/", "Record a check")
    visit(page, f"/directory/organisations/{school.pk}/practitioners/new/", "Add a practitioner")
    page.get_by_role("button", name="Add practitioner").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the practitioner’s full name"
    )
    assert_accessible(page)
    # Another agency's page: readable, with no change links.
    visit(page, f"/directory/organisations/{police.pk}/", "Northshire Police")
    expect(page.get_by_role("link", name="Add a contact point")).to_have_count(0)


def test_a_contact_point_can_be_added_with_the_keyboard_only(
    page: Page, school: Organisation
) -> None:
    sign_in(page)
    visit(page, f"/directory/organisations/{school.pk}/contacts/new/", "Add a contact point")
    page.get_by_role("button", name="Add contact point").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Select what kind of contact point it is"
    )
    assert_accessible(page)
    # The error summary takes focus; its link moves focus to the first radio.
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#id_kind_0")).to_be_focused()
    page.keyboard.press("ArrowDown")  # selects "Phone number"
    expect(page.get_by_label("Phone number", exact=True)).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Secure email address or phone number")).to_be_focused()
    page.keyboard.type("01632 960 001")
    page.keyboard.press("Tab")
    page.keyboard.type("Office")
    page.keyboard.press("Tab")  # the user select
    page.keyboard.press("Tab")  # "I have checked..."
    page.keyboard.press("Space")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Riverside Primary School")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Contact point added")
    expect(page.get_by_text("01632 960 001")).to_be_visible()
    expect(page.locator(".govuk-tag", has_text="Verified")).to_have_count(1)
    assert_accessible(page)


def test_agreement_pages_are_accessible(
    page: Page, school: Organisation, police: Organisation
) -> None:
    ig = User.objects.get(username="teacher")
    purpose, _ = Purpose.objects.get_or_create(name="Early help assessment")
    today = datetime.date.today()
    agreement = agreement_actions.add_agreement(
        actor=ig,
        owner=school,
        title="Riverside and police agreement",
        parties=[police],
        purposes=[purpose],
        categories=["education"],
        lawful_bases=["art6-e-public-task"],
        start_on=today - datetime.timedelta(days=300),
        review_on=today + datetime.timedelta(days=10),
        document_url="https://documents.example.org/isa-1",
    )
    sign_in(page)
    visit(page, "/agreements/", "Information sharing agreements")
    expect(page.locator(".govuk-tag", has_text="Due for review")).to_have_count(1)
    visit(page, f"/agreements/{agreement.pk}/", "Riverside and police agreement")
    visit(page, f"/agreements/{agreement.pk}/edit/", "Change an information sharing agreement")
    visit(page, "/agreements/new/", "Add an information sharing agreement")
    page.get_by_role("button", name="Save agreement").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the title of the agreement")
    assert_accessible(page)


def test_the_csv_check_page_lists_bad_rows_accessibly(
    page: Page, school: Organisation, tmp_path: Path
) -> None:
    page.goto("/")
    sign_in_here(page, "admin")
    visit(page, "/directory/", "Directory")
    page.get_by_role("link", name="Import a CSV file").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Import the directory from a CSV file"
    )
    assert_accessible(page)
    bad = tmp_path / "directory.csv"
    bad.write_bytes(
        b"record_type,organisation,contact_kind,contact_value,label,name,job_title,email,phone,verified_on\r\n"
        b"contact_point,Nowhere Academy,secure_email,a@example.org,,,,,,\r\n"
        b"contact_point,Riverside Primary School,phone,=1+1,,,,,,\r\n"
    )
    page.get_by_label("Upload a CSV file").set_input_files(str(bad))
    page.get_by_role("button", name="Check file").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("2 problems")
    expect(page.locator("#problems")).to_contain_text("Row 2:")
    expect(page.locator("#problems")).to_contain_text("formula")
    assert_accessible(page)
