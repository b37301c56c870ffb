"""Which guidance policy new decisions follow, as administrators activate it: append-only,
the database refuses to change or delete an activation."""

from typing import Any

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

GUARDS = ("policy_activation",)


def install(apps: Any, schema_editor: Any) -> None:
    from safeshare.core import immutability

    immutability.install(schema_editor.connection, GUARDS)


def remove(apps: Any, schema_editor: Any) -> None:
    from safeshare.core import immutability

    immutability.remove(schema_editor.connection, GUARDS)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="PolicyActivation",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("policy_id", models.CharField(max_length=100)),
                ("version", models.CharField(max_length=50)),
                ("sha256", models.CharField(max_length=64)),
                ("title", models.CharField(max_length=300)),
                ("reason", models.TextField()),
                ("activated_at", models.DateTimeField(auto_now_add=True)),
                (
                    "activated_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-activated_at", "-id"],
                "get_latest_by": ["activated_at", "id"],
            },
        ),
        migrations.RunPython(install, remove),
    ]
