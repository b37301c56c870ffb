"""Secure disclosure in Debian's Chromium: the school sends information from a decision to
the social worker, who opens and acknowledges it; the school sees the receipts and
revokes it; the social worker is left with "no longer available". axe on every page, and
the main controls used from the keyboard."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from safeshare.decisions.models import Decision
from safeshare.disclosures.models import Disclosure
from tests.browser.conftest import assert_accessible
from tests.browser.helpers import sign_in
from tests.factories import OrganisationFactory, PersonFactory, UserFactory
from tests.factories.decisions import DecisionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def decision() -> Decision:
    school = OrganisationFactory.create(name="Riverside Primary School")
    csc = OrganisationFactory.create(
        name="Northshire Children's Social Care", kind="childrens_social_care"
    )
    teacher = UserFactory.create(
        organisation=school,
        username="teacher",
        first_name="Amira",
        last_name="Khan",
        job_title="Class teacher",
    )
    UserFactory.create(
        organisation=csc,
        username="sw",
        first_name="Tom",
        last_name="Barker",
        job_title="Social worker",
    )
    lily = PersonFactory.create(organisation=school, given_names="Lily", family_name="Morgan")
    return DecisionFactory.create(started_by=teacher, subject=lily, share=True, finalised=True)


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You have signed out")


def press(page: Page, role: str, name: str, key: str = "Enter") -> None:
    """Use a control from the keyboard: focus it, then press the key."""
    control = page.get_by_role(role, name=name, exact=True)  # type: ignore[arg-type]
    control.focus()
    expect(control).to_be_focused()
    page.keyboard.press(key)


def test_send_open_acknowledge_revoke(page: Page, decision: Decision) -> None:
    # The school's practitioner sends it from the decision page.
    sign_in(page, "teacher")
    page.goto(f"/decisions/{decision.pk}/")
    expect(page.get_by_role("heading", name="Disclosures through safeshare")).to_be_visible()
    assert_accessible(page)
    press(page, "button", "Send securely through safeshare")

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Which organisation are you sending it to?"
    )
    assert_accessible(page)
    # Prefilled from the decision's recorded recipient.
    expect(page.get_by_label("Which organisation are you sending it to?")).to_have_value(
        re.compile(r"[0-9a-f-]{36}")
    )
    press(page, "button", "Continue")

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Send securely to Northshire Children's Social Care"
    )
    assert_accessible(page)
    expect(page.get_by_label("Tom Barker, Social worker")).to_be_checked()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Select at least one piece of information to send"
    )
    assert_accessible(page)
    # The error summary's link takes the keyboard to the first checkbox; Space ticks it.
    page.locator(".govuk-error-summary a").first.click()
    first_item = page.get_by_label(re.compile(r"^Item 1: fact, current"))
    expect(first_item).to_be_focused()
    page.keyboard.press("Space")
    expect(first_item).to_be_checked()
    page.get_by_label("Message to the recipient (optional)").fill(
        "For the strategy discussion tomorrow."
    )
    press(page, "button", "Continue")

    expect(page.get_by_role("heading", level=1)).to_have_text("Check before you send")
    assert_accessible(page)
    assert Disclosure.objects.count() == 0  # nothing written before "Send securely"
    press(page, "button", "Send securely")

    expect(page.locator(".govuk-panel__title")).to_have_text("Sent securely")
    assert_accessible(page)
    disclosure = Disclosure.objects.get()
    expect(page.locator(".govuk-panel__body")).to_contain_text(disclosure.reference)
    sign_out(page)

    # The social worker sees it in the header, opens and acknowledges it.
    sign_in(page, "sw")
    link = page.get_by_role("link", name="Shared with you (1 new)")
    expect(link).to_be_visible()
    link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Shared with you")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(disclosure.reference)).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Information about Lily Morgan")
    expect(page.get_by_text("Lily arrived at school with a bruise")).to_be_visible()
    expect(page.get_by_text("For the strategy discussion tomorrow.")).to_be_visible()
    assert_accessible(page)
    press(page, "button", "Acknowledge receipt")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        f"You have acknowledged receiving {disclosure.reference}"
    )
    expect(page.get_by_text("You acknowledged receiving it on")).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    # The school sees the read receipt and acknowledgement, and revokes it.
    sign_in(page, "teacher")
    page.goto(f"/decisions/{decision.pk}/#disclosures")
    card = page.locator(".govuk-summary-card", has_text="To Tom Barker")
    expect(card.locator(".govuk-tag")).to_have_text("Acknowledged")
    expect(card).not_to_contain_text("Not yet")
    assert_accessible(page)
    press(page, "link", "Revoke the disclosure to Tom Barker")
    expect(page.get_by_role("heading", level=1)).to_have_text("Why are you revoking it?")
    assert_accessible(page)
    press(page, "button", "Revoke disclosure")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter why you are revoking the disclosure"
    )
    assert_accessible(page)
    page.get_by_label("Why are you revoking it?").fill("Sent before the strategy meeting agreed it")
    press(page, "button", "Revoke disclosure")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        f"Disclosure {disclosure.reference} revoked"
    )
    expect(card.locator(".govuk-tag")).to_have_text("Revoked")
    assert_accessible(page)
    sign_out(page)

    # The social worker is left with a line and no content.
    sign_in(page, "sw")
    page.get_by_role("link", name="Shared with you").click()
    expect(page.get_by_text(re.compile(r"Revoked on .* — no longer available"))).to_be_visible()
    expect(page.get_by_role("link", name=re.compile(disclosure.reference))).to_have_count(0)
    assert_accessible(page)
    response = page.goto(f"/disclosures/{disclosure.pk}/")
    assert response is not None and response.status == 404
    expect(page.get_by_text("Lily")).to_have_count(0)
    assert_accessible(page)
