"""Single sign-on in the browser (issue 18): a user of an organisation set up for single
sign-on signs in through a locally started OpenID Connect provider (oidc-provider-mock on
127.0.0.1), whose own form stands in for the organisation's sign-in. axe on safeshare's
new pages (not on the provider's)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from safeshare.accounts.models import Organisation
from tests.browser.conftest import assert_accessible
from tests.factories import OrganisationFactory, UserFactory
from tests.signin.oidc_provider import Provider, running_provider

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def provider(monkeypatch: pytest.MonkeyPatch) -> Iterator[Provider]:
    with running_provider(monkeypatch) as running:
        yield running


@pytest.fixture(autouse=True)
def provider_pages_stay_off_the_network(page: Page) -> None:
    """The mock's own pages link a stylesheet on a CDN: answered here, never fetched."""
    page.route(
        "https://cdn.jsdelivr.net/**",
        lambda route: route.fulfill(status=200, content_type="text/css", body=""),
    )


@pytest.fixture
def council(provider: Provider) -> Organisation:
    return provider.configure(
        OrganisationFactory.create(name="Northshire Council"), sso_trust_mfa=True, sso_only=True
    )


def test_a_user_signs_in_through_their_organisation_s_provider(
    page: Page, provider: Provider, council: Organisation
) -> None:
    UserFactory.create(organisation=council, email="sam@northshire.example")
    provider.set_user("sub-sam", email="sam@northshire.example", email_verified=True, amr=["mfa"])
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/sign-in/"))
    assert_accessible(page)
    page.get_by_role("button", name="Sign in with Northshire Council").click()
    page.get_by_placeholder("sub").fill("sub-sam")
    page.get_by_role("button", name="Authorize").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Information sharing decisions")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You have signed out")
    assert_accessible(page)
    expect(
        page.get_by_role("button", name="Sign out of your organisation's account too")
    ).to_be_visible()


def test_an_unknown_user_is_told_their_account_is_not_set_up(
    page: Page, provider: Provider, council: Organisation
) -> None:
    provider.set_user("sub-new", email="new@northshire.example", email_verified=True)
    page.goto("/sign-in/")
    page.get_by_role("button", name="Sign in with Northshire Council").click()
    page.get_by_placeholder("sub").fill("sub-new")
    page.get_by_role("button", name="Authorize").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Your account is not set up in safeshare"
    )
    assert_accessible(page)
