"""A recipient outside safeshare in Debian's Chromium: the school sends to a verified
directory contact with no account and phones the code; the contact opens the link in a
fresh browser context, enters the code, acknowledges and downloads the PDF; the school
sees opened and acknowledged, and revokes; the contact is then refused. Then 5 wrong
codes lock a second link. axe on every new page."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from safeshare.decisions.models import Decision
from safeshare.directory.models import ContactKind, ContactPoint
from safeshare.outside.models import OutsideLink
from tests.browser.conftest import assert_accessible
from tests.browser.helpers import sign_in
from tests.factories import OrganisationFactory, PersonFactory, UserFactory
from tests.factories.decisions import DecisionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def decision() -> Decision:
    school = OrganisationFactory.create(name="Riverside Primary School")
    housing = OrganisationFactory.create(name="Northshire Housing", kind="other")
    teacher = UserFactory.create(
        organisation=school, username="teacher", first_name="Amira", last_name="Khan"
    )
    ContactPoint.objects.create(
        organisation=housing,
        kind=ContactKind.SECURE_EMAIL,
        value="safeguarding@housing.example",
        label="Housing safeguarding team",
        verified_on=datetime.date(2026, 11, 1),
    )
    lily = PersonFactory.create(organisation=school, given_names="Lily", family_name="Morgan")
    return DecisionFactory.create(started_by=teacher, subject=lily, share=True, finalised=True)


def _send(page: Page, decision: Decision) -> str:
    page.goto(f"/outside/send/{decision.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Send to a contact outside safeshare")
    assert_accessible(page)
    page.get_by_label(re.compile("Housing safeguarding team")).check()
    page.get_by_label(re.compile(r"^Item 1: ")).check()
    page.get_by_role("button", name="Send securely").click()
    expect(page.locator(".govuk-panel__title")).to_have_text("Sent securely")
    assert_accessible(page)
    code = page.locator("#one-time-code").inner_text().strip()
    assert re.fullmatch(r"\d{6}", code)
    return code


def test_send_phone_open_acknowledge_download_revoke(
    page: Page, browser: Browser, live_server: Any, decision: Decision
) -> None:
    sign_in(page, "teacher")
    code = _send(page, decision)
    page.get_by_role("button", name="I phoned the code to Housing safeguarding team").click()
    expect(page.locator("#outside-status")).to_contain_text("Phoned by")

    # The token is only in the email; the test takes the path from the queued message.
    from safeshare.messaging.models import OutgoingMessage

    path = OutgoingMessage.objects.get(app="outside", kind="link").path
    outside = browser.new_context(base_url=live_server.url)
    outside.set_default_timeout(10_000)
    recipient = outside.new_page()
    recipient.goto(path)
    expect(recipient.get_by_role("heading", level=1)).to_have_text("Enter your code")
    assert_accessible(recipient)
    recipient.get_by_label("Enter your 6-digit code").fill(code)
    recipient.get_by_role("button", name="Continue").click()
    expect(recipient.get_by_role("heading", level=1)).to_have_text("Information about Lily Morgan")
    assert_accessible(recipient)
    recipient.get_by_role("button", name="Acknowledge receipt").click()
    expect(recipient.locator("#acknowledged")).to_be_visible()
    assert_accessible(recipient)
    with recipient.expect_download() as download:
        recipient.get_by_role("link", name="Download as a PDF").click()
    assert download.value.suggested_filename.endswith(".pdf")

    link = OutsideLink.objects.get()
    page.goto(f"/disclosures/{link.disclosure_id}/sent/")
    expect(page.locator("#outside-status")).not_to_contain_text("Not yet")
    page.get_by_role("link", name="Revoke it").click()
    page.get_by_label("Why are you revoking it?").fill("Sent to the wrong team")
    page.get_by_role("button", name=re.compile("Revoke")).click()

    recipient.goto(path)
    expect(recipient.get_by_role("heading", level=1)).to_have_text(
        "This information has been withdrawn"
    )
    assert_accessible(recipient)
    expect(recipient.get_by_text("Lily")).to_have_count(0)
    outside.close()


def test_five_wrong_codes_lock_the_link(
    page: Page, browser: Browser, live_server: Any, decision: Decision
) -> None:
    sign_in(page, "teacher")
    code = _send(page, decision)
    from safeshare.messaging.models import OutgoingMessage

    path = OutgoingMessage.objects.get(app="outside", kind="link").path
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    outside = browser.new_context(base_url=live_server.url)
    recipient = outside.new_page()
    recipient.goto(path)
    for _ in range(4):
        recipient.get_by_label("Enter your 6-digit code").fill(wrong)
        recipient.get_by_role("button", name="Continue").click()
        expect(recipient.locator(".govuk-error-summary")).to_contain_text("The code is not right")
    assert_accessible(recipient)
    recipient.get_by_label("Enter your 6-digit code").fill(wrong)
    recipient.get_by_role("button", name="Continue").click()
    expect(recipient.get_by_role("heading", level=1)).to_have_text("This link is locked")
    assert_accessible(recipient)
    outside.close()
