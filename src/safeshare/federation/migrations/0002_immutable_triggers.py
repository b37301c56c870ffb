"""Refuse UPDATE and DELETE of federation evidence in the database itself."""

from typing import Any

from django.db import migrations

GUARDS = (
    "federation_message",
    "federation_inboundrequest",
    "federation_sentdisclosure",
    "federation_sentevent",
    "federation_receiveddisclosure",
    "federation_receivedevent",
)


def install(apps: Any, schema_editor: Any) -> None:
    from safeshare.core import immutability

    immutability.install(schema_editor.connection, GUARDS)


def remove(apps: Any, schema_editor: Any) -> None:
    from safeshare.core import immutability

    immutability.remove(schema_editor.connection, GUARDS)


class Migration(migrations.Migration):
    dependencies = [("federation", "0001_initial")]
    operations = [migrations.RunPython(install, remove)]
