"""Steps shared by browser journeys."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible
from tests.factories import PASSWORD


def sign_in(page: Page, username: str = "teacher") -> None:
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/sign-in/"))
    assert_accessible(page)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your username")
    assert_accessible(page)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Information sharing decisions")


def answer(page: Page, heading: str, *choices: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert_accessible(page)
    for choice in choices:
        page.get_by_label(choice, exact=True).check()
    page.get_by_role("button", name="Continue").click()
