"""Ledger fixtures: entries appended through the real action, and the guards in place."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection, transaction

from safeshare.accounts.models import User
from safeshare.core import immutability
from safeshare.ledger.actions import append_entry
from safeshare.ledger.models import Entry
from safeshare.subjects.models import Person
from tests.factories import PersonFactory

LEDGER_GUARDS = ("ledger_entry", "ledger_node", "ledger_checkpoint")


@pytest.fixture
def ledger_guards(db: None) -> None:
    """Browser tests remove every guard when they finish; put the ledger's back for this
    test (inside its transaction, so it is rolled back with it)."""
    immutability.install(connection, LEDGER_GUARDS)


@pytest.fixture
def append(practitioner: User) -> Callable[..., Entry]:
    """Append an entry about a new person record (or `obj`), as the action layer does."""

    def append(obj: Person | None = None, event_type: str = "subjects.person.added") -> Entry:
        if obj is None:
            obj = PersonFactory.create(organisation=practitioner.organisation)
        with transaction.atomic():
            return append_entry(
                event_type=event_type,
                actor=practitioner,
                organisation=practitioner.organisation,
                obj=obj,
                payload={"kind": "child"},
            )

    return append
