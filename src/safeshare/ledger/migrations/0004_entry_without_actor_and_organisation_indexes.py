"""Drop the indexes on ledger_entry.actor_id and ledger_entry.organisation_id.

No query finds entries by actor or organisation (an entry is found by its uuid, or by the
object it records), and each index is one more page that every append's commit writes
(docs/performance.md). The foreign keys themselves stay.

Only the indexes are dropped, with DROP INDEX: Django's own AlterField would remake the
table on SQLite (copy, drop, rename), and the append-only triggers on ledger_entry
(core.immutability, migration 0002) would go with the old table.
"""

from typing import Any

from django.conf import settings
from django.db import migrations, models

_COLUMNS = ("actor_id", "organisation_id")


def _plain_indexes(schema_editor: Any) -> list[str]:
    """Names of the non-unique single-column indexes on the two columns."""
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "ledger_entry")
    return sorted(
        name
        for name, info in constraints.items()
        if info["index"]
        and not info["unique"]
        and not info["primary_key"]
        and info["columns"] in ([c] for c in _COLUMNS)
    )


def drop_indexes(apps: Any, schema_editor: Any) -> None:
    for name in _plain_indexes(schema_editor):
        schema_editor.execute(f"DROP INDEX {schema_editor.quote_name(name)}")


def create_indexes(apps: Any, schema_editor: Any) -> None:
    entry = apps.get_model("ledger", "Entry")
    for column in _COLUMNS:
        field = entry._meta.get_field(column.removesuffix("_id"))
        schema_editor.execute(schema_editor._create_index_sql(entry, fields=[field]))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_user_session_epoch"),
        ("ledger", "0003_drop_ledger_head"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(drop_indexes, create_indexes)],
            state_operations=[
                migrations.AlterField(
                    model_name="entry",
                    name="actor",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="entry",
                    name="organisation",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=models.deletion.PROTECT,
                        related_name="+",
                        to="accounts.organisation",
                    ),
                ),
            ],
        )
    ]
