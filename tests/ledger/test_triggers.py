"""The database itself refuses to change or remove ledger rows, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import DatabaseError, connection, transaction

from safeshare.ledger.actions import sign_checkpoint
from safeshare.ledger.models import Entry

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("ledger_guards")]


def _refused(sql: str) -> str:
    with pytest.raises(DatabaseError) as caught, transaction.atomic(), connection.cursor() as c:
        c.execute(sql)
    return str(caught.value)


@pytest.fixture
def ledger(append: Callable[..., Entry]) -> None:
    for _ in range(4):
        append()
    sign_checkpoint()


@pytest.mark.usefixtures("ledger")
@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("UPDATE ledger_entry SET event_type = 'subjects.person.removed'", "append-only"),
        ("DELETE FROM ledger_entry WHERE sequence = 3", "append-only"),
        ("UPDATE ledger_node SET level = 9", "append-only"),
        ("DELETE FROM ledger_node", "append-only"),
        ("UPDATE ledger_signedcheckpoint SET note = 'x'", "append-only"),
        ("DELETE FROM ledger_signedcheckpoint", "append-only"),
    ],
)
def test_the_database_refuses_changes_to_ledger_rows(sql: str, message: str) -> None:
    assert message in _refused(sql)


def test_the_model_refuses_to_save_an_entry_itself(append: Callable[..., Entry]) -> None:
    entry = append()
    with pytest.raises(TypeError, match="append_entry"):
        entry.save()


def test_migration_0004_dropped_only_the_actor_and_organisation_indexes() -> None:
    """Migration 0004 drops two indexes with DROP INDEX rather than remaking the table,
    which on SQLite would drop the append-only triggers with it (the parametrised test
    above shows they survive); the uuid and object indexes that queries use remain."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "ledger_entry")
    indexed = sorted(
        tuple(info["columns"]) for info in constraints.values() if info["index"] or info["unique"]
    )
    assert ("actor_id",) not in indexed
    assert ("organisation_id",) not in indexed
    assert ("uuid",) in indexed
    assert ("object_type", "object_id", "sequence") in indexed
