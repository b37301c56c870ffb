"""Sign-off in the browser: a practitioner records a share without consent, which the
shipped policy holds for a manager's sign-off; the manager finds it in their queue, tries
to return it without reasons, then signs it off; the record shows who signed it off. An
urgent share appears in the manager's review list until reviewed. axe on every page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from safeshare.accounts.models import Organisation, Role, User
from safeshare.subjects.models import Person
from tests.browser.conftest import assert_accessible
from tests.browser.helpers import riverside_school, sign_in
from tests.factories import UserFactory
from tests.factories.decisions import DecisionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def school() -> Organisation:
    school = riverside_school()
    UserFactory.create(
        organisation=school,
        username="dsl",
        first_name="Dana",
        last_name="Lead",
        role=Role.MANAGER,
        job_title="Designated safeguarding lead",
    )
    return school


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You have signed out")


def test_a_share_without_consent_waits_for_sign_off_and_is_approved(
    page: Page, school: Organisation
) -> None:
    teacher = User.objects.get(username="teacher")
    lily = Person.objects.get(given_names="Lily")
    # The draft, complete (its pages are each tested in their own journeys).
    draft = DecisionFactory.create(started_by=teacher, subject=lily, share_without_consent=True)
    sign_in(page)
    page.goto(f"/decisions/{draft.pk}/check/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check your answers before recording the decision"
    )
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "This decision is waiting for sign-off"
    )
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Decision sent for sign-off")
    expect(page.locator("#main-content")).to_contain_text("Sharing without consent is signed off")
    assert_accessible(page)
    # Its draft pages now show the record instead.
    page.goto(f"/decisions/{draft.pk}/tasks/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "This decision is waiting for sign-off"
    )
    sign_out(page)

    sign_in(page, "dsl")
    page.get_by_role("link", name="Sign-off (1)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Decisions waiting for sign-off")
    expect(page.locator("tbody")).to_contain_text("Amira Khan")
    expect(page.locator("tbody")).to_contain_text("Share without consent")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("^Sign off")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign off a decision")
    expect(page.locator("#main-content")).to_contain_text("Why sign-off is needed")
    expect(page.locator("#main-content")).to_contain_text("sign_off.before_final[0]")
    assert_accessible(page)
    page.get_by_role("button", name="Return it to the practitioner").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter why you are returning the decision"
    )
    assert_accessible(page)
    page.get_by_role("button", name="Sign off this decision").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Decision signed off")
    main = page.locator("#main-content")
    expect(main).to_contain_text(
        re.compile(r"Signed off by Dana Lead, Designated safeguarding lead, on \d+ \w+ \d{4}")
    )
    assert_accessible(page)
    expect(page.get_by_role("link", name="Sign-off", exact=True)).to_be_visible()
    sign_out(page)

    # The practitioner's record shows it too.
    sign_in(page)
    page.goto(f"/decisions/{draft.pk}/")
    expect(page.locator("#main-content")).to_contain_text("Signed off by Dana Lead")


def test_an_urgent_share_is_in_the_review_list_until_reviewed(
    page: Page, school: Organisation
) -> None:
    teacher = User.objects.get(username="teacher")
    lily = Person.objects.get(given_names="Lily")
    urgent = DecisionFactory.create(
        started_by=teacher, subject=lily, share_urgently=True, finalised=True
    )
    sign_in(page, "dsl")
    page.goto("/decisions/reviews/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Decisions to review after the event")
    expect(page.locator("tbody")).to_contain_text("Share urgently")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("^Review")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review a decision after the event")
    assert_accessible(page)
    page.get_by_role("button", name="Record the review").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter your review of the decision"
    )
    assert_accessible(page)
    page.get_by_label("Your review").fill("Right to share at once; police informed.")
    page.get_by_role("button", name="Record the review").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Review recorded")
    expect(page.locator("#main-content")).to_contain_text("Reviewed by Dana Lead")
    page.goto("/decisions/reviews/")
    expect(page.locator("#main-content")).to_contain_text("No decisions are waiting for a review")
    assert urgent.pk
