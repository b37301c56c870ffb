"""Messages not delivered, in the browser: the administrator follows the header's count to
the list, which shows the address masked. axe on the page."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from safeshare.messaging.models import OutgoingMessage
from tests.browser.conftest import assert_accessible
from tests.browser.helpers import riverside_school, sign_in_here
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_administrator_sees_the_messages_not_delivered(page: Page) -> None:
    school = riverside_school()
    UserFactory.create(organisation=school, username="admin", administrator=True)
    now = timezone.now()
    OutgoingMessage.objects.create(
        organisation=school,
        channel="email",
        app="requests",
        kind="new",
        recipient="jo.bloggs@example.org",
        subject="A request for information has come in",
        path="/requests/some-id/",
        status="failed_permanent",
        attempts=5,
        created_at=now,
        next_attempt_at=now,
        failed_at=now,
        last_error="http_500",
    )
    page.goto("/")
    sign_in_here(page, "admin")
    assert_accessible(page)
    page.get_by_role("link", name="Messages not delivered (1)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Messages that could not be delivered"
    )
    expect(page.locator("tbody")).to_contain_text("j***@example.org")
    assert "jo.bloggs" not in page.content()
    assert_accessible(page)
