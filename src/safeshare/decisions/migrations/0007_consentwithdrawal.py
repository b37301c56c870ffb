"""A record that consent given for a finalised decision was withdrawn: written once, and
the database refuses to change or delete it."""

import uuid
from typing import Any

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

GUARDS = ("consent_withdrawal",)


def install(apps: Any, schema_editor: Any) -> None:
    from safeshare.core import immutability

    immutability.install(schema_editor.connection, GUARDS)


def remove(apps: Any, schema_editor: Any) -> None:
    from safeshare.core import immutability

    immutability.remove(schema_editor.connection, GUARDS)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_user_session_epoch"),
        ("decisions", "0006_recipient_checks"),
        ("subjects", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ConsentWithdrawal",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("withdrawn_by_name", models.CharField(blank=True, max_length=200)),
                ("withdrawn_on", models.DateField()),
                (
                    "method",
                    models.CharField(
                        choices=[
                            ("in_person", "In person"),
                            ("phone", "Telephone"),
                            ("secure_email", "Secure email"),
                            ("letter", "Letter"),
                            ("in_system", "Through safeshare"),
                            ("meeting", "At a meeting"),
                        ],
                        max_length=16,
                    ),
                ),
                ("next_steps", models.TextField()),
                ("recorded_at", models.DateTimeField(auto_now_add=True)),
                (
                    "decision",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="consent_withdrawal",
                        to="decisions.decision",
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="accounts.organisation",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "withdrawn_by_person",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="subjects.person",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("withdrawn_by_person__isnull", False),
                            models.Q(("withdrawn_by_name", ""), _negated=True),
                            _connector="OR",
                        ),
                        name="consent_withdrawal_names_who",
                    )
                ],
            },
        ),
        migrations.RunPython(install, remove),
    ]
