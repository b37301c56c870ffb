"""Ledger witnesses, in the browser: the administrator reaches the header's "Witness
refusals (1)" link from the keyboard, follows it to the page, which warns of the refusal.
axe on the page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible
from tests.browser.helpers import riverside_school, sign_in_here
from tests.factories import UserFactory
from tests.factories.witnesses import WitnessFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_administrator_sees_a_witness_refusal(page: Page) -> None:
    school = riverside_school()
    UserFactory.create(organisation=school, username="admin", administrator=True)
    WitnessFactory.create(name="armored-witness.example.org", cosigned=True, failed=True)
    WitnessFactory.create(name="new-witness.example.org")
    page.goto("/")
    sign_in_here(page, "admin")
    link = page.get_by_role("link", name="Witness refusals (1)")
    for _ in range(60):
        page.keyboard.press("Tab")
        if link.evaluate("element => element === document.activeElement"):
            break
    else:
        pytest.fail("the Witness refusals link cannot be reached with the keyboard")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ledger witnesses")
    expect(page.locator(".govuk-warning-text")).to_contain_text(
        "armored-witness.example.org refused checkpoint 8"
    )
    expect(page.get_by_role("table").first).to_contain_text("Not cosigned yet")
    expect(page.get_by_role("table").nth(1)).to_contain_text("HTTP 409")
    assert_accessible(page)
