"""Consent withdrawn (keyboard only), the guidance policies pages, the page new decisions
meet when the active policy's file has changed, and changing a password; axe on each."""

from __future__ import annotations

import datetime
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from safeshare import guidance
from safeshare.accounts.models import Organisation, User
from safeshare.decisions.models import ConsentWithdrawal, Decision
from tests.browser.conftest import assert_accessible
from tests.browser.helpers import riverside_school, sign_in, sign_in_here
from tests.factories import (
    PASSWORD,
    UserFactory,
)
from tests.factories.decisions import DecisionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = datetime.date.today()
FIXTURE = Path(__file__).parents[1] / "guidance" / "fixtures" / "partnership"


@pytest.fixture
def school() -> Organisation:
    school = riverside_school()
    UserFactory.create(
        organisation=school,
        username="admin",
        first_name="Ade",
        last_name="Okafor",
        administrator=True,
    )
    return school


@pytest.fixture(autouse=True)
def fresh_policy_cache() -> Any:
    guidance.clear_caches()
    yield
    guidance.clear_caches()


def consented(school: Organisation) -> Decision:
    teacher = User.objects.get(username="teacher")
    return DecisionFactory.create(
        started_by=teacher,
        subject=school.people.get(given_names="Lily"),
        share_with_consent=True,
        finalised=True,
    )


def sign_in_as_administrator(page: Page) -> None:
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/sign-in/"))
    sign_in_here(page, "admin")
    expect(page.get_by_role("heading", level=1)).to_have_text("Administrator")


def test_consent_withdrawal_is_recorded_with_the_keyboard_only(
    page: Page, school: Organisation
) -> None:
    decision = consented(school)
    sign_in(page)
    page.goto(f"/decisions/{decision.pk}/")
    assert_accessible(page)
    page.get_by_role("button", name="Record that consent was withdrawn").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record that consent was withdrawn")
    expect(page.get_by_text("Consent can be withdrawn at any time")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select who withdrew consent")
    assert_accessible(page)
    # From here on, the keyboard only: the error summary's first link moves focus to the
    # first radio of "Who withdrew consent?".
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#id_withdrawn_by_0")).to_be_focused()
    page.keyboard.press("Space")
    expect(page.get_by_label("Kerry Morgan, mother, who gave consent")).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Name and relationship")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator("#id_withdrawn_on_0")).to_be_focused()
    page.keyboard.type(str(TODAY.day))
    page.keyboard.press("Tab")
    page.keyboard.type(str(TODAY.month))
    page.keyboard.press("Tab")
    page.keyboard.type(str(TODAY.year))
    page.keyboard.press("Tab")
    expect(page.locator("#id_method_0")).to_be_focused()
    page.keyboard.press("ArrowDown")  # "Telephone"
    expect(page.get_by_label("Telephone", exact=True)).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.get_by_label("What happens now")).to_be_focused()
    page.keyboard.type("Sharing stops. The early help team has been asked to delete the referral.")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Continue")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check your answers before recording that consent was withdrawn"
    )
    expect(page.locator(".govuk-summary-list")).to_contain_text("Kerry Morgan, mother")
    assert_accessible(page)
    page.get_by_role("button", name="Record consent withdrawn").focus()
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Consent withdrawal recorded")
    assert_accessible(page)
    assert ConsentWithdrawal.objects.get().method == "phone"

    page.get_by_role("link", name="Back to the decision").click()
    expect(page.locator(".app-consent-withdrawn .govuk-warning-text")).to_contain_text(
        f"Consent withdrawn on {TODAY.strftime('%-d %B %Y')}"
    )
    expect(page.get_by_role("button", name="Review this decision")).to_be_visible()
    assert_accessible(page)

    # A second attempt is refused, with the reason.
    page.goto(f"/decisions/{decision.pk}/consent-withdrawn/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Consent withdrawal is already recorded"
    )
    assert_accessible(page)

    page.goto(f"/decisions/{decision.pk}/print/")
    expect(page.get_by_text(f"Consent withdrawn on {TODAY.strftime('%-d %B %Y')}")).to_be_visible()
    assert_accessible(page)

    lily = school.people.get(given_names="Lily")
    page.goto(f"/people/{lily.pk}/")
    expect(page.locator(".govuk-table .govuk-tag", has_text="Consent withdrawn")).to_have_count(1)
    assert_accessible(page)

    # Reviewing starts the correction.
    page.goto(f"/decisions/{decision.pk}/")
    page.get_by_role("button", name="Review this decision").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Why does the earlier decision need correcting?"
    )


def test_administrators_choose_the_guidance_policy(
    page: Page, school: Organisation, settings: Any, tmp_path: Path
) -> None:
    shutil.copy(FIXTURE / "example-partnership.yaml", tmp_path / "example-partnership.yaml")
    settings.SAFESHARE_POLICY_DIRS = [tmp_path]
    sign_in_as_administrator(page)
    page.goto("/policies/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Guidance policies")
    expect(page.get_by_text("No policy has been activated here yet")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Activate example-partnership version 2").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Activate Example")
    assert_accessible(page)
    page.get_by_role("button", name="Activate this policy").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter why you are activating this policy"
    )
    assert_accessible(page)
    page.get_by_label("Why are you activating this policy?").fill(
        "The partnership adopted its own policy on 3 March 2026"
    )
    page.get_by_role("button", name="Activate this policy").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "is now the policy new decisions follow"
    )
    expect(page.locator(".govuk-tag", has_text="Active")).to_have_count(1)
    assert_accessible(page)

    # The file is edited after activation: administrators see it, practitioners cannot
    # start a decision on it.
    path = tmp_path / "example-partnership.yaml"
    path.write_text(path.read_text() + "\n# edited\n")
    page.goto("/policies/")
    expect(page.get_by_text("There is a problem with the active policy")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()
    sign_in(page)
    lily = school.people.get(given_names="Lily")
    page.goto(f"/people/{lily.pk}/")
    page.get_by_role("button", name="Record an information sharing decision").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "You cannot start a new decision at the moment"
    )
    assert_accessible(page)
    assert not Decision.objects.exists()


def test_a_password_is_changed_and_every_session_ends(page: Page, school: Organisation) -> None:
    sign_in(page)
    page.goto("/account/authenticator/")
    page.get_by_role("link", name="Change your password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change your password")
    assert_accessible(page)
    page.get_by_label("Current password").fill("not-my-password")
    page.get_by_label("New password", exact=True).fill("a-brand-new-passphrase-for-tests")
    page.get_by_label("Confirm new password").fill("a-brand-new-passphrase-for-tests")
    page.get_by_role("button", name="Change password").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Your current password is not correct"
    )
    assert_accessible(page)
    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_label("New password", exact=True).fill("a-brand-new-passphrase-for-tests")
    page.get_by_label("Confirm new password").fill("a-brand-new-passphrase-for-tests")
    page.get_by_role("button", name="Change password").click()
    expect(page).to_have_url(re.compile(r"/sign-in/"))
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Your password has been changed"
    )
    assert_accessible(page)
    teacher = User.objects.get(username="teacher")
    assert teacher.check_password("a-brand-new-passphrase-for-tests")
