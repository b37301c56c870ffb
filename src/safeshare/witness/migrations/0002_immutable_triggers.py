"""Refuse UPDATE and DELETE of witness refusals in the database itself."""

from typing import Any

from django.db import migrations

GUARDS = ("witness_refusal",)


def install(apps: Any, schema_editor: Any) -> None:
    from safeshare.core import immutability

    immutability.install(schema_editor.connection, GUARDS)


def remove(apps: Any, schema_editor: Any) -> None:
    from safeshare.core import immutability

    immutability.remove(schema_editor.connection, GUARDS)


class Migration(migrations.Migration):
    dependencies = [("witness", "0001_initial")]
    operations = [migrations.RunPython(install, remove)]
