"""Steps shared by browser journeys."""

from __future__ import annotations

import re
import time

from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from safeshare.accounts.models import Organisation, User
from tests.browser.conftest import assert_accessible
from tests.factories import (
    PASSWORD,
    OrganisationFactory,
    PersonFactory,
    TOTPDeviceFactory,
    UserFactory,
    totp_code,
)

CODE_QUESTION = "Enter the 6-digit code from your authenticator app"


def riverside_school() -> Organisation:
    """The school most journeys start from: its teacher Amira Khan (whom `sign_in` signs
    in) and a child, Lily Morgan. Fixtures add what their pages need."""
    school = OrganisationFactory.create(name="Riverside Primary School")
    UserFactory.create(
        organisation=school, username="teacher", first_name="Amira", last_name="Khan"
    )
    PersonFactory.create(organisation=school, given_names="Lily", family_name="Morgan")
    return school


def sign_in(page: Page, username: str = "teacher", *, axe: bool = True) -> None:
    """Sign in through the real pages. `axe=False` for a tab with JavaScript off, where
    axe-core cannot run (those pages are checked with JavaScript on elsewhere)."""
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/sign-in/"))
    if axe:
        assert_accessible(page)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your username")
    if axe:
        assert_accessible(page)
    sign_in_here(page, username, axe=axe)
    expect(page.get_by_role("heading", level=1)).to_have_text("Information sharing decisions")


def sign_in_here(page: Page, username: str, *, axe: bool = True) -> None:
    """Sign in on the sign-in page the browser is on (its password, then the code) and
    stay where it leads: a role's own home page, or the page that asked for sign-in."""
    # The user has a confirmed authenticator, as every real account has.
    device = TOTPDeviceFactory.confirmed_for(User.objects.get(username=username))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    enter_code(page, device, axe=axe)


def enter_code(page: Page, device: TOTPDevice, *, axe: bool = True) -> None:
    """The second sign-in page: the code the authenticator app would show now."""
    expect(page.get_by_role("heading", level=1)).to_have_text(CODE_QUESTION)
    if axe:
        assert_accessible(page)
    # A code is accepted once: signing the same person in again within the same 30 seconds
    # needs the next code, which django-otp's one-step tolerance accepts.
    device.refresh_from_db()
    current = int(time.time() - device.t0) // device.step + device.drift
    offset = max(0, device.last_t + 1 - current)
    page.get_by_label(CODE_QUESTION).fill(totp_code(device, offset_steps=offset))
    page.get_by_role("button", name="Continue").click()


def answer(page: Page, heading: str, *choices: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert_accessible(page)
    for choice in choices:
        page.get_by_label(choice, exact=True).check()
    page.get_by_role("button", name="Continue").click()


def fill_request(page: Page) -> None:
    """The police officer's section 47 request to the school, on the "Ask another
    organisation" page."""
    page.get_by_label("Which organisation are you asking?").select_option(
        label="Riverside Primary School"
    )
    page.get_by_label("Who is the request about?").fill("Lily Morgan, born 4 May 2016")
    page.get_by_label("Section 47 enquiry (child protection)").check()
    page.get_by_label("Describe the purpose").fill("Section 47 enquiry")
    page.get_by_label("What information do you need?").fill("Attendance and concerns this term")
    page.get_by_label("Why do you need it?").fill("Strategy discussion")
    page.get_by_label("Standard").check()
    page.get_by_label("Children Act 1989 section 47 (enquiry into significant harm)").check()
