"""Creating and revoking a personal API token in the browser, with axe on each page."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from playwright.sync_api import Page, expect

from safeshare.accounts.models import Organisation
from safeshare.api.actions import TOKEN_PATTERN
from safeshare.api.models import ApiToken
from tests.browser.conftest import assert_accessible
from tests.browser.helpers import riverside_school, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def school() -> Organisation:
    school = riverside_school()
    return school


def test_create_and_revoke_a_token(page: Page, school: Organisation) -> None:
    lily = school.people.get(given_names="Lily")
    sign_in(page)
    page.get_by_role("link", name="API tokens").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your API tokens")
    expect(page.get_by_text("You have no API tokens")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Create a token").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Create an API token")
    assert_accessible(page)
    expect(page.get_by_label("30 days")).to_be_checked()  # the default
    page.get_by_role("button", name="Create token").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a name for the token")
    assert_accessible(page)
    # The error summary links to the field.
    page.locator(".govuk-error-summary").get_by_role("link").click()
    expect(page.get_by_label("Name")).to_be_focused()
    page.keyboard.type("Case system export")
    page.get_by_label("7 days").check()
    page.get_by_role("button", name="Create token").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your new API token")
    expect(page.locator(".govuk-warning-text")).to_contain_text("you will not see it again")
    assert_accessible(page)
    token = page.locator("main code").first.inner_text().strip()
    assert TOKEN_PATTERN.fullmatch(token)
    row = ApiToken.objects.get()
    assert row.name == "Case system export" and token.startswith(f"ssk_{row.prefix}_")

    api = Client()
    headers = {"Authorization": f"Bearer {token}"}
    assert api.get(f"/api/v1/people/{lily.pk}", headers=headers).status_code == 200

    # Reloading does not show it again.
    page.reload()
    expect(page.get_by_text("A token is shown only once")).to_be_visible()
    assert token not in page.content()

    page.get_by_role("button", name="Go to your API tokens").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your API tokens")
    table = page.locator("table")
    expect(table).to_contain_text("Case system export")
    expect(table).to_contain_text(f"ssk_{row.prefix}")
    expect(table).to_contain_text("Active")
    assert_accessible(page)

    page.get_by_role("link", name="Revoke Case system export").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Are you sure you want to revoke token “Case system export”?"
    )
    assert_accessible(page)
    # Keyboard only: focus the button and press Enter.
    page.get_by_role("button", name="Revoke token").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/account/api-tokens/$"))
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Token “Case system export” revoked: it no longer works"
    )
    expect(page.locator("table")).to_contain_text("Revoked")
    expect(page.get_by_role("link", name="Revoke Case system export")).to_have_count(0)
    assert_accessible(page)
    assert api.get(f"/api/v1/people/{lily.pk}", headers=headers).status_code == 401
