"""Sign-in with a second factor, lockout, the idle warning and the IG lead's pages, in
Debian's Chromium with axe on every new page."""

from __future__ import annotations

import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from safeshare.accounts.models import Organisation
from safeshare.audit.models import AccessRecord
from safeshare.subjects.models import Person
from tests.browser.conftest import assert_accessible
from tests.browser.helpers import CODE_QUESTION, enter_code, sign_in
from tests.factories import (
    PASSWORD,
    OrganisationFactory,
    PersonFactory,
    TOTPDeviceFactory,
    UserFactory,
    totp_code,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def school() -> Organisation:
    school = OrganisationFactory.create(name="Riverside Primary School")
    UserFactory.create(organisation=school, username="teacher", first_name="Amira")
    UserFactory.create(organisation=school, username="grace", ig_lead=True, first_name="Grace")
    UserFactory.create(organisation=school, username="ruth", auditor=True, first_name="Ruth")
    PersonFactory.create(organisation=school, given_names="Lily", family_name="Morgan")
    return school


def _password(page: Page, username: str, password: str = PASSWORD) -> None:
    page.goto("/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_a_new_user_sets_up_an_authenticator_and_gets_recovery_codes(
    page: Page, school: Organisation
) -> None:
    _password(page, "teacher")
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up your authenticator app")
    expect(
        page.get_by_role("img", name="QR code to scan with your authenticator app")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_text("I cannot scan the QR code").click()
    expect(page.locator("#secret-key")).to_be_visible()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(CODE_QUESTION)
    assert_accessible(page)
    device = TOTPDevice.objects.get(user__username="teacher", confirmed=False)
    page.get_by_label(CODE_QUESTION).fill(totp_code(device))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    expect(page.locator(".app-recovery-codes li")).to_have_count(10)
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Information sharing decisions")


def test_the_code_page_works_with_the_keyboard_alone(page: Page, school: Organisation) -> None:
    device = TOTPDeviceFactory.create(user=school.users.get(username="teacher"))
    _password(page, "teacher")
    expect(page.get_by_role("heading", level=1)).to_have_text(CODE_QUESTION)
    assert_accessible(page)
    page.keyboard.press("Tab")  # the skip link first
    page.get_by_label(CODE_QUESTION).focus()
    page.keyboard.type(totp_code(device))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Information sharing decisions")


def test_repeated_failures_show_the_lockout_page(page: Page, school: Organisation) -> None:
    for _ in range(5):
        _password(page, "teacher", "wrong-password")
    expect(page.get_by_role("heading", level=1)).to_have_text("You cannot sign in at the moment")
    expect(page.locator("#main-content")).to_contain_text("You can try again after")
    assert_accessible(page)


def test_the_idle_warning_offers_to_stay_signed_in(page: Page, school: Organisation) -> None:
    page.clock.install()
    sign_in(page)
    page.clock.fast_forward("25:01")
    dialog = page.get_by_role("dialog", name="You will be signed out soon")
    expect(dialog).to_be_visible()
    assert_accessible(page)
    with page.expect_response(re.compile(r"/account/keep-alive/$")) as pinged:
        dialog.get_by_role("button", name="Stay signed in").click()
    assert pinged.value.status == 204
    expect(dialog).to_be_hidden()


def test_the_ig_lead_sees_who_viewed_a_record_and_the_access_report(
    page: Page, school: Organisation
) -> None:
    lily = Person.objects.get(given_names="Lily")
    sign_in(page, "grace")
    page.goto(f"/people/{lily.pk}/")
    page.get_by_role("link", name="Who has viewed this record").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Who has viewed this record")
    expect(page.locator("table")).to_contain_text("subjects.person.show")
    assert_accessible(page)
    page.get_by_role("link", name="Access report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Access report")
    assert_accessible(page)
    page.get_by_role("group", name="From").get_by_label("Day").fill("31")
    page.get_by_role("group", name="From").get_by_label("Month").fill("2")
    page.get_by_role("group", name="From").get_by_label("Year").fill("2024")
    page.get_by_role("button", name="Filter the report").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("From must be a real date")
    assert_accessible(page)
    assert "Lily" not in page.url
    assert AccessRecord.objects.filter(person=lily).exists()


def test_the_auditor_home_page_names_no_one(page: Page, school: Organisation) -> None:
    device = TOTPDeviceFactory.create(user=school.users.get(username="ruth"))
    _password(page, "ruth")
    enter_code(page, device)
    expect(page.get_by_role("heading", level=1)).to_have_text("Partnership auditor")
    assert "Lily" not in page.content()
    assert_accessible(page)
