"""Disclosures between partnerships' deployments (issue 19) in Debian's Chromium. The other
deployment is the pinned test peer of tests/factories/federation.py: its messages are
signed with its key and taken by the inbox's logic; nothing listens at its URL, so what
this side sends stays queued. A recipient here opens what the peer sent with the keyboard
and acknowledges it; a revoked one is gone. A sender answers the peer's request: send,
check, send, then revokes. axe on every page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from safeshare.accounts.models import User
from safeshare.federation import keys
from safeshare.federation.models import EventKind, ReceivedEvent, SentDisclosure
from safeshare.subjects.models import Person
from tests.browser.conftest import assert_accessible
from tests.browser.helpers import riverside_school, sign_in
from tests.factories import OrganisationFactory, UserFactory
from tests.factories.decisions import DecisionFactory
from tests.factories.federation import (
    REMOTE_ITEM,
    InboundRequestFactory,
    ReceivedDisclosureFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def federation_key(settings: Any) -> None:
    settings.SAFESHARE_FEDERATION_KEY = keys.generate()


def _heading(page: Page, text: str | re.Pattern[str]) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(text)
    assert_accessible(page)


def test_a_recipient_opens_with_the_keyboard_and_acknowledges(page: Page) -> None:
    worker = UserFactory.create(
        organisation=OrganisationFactory.create(name="Northshire Early Help"),
        username="worker",
        first_name="Priya",
        last_name="Shah",
    )
    received = ReceivedDisclosureFactory.create(recipient=worker)
    revoked = ReceivedDisclosureFactory.create(recipient=worker, revoked=True)
    sign_in(page, "worker")

    page.goto("/federation/received/")
    _heading(page, "Shared with you from other partnerships")
    expect(page.get_by_role("link", name=re.compile(revoked.reference))).to_have_count(0)
    link = page.get_by_role("link", name=re.compile(received.reference))
    link.focus()
    expect(link).to_be_focused()
    page.keyboard.press("Enter")
    _heading(page, "Information about Poppy Hartley")
    expect(page.get_by_text(REMOTE_ITEM)).to_be_visible()
    button = page.get_by_role("button", name="Acknowledge receipt")
    button.focus()
    expect(button).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Receipt acknowledged.")).to_be_visible()
    expect(page.get_by_text(re.compile("You acknowledged receiving it on"))).to_be_visible()
    assert_accessible(page)
    kinds = set(ReceivedEvent.objects.filter(disclosure=received).values_list("kind", flat=True))
    assert kinds == {EventKind.OPENED, EventKind.ACKNOWLEDGED}

    gone = page.goto(f"/federation/received/{revoked.pk}/")
    assert gone is not None and gone.status == 410
    _heading(page, "This information is no longer available")
    expect(page.get_by_text(REMOTE_ITEM)).to_have_count(0)


def test_a_sender_answers_another_partnership_and_revokes(page: Page) -> None:
    school = riverside_school()
    teacher = User.objects.get(username="teacher")
    lily = Person.objects.get(organisation=school, given_names="Lily")
    inbound = InboundRequestFactory.create(to=school)
    decision = DecisionFactory.create(
        started_by=teacher, subject=lily, request=inbound.request, share=True, finalised=True
    )
    sign_in(page, "teacher")

    page.goto(f"/requests/{inbound.request.pk}/")
    page.get_by_role("link", name=re.compile("^Send the information from the decision")).click()
    _heading(page, "Send securely to Tom Barker")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Select at least one piece of information to send"
    )
    assert_accessible(page)
    page.get_by_label(re.compile(r"^Item 1: ")).check()
    page.get_by_label("Message to the recipient (optional)").fill("For your assessment.")
    page.get_by_role("button", name="Continue").click()
    _heading(page, "Check before you send")
    page.get_by_role("button", name="Send securely").click()
    _heading(page, re.compile("^Sent to Tom Barker"))
    sent = SentDisclosure.objects.get(decision=decision)
    expect(page.get_by_text(f"Sent, signed, to Tom Barker ({sent.reference}).")).to_be_visible()

    page.get_by_role("link", name="Revoke disclosure").click()
    _heading(page, "Why are you revoking it?")
    page.get_by_role("button", name="Revoke disclosure").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter why you are revoking the disclosure"
    )
    assert_accessible(page)
    page.get_by_label("Why are you revoking it?").fill("Sent before the assessment was agreed")
    page.get_by_role("button", name="Revoke disclosure").click()
    _heading(page, re.compile("^Sent to Tom Barker"))
    expect(page.get_by_text(re.compile("^Revoked by Amira Khan"))).to_be_visible()
    expect(page.get_by_role("link", name="Revoke disclosure")).to_have_count(0)
