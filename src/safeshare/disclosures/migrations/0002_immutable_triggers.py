"""Refuse UPDATE and DELETE of sent disclosures, their items, receipts and revocations in
the database itself, and links to items beyond those sent (disclosures/guards.py)."""

from typing import Any

from django.db import migrations

GUARDS = ("disclosure", "disclosed_item", "disclosure_receipt", "disclosure_revocation")


def install(apps: Any, schema_editor: Any) -> None:
    from safeshare.core import immutability
    from safeshare.disclosures.guards import register

    register()
    immutability.install(schema_editor.connection, GUARDS)


def remove(apps: Any, schema_editor: Any) -> None:
    from safeshare.core import immutability
    from safeshare.disclosures.guards import register

    register()
    immutability.remove(schema_editor.connection, GUARDS)


class Migration(migrations.Migration):
    dependencies = [("disclosures", "0001_initial")]
    operations = [migrations.RunPython(install, remove)]
