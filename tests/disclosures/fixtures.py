"""Disclosure fixtures: a finalised sharing decision of the school's, a social worker in
another organisation to send it to, and disclosures sent through the real action.

A plugin of the root conftest (`pytest_plugins`), not a conftest of its own, because the
API's tests (tests/api/test_disclosures.py) use them too."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from safeshare.accounts.models import Organisation, OrganisationKind, User
from safeshare.core import immutability
from safeshare.decisions.models import Decision
from safeshare.disclosures import actions
from safeshare.disclosures.guards import NAMES
from safeshare.disclosures.models import Disclosure
from safeshare.subjects.models import IdentifierKind, Person
from tests.factories import IdentifierFactory, OrganisationFactory, UserFactory
from tests.factories.decisions import DecisionFactory


@pytest.fixture
def guards(db: None) -> None:
    """Browser tests remove every guard when they finish; put these back for this test
    (inside its transaction, so it is rolled back with it)."""
    immutability.install(connection, NAMES)


@pytest.fixture
def recipient_organisation(db: None) -> Organisation:
    return OrganisationFactory.create(
        name="Northshire Children's Social Care", kind=OrganisationKind.CHILDRENS_SOCIAL_CARE
    )


@pytest.fixture
def recipient(recipient_organisation: Organisation) -> User:
    """The decision's recorded recipient: Tom Barker, social worker."""
    return UserFactory.create(
        organisation=recipient_organisation,
        username="social.worker",
        first_name="Tom",
        last_name="Barker",
        job_title="Social worker",
        email="tom.barker@csc.example",
    )


@pytest.fixture
def decision(practitioner: User, person: Person) -> Decision:
    """A finalised "share" decision about Lily, with one information item."""
    person.date_of_birth = datetime.date(2016, 5, 4)
    person.save()
    IdentifierFactory.create(person=person, kind=IdentifierKind.NHS_NUMBER, value="9990000026")
    return DecisionFactory.create(
        started_by=practitioner, subject=person, share=True, finalised=True
    )


@pytest.fixture
def send(practitioner: User, decision: Decision, recipient: User) -> Callable[..., Disclosure]:
    def send(**overrides: Any) -> Disclosure:
        values: dict[str, Any] = {
            "actor": practitioner,
            "decision": decision,
            "recipient": recipient,
            "items": list(decision.items.all()),
            "message": "For the strategy discussion tomorrow.",
            "expires_on": timezone.localdate() + datetime.timedelta(days=30),
        }
        values.update(overrides)
        return actions.send_disclosure(**values)

    return send


@pytest.fixture
def disclosure(send: Callable[..., Disclosure]) -> Disclosure:
    return send()


@pytest.fixture
def advance_clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[int], None]:
    """Move "now" on by some days for the rest of the test: a sent disclosure cannot be
    changed, so expiry is tested by changing the time it is read at. Sign a client in
    after moving the clock, so the session is not older than it."""
    real_now = timezone.now

    def advance(days: int) -> None:
        monkeypatch.setattr(timezone, "now", lambda: real_now() + datetime.timedelta(days=days))

    return advance
