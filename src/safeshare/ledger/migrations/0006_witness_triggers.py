"""Refuse UPDATE and DELETE of cosignatures and witness refusals in the database itself."""

from typing import Any

from django.db import migrations

GUARDS = ("ledger_cosignature", "ledger_witnessfailure")


def install(apps: Any, schema_editor: Any) -> None:
    from safeshare.core import immutability

    immutability.install(schema_editor.connection, GUARDS)


def remove(apps: Any, schema_editor: Any) -> None:
    from safeshare.core import immutability

    immutability.remove(schema_editor.connection, GUARDS)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0005_witnesses")]
    operations = [migrations.RunPython(install, remove)]
