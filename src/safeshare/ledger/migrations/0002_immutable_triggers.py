"""Refuse UPDATE and DELETE of ledger rows in the database itself (the head may grow)."""

from typing import Any

from django.db import migrations

GUARDS = (
    "ledger_entry",
    "ledger_node",
    "ledger_checkpoint",
    "ledger_head_delete",
    "ledger_head_shrink",
)


def install(apps: Any, schema_editor: Any) -> None:
    from safeshare.core import immutability

    immutability.install(schema_editor.connection, GUARDS)


def remove(apps: Any, schema_editor: Any) -> None:
    from safeshare.core import immutability

    immutability.remove(schema_editor.connection, GUARDS)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]
    operations = [migrations.RunPython(install, remove)]
