"""Sending the same request twice (a double click, the back button and "Send" again, a
second tab, two at the same moment) creates one request, one ledger entry and one
notification; once it is closed, the same request can be sent again. Two at the same
moment: tests/test_double_submit.py."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from safeshare.accounts.models import Organisation, User
from safeshare.ledger.models import Entry
from safeshare.requests import actions
from safeshare.requests.models import InformationRequest
from tests.factories import UserFactory
from tests.requests.test_requests import details

pytestmark = pytest.mark.django_db


@pytest.fixture
def asker(other_organisation: Organisation) -> User:
    return UserFactory.create(organisation=other_organisation, username="asker")


def test_the_same_request_twice_is_one_request(
    asker: User, organisation: Organisation, django_capture_on_commit_callbacks: Any
) -> None:
    UserFactory.create(organisation=organisation, manager=True, email="dsl@school.example")
    with django_capture_on_commit_callbacks(execute=True):
        first = actions.raise_request(actor=asker, to_organisation=organisation, details=details())
        again = actions.raise_request(actor=asker, to_organisation=organisation, details=details())
    assert again.pk == first.pk and again.repeated and not first.repeated
    assert InformationRequest.objects.count() == 1
    assert Entry.objects.filter(event_type="requests.request.received").count() == 1
    assert len(mail.outbox) == 1


def test_a_different_request_or_asker_is_a_new_request(
    asker: User, organisation: Organisation, other_organisation: Organisation
) -> None:
    actions.raise_request(actor=asker, to_organisation=organisation, details=details())
    actions.raise_request(actor=asker, to_organisation=organisation, details=details("urgent"))
    colleague = UserFactory.create(organisation=other_organisation)
    actions.raise_request(actor=colleague, to_organisation=organisation, details=details())
    assert InformationRequest.objects.count() == 3


def test_once_withdrawn_the_same_request_can_be_sent_again(
    asker: User, organisation: Organisation
) -> None:
    first = actions.raise_request(actor=asker, to_organisation=organisation, details=details())
    actions.withdraw_request(actor=asker, request=first)
    again = actions.raise_request(actor=asker, to_organisation=organisation, details=details())
    assert again.pk != first.pk and not again.repeated


def test_the_same_outside_request_logged_twice_is_one_request(practitioner: User) -> None:
    external = {
        "external_requester_name": "Sam Ortiz",
        "external_requester_role": "Family support worker",
        "external_requester_organisation": "Northshire Family Hub",
        "external_requester_contact": "01632 960 123",
        "external_received_by": "phone",
        "external_identity_check": "Called back on the hub's switchboard",
    }
    first = actions.log_external_request(actor=practitioner, details=details(), external=external)
    again = actions.log_external_request(actor=practitioner, details=details(), external=external)
    assert again.pk == first.pk and again.repeated
    assert InformationRequest.objects.count() == 1
