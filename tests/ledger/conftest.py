"""Ledger fixtures: entries appended through the real action, and the guards in place."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import CommandError, call_command
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


def tamper(*statements: str, params: list[Any] | None = None) -> None:
    """Drop the guards (as a database owner could) and run raw SQL."""
    immutability.remove(connection, LEDGER_GUARDS)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql, params)


def verify_failure(*args: str) -> str:
    """What `safeshare ledger verify` says when it fails (it must, with exit code 1)."""
    with pytest.raises(CommandError) as caught:
        call_command("ledger", "verify", *args)
    assert caught.value.returncode == 1
    return str(caught.value)
