"""A message that crosses organisations is the sender's: when it cannot be delivered, the
sender's organisation administrator is the one who sees it (issue 18: "a permanent failure
is shown to the sender's organisation administrator"), never the recipient's. The sender
is the organisation whose user acted (core/notifications.py requires it of every caller)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safeshare.accounts.models import Organisation
from safeshare.messaging.delivery import deliver_due
from safeshare.messaging.models import OutgoingMessage, Status
from safeshare.requests import actions as request_actions
from tests.factories import UserFactory
from tests.factories.disclosures import DisclosureFactory
from tests.factories.requests import InformationRequestFactory
from tests.messaging.notify_stub import NotifyStub

pytestmark = pytest.mark.django_db


def _queued(kind: str) -> OutgoingMessage:
    return OutgoingMessage.objects.get(kind=kind)


def test_a_disclosure_sent_to_another_organisation_is_the_senders_message() -> None:
    disclosure = DisclosureFactory.create(recipient__email="sw@csc.example")
    assert disclosure.recipient is not None
    assert disclosure.recipient.organisation_id != disclosure.organisation_id
    assert _queued("sent").organisation_id == disclosure.organisation_id


def test_revoking_it_is_the_senders_message_too() -> None:
    disclosure = DisclosureFactory.create(revoked=True, recipient__email="sw@csc.example")
    assert _queued("revoked").organisation_id == disclosure.organisation_id


def test_a_request_is_the_requesters_and_its_answer_the_answerers() -> None:
    request = InformationRequestFactory.create(
        to_organisation__name="Northshire Primary School", requested_by__email="pc@police.example"
    )
    assert request.from_organisation_id != request.to_organisation_id
    manager = UserFactory.create(
        organisation=request.to_organisation, manager=True, email="dsl@school.example"
    )
    OutgoingMessage.objects.all().delete()
    assert request.requested_by is not None
    request_actions.add_new_information(
        actor=request.requested_by, request=request, text="The child has moved school."
    )
    message = OutgoingMessage.objects.get(recipient=manager.email)
    assert message.organisation_id == request.from_organisation_id


def test_the_answer_to_a_request_is_the_answering_organisations() -> None:
    request = InformationRequestFactory.create(
        answered_in_system=True, requested_by__email="pc@police.example"
    )
    answered = _queued("response")
    assert request.requested_by is not None
    assert answered.recipient == request.requested_by.email
    assert answered.organisation_id == request.to_organisation_id


def test_a_failure_is_listed_for_the_senders_administrator_only(
    client: Client, settings: Any, notify: NotifyStub
) -> None:
    notify.script = [400]
    disclosure = DisclosureFactory.create(recipient__email="sw@csc.example")
    assert disclosure.recipient is not None
    deliver_due(now=timezone.now())
    assert _queued("sent").status == Status.FAILED
    sender: Organisation = disclosure.organisation
    recipient = disclosure.recipient.organisation
    assert recipient is not None
    ours = UserFactory.create(organisation=sender, administrator=True)
    theirs = UserFactory.create(organisation=recipient, administrator=True)
    client.force_login(ours)
    page = client.get(reverse("messaging:failed")).content.decode()
    assert "http_400" in page
    client.force_login(theirs)
    page = client.get(reverse("messaging:failed")).content.decode()
    assert "Every message has been delivered." in page and "http_400" not in page
