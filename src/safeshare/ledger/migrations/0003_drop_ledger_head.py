"""The newest entry is the ledger's head now: drop the head row and its two guards.

Appends no longer read, lock and rewrite a head row: on PostgreSQL a transaction-level
advisory lock serialises them, and the size and right edge of the tree are read from the
newest entry and the stored nodes (docs/adr/0004-ledger-storage.md). Entries and nodes
are untouched, so existing ledgers verify as before; no column is added or backfilled.

Not reversible: code from before this migration would need the head row rebuilt.
"""

from typing import Any

from django.db import migrations

# The guards migration 0002 installed on the head (core.immutability no longer lists them).
_RETIRED = ("ledger_head_delete", "ledger_head_shrink")


def drop_head_guards(apps: Any, schema_editor: Any) -> None:
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for name in _RETIRED:
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"DROP TRIGGER IF EXISTS immutable_{name}_guard ON ledger_ledgerhead"
                )
                cursor.execute(f"DROP FUNCTION IF EXISTS immutable_{name}_guard()")
            else:
                for op in ("update", "delete", "insert"):
                    cursor.execute(f"DROP TRIGGER IF EXISTS immutable_{name}_{op}")


class Migration(migrations.Migration):
    dependencies = [("ledger", "0002_immutable_triggers")]
    operations = [
        migrations.RunPython(drop_head_guards),
        migrations.DeleteModel(name="LedgerHead"),
    ]
