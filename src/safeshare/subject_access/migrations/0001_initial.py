"""Subject access requests, their extensions and redactions: the database refuses to
change or delete an extension or a redaction (core/immutability.py)."""

import uuid
from typing import Any

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

GUARDS = ("subject_access_extension", "subject_access_redaction")


def install(apps: Any, schema_editor: Any) -> None:
    from safeshare.core import immutability

    immutability.install(schema_editor.connection, GUARDS)


def remove(apps: Any, schema_editor: Any) -> None:
    from safeshare.core import immutability

    immutability.remove(schema_editor.connection, GUARDS)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("accounts", "0003_organisation_public_authority"),
        ("decisions", "0011_purpose_to_vocabulary"),
        ("subjects", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="SubjectAccessRequest",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("requester_name", models.CharField(max_length=200)),
                ("requester_relationship", models.CharField(max_length=200)),
                ("identity_check", models.TextField()),
                ("received_on", models.DateField()),
                ("due_on", models.DateField()),
                ("extended_months", models.PositiveSmallIntegerField(default=0)),
                ("logged_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("signed_off_at", models.DateTimeField(blank=True, null=True)),
                (
                    "logged_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
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
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="subjects.person",
                    ),
                ),
                (
                    "signed_off_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["due_on", "id"],
            },
        ),
        migrations.CreateModel(
            name="Redaction",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("reason", models.TextField()),
                ("at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "item",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="decisions.informationitem",
                    ),
                ),
                (
                    "request",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="redactions",
                        to="subject_access.subjectaccessrequest",
                    ),
                ),
            ],
            options={
                "ordering": ["at", "id"],
            },
        ),
        migrations.CreateModel(
            name="Extension",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("months", models.PositiveSmallIntegerField()),
                ("reason", models.TextField()),
                ("at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "request",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="extensions",
                        to="subject_access.subjectaccessrequest",
                    ),
                ),
            ],
            options={
                "ordering": ["at", "id"],
            },
        ),
        migrations.AddIndex(
            model_name="subjectaccessrequest",
            index=models.Index(
                condition=models.Q(("signed_off_at__isnull", True)),
                fields=["organisation", "due_on", "id"],
                name="subject_access_open_due",
            ),
        ),
        migrations.AddIndex(
            model_name="subjectaccessrequest",
            index=models.Index(fields=["person", "-received_on"], name="subject_access_of_person"),
        ),
        migrations.AddConstraint(
            model_name="subjectaccessrequest",
            constraint=models.CheckConstraint(
                condition=models.Q(("extended_months__lte", 2)), name="subject_access_extension_max"
            ),
        ),
        migrations.AddConstraint(
            model_name="redaction",
            constraint=models.UniqueConstraint(
                fields=("request", "item"), name="redaction_once_per_item"
            ),
        ),
        migrations.RunPython(install, remove),
    ]
