"""Seed the partnership's purposes (administrators edit them later) and refuse changes to
the information items of a finalised decision in the database itself."""

from typing import Any

from django.db import migrations

GUARDS = ("decision_items",)


def seed(apps: Any, schema_editor: Any) -> None:
    from safeshare.vocabulary.purposes import seed_purposes

    seed_purposes(apps.get_model("decisions", "Purpose"))


def install(apps: Any, schema_editor: Any) -> None:
    from safeshare.core import immutability

    immutability.install(schema_editor.connection, GUARDS)


def remove(apps: Any, schema_editor: Any) -> None:
    from safeshare.core import immutability

    immutability.remove(schema_editor.connection, GUARDS)


class Migration(migrations.Migration):
    dependencies = [("decisions", "0003_decision_record")]
    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
        migrations.RunPython(install, remove),
    ]
