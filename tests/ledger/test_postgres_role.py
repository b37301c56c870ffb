"""docs/operations.md's PostgreSQL role: the SQL block there, run as written, leaves an
application role that appends but cannot update, delete or truncate ledger rows (nor any
other written-once table), even with the triggers gone, and cannot drop the triggers."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import DatabaseError, connection, transaction

from safeshare.core import immutability
from safeshare.disclosures.guards import GUARDS as DISCLOSURE_GUARDS
from safeshare.ledger.models import Entry

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("ledger_guards")]

OPERATIONS = Path(__file__).resolve().parents[2] / "docs" / "operations.md"


def _role_sql() -> str:
    text = OPERATIONS.read_text(encoding="utf-8")
    section = text[text.index("### PostgreSQL: a role that cannot change the ledger") :]
    match = re.search(r"```sql\n(.*?)```", section, re.S)
    assert match, "docs/operations.md has no SQL block for the application role"
    return match.group(1)


def _revoked_tables(sql: str) -> set[str]:
    tables: set[str] = set()
    for clause in re.findall(r"REVOKE UPDATE, DELETE, TRUNCATE ON (.*?) FROM", sql, re.S):
        tables.update(t.strip() for t in clause.replace("\n", " ").split(","))
    return tables


def _written_once_tables() -> set[str]:
    """Every table whose guard refuses all updates and deletes (old_condition 1 = 1)."""
    guards = [*immutability.GUARDS, *DISCLOSURE_GUARDS]
    return {g.table for g in guards if g.old_condition == "1 = 1"}


def test_the_role_cannot_change_written_once_rows(append: Callable[..., Entry]) -> None:
    sql = _role_sql()
    revoked = _revoked_tables(sql)
    # The block names every written-once table, and only tables that exist.
    assert _written_once_tables() <= revoked
    assert revoked <= set(connection.introspection.table_names())
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no roles: the triggers are its protection (test_triggers.py)")

    append()
    role = f"safeshare_app_{secrets.token_hex(4)}"  # roles are cluster-wide; tests run in parallel
    statements = [
        s.strip()
        for s in re.sub(r"--[^\n]*", "", sql)
        .replace("safeshare_app", role)
        .replace("PASSWORD '...'", f"PASSWORD '{secrets.token_urlsafe(16)}'")
        .replace("DATABASE safeshare", f'DATABASE "{connection.settings_dict["NAME"]}"')
        .split(";")
        if s.strip()
    ]
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
        # As an owner could: remove the triggers, so only the privileges stand in the way.
        immutability.remove(connection, ("ledger_entry",))
        cursor.execute(f'SET ROLE "{role}"')
        try:
            for refused in (
                "UPDATE ledger_entry SET event_type = 'subjects.person.removed'",
                "DELETE FROM ledger_entry",
                "TRUNCATE ledger_node",
                "DELETE FROM audit_accessrecord",
                "UPDATE disclosures_disclosure SET message = ''",
            ):
                with pytest.raises(DatabaseError, match="permission denied"), transaction.atomic():
                    cursor.execute(refused)
            with pytest.raises(DatabaseError, match="must be owner"), transaction.atomic():
                cursor.execute("DROP TRIGGER immutable_ledger_node_guard ON ledger_node")
            # The service's own work still runs as the role: another append.
            before = Entry.objects.count()
            append()
            assert Entry.objects.count() == before + 1
        finally:
            cursor.execute("RESET ROLE")
