"""axe on the pages the journeys do not pass through: the decisions list, the advice and
amendment pages of a record, logging a request from outside, and the public pages."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from safeshare.accounts.models import Organisation, User
from safeshare.decisions import actions
from tests.browser.conftest import assert_accessible
from tests.browser.helpers import riverside_school, sign_in
from tests.factories.decisions import DecisionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def school() -> Organisation:
    school = riverside_school()
    return school


def test_the_remaining_pages_are_accessible(page: Page, school: Organisation) -> None:
    for path, heading in [
        ("/about/", "About safeshare"),
        ("/accessibility/", "Accessibility statement"),
    ]:
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        assert_accessible(page)
    # The about page's lists of citations, opened, with the unverified ones tagged.
    page.goto("/about/")
    for summary in page.locator(".govuk-details__summary").all():
        summary.click()
    expect(page.get_by_text("Not yet checked against the source").first).to_be_visible()
    assert_accessible(page)

    teacher = User.objects.get(username="teacher")
    lily = school.people.get(given_names="Lily")
    advice_draft = DecisionFactory.create(started_by=teacher, subject=lily, seek_advice=True)
    recorded = DecisionFactory.create(
        started_by=teacher, subject=lily, share_with_consent=True, finalised=True
    )
    amendment = actions.amend_decision(actor=teacher, decision=recorded)
    sign_in(page)

    page.goto("/decisions/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Decisions")
    assert_accessible(page)

    page.goto(f"/decisions/{advice_draft.pk}/advice/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Advice")
    assert_accessible(page)

    page.goto(f"/decisions/{amendment.pk}/amendment/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Why does the earlier decision need correcting?"
    )
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter why the earlier decision is being corrected"
    )
    assert_accessible(page)

    page.goto("/requests/log/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Log a request from outside safeshare"
    )
    page.get_by_role("button", name="Log request").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the requester's name")
    assert_accessible(page)
