"""A message given up on is shown to the sender's organisation administrator, masked, with
a count in the header; never to another organisation's administrator."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safeshare.accounts.models import Organisation, User
from safeshare.messaging.delivery import deliver_due
from safeshare.messaging.models import OutgoingMessage
from safeshare.messaging.outbox import send_code
from tests.factories import UserFactory
from tests.messaging.notify_stub import NotifyStub

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator(organisation: Organisation) -> User:
    return UserFactory.create(organisation=organisation, administrator=True)


def _give_up(organisation: Organisation, notify: NotifyStub) -> OutgoingMessage:
    notify.script = [400]
    user = UserFactory.create(organisation=organisation, email="jo.bloggs@example.org")
    from safeshare.core.notifications import notify_after_commit

    notify_after_commit(
        app="advice",
        kind="asked",
        subject="You have been asked for advice in safeshare",
        text="A colleague has asked for your advice.",
        users=[user],
        path="/advice/some-id/",
        organisation_id=organisation.pk,
    )
    deliver_due(now=timezone.now())
    return OutgoingMessage.objects.get()


def test_the_administrator_sees_it_masked_with_a_count(
    client: Client, administrator: User, organisation: Organisation, notify: NotifyStub
) -> None:
    _give_up(organisation, notify)
    client.force_login(administrator)
    page = client.get(reverse("messaging:failed")).content.decode()
    assert "j***@example.org" in page and "jo.bloggs" not in page
    assert "http_400" in page and "advice asked" in page
    home = client.get(reverse("site:home")).content.decode()
    assert "Messages not delivered (1)" in home


def test_another_organisations_administrator_sees_none_of_it(
    client: Client,
    organisation: Organisation,
    other_organisation: Organisation,
    notify: NotifyStub,
) -> None:
    _give_up(organisation, notify)
    client.force_login(UserFactory.create(organisation=other_organisation, administrator=True))
    page = client.get(reverse("messaging:failed")).content.decode()
    assert "example.org" not in page and "Every message has been delivered." in page
    assert "Messages not delivered" not in client.get(reverse("site:home")).content.decode()


def test_a_case_role_cannot_see_the_page(
    client: Client, practitioner: User, organisation: Organisation, notify: NotifyStub
) -> None:
    _give_up(organisation, notify)
    client.force_login(practitioner)
    assert client.get(reverse("messaging:failed")).status_code == 403
    assert "Messages not delivered" not in client.get(reverse("site:home")).content.decode()


def test_a_text_message_given_up_on_shows_the_last_digits_only(
    client: Client, administrator: User, organisation: Organisation, notify: NotifyStub
) -> None:
    notify.script = [400]
    send_code("07700900123", "482913", organisation_id=organisation.pk)
    deliver_due(now=timezone.now())
    client.force_login(administrator)
    page = client.get(reverse("messaging:failed")).content.decode()
    assert "********123" in page and "07700900123" not in page and "482913" not in page


def test_the_page_is_paginated(
    client: Client, administrator: User, organisation: Organisation, settings: Any
) -> None:
    now = timezone.now()
    OutgoingMessage.objects.bulk_create(
        [
            OutgoingMessage(
                organisation=organisation,
                channel="email",
                app="requests",
                kind="new",
                recipient=f"person{i}@example.org",
                status="failed_permanent",
                attempts=5,
                created_at=now,
                next_attempt_at=now,
                failed_at=now,
                last_error="http_500",
            )
            for i in range(60)
        ]
    )
    client.force_login(administrator)
    page = client.get(reverse("messaging:failed")).content.decode()
    assert page.count("@example.org") < 60
    assert "Next" in page
