"""Access records carry the organisation holding the person's record (issue 14), so the
access report reads "reads of our people by anyone" from an index of its own instead of
joining every record to its person. Existing records are filled in, organisation by
organisation, with the append-only guard lifted for that one statement each."""

from typing import Any

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from safeshare.core.immutability import suspended_for_migration


def fill_in(apps: Any, schema_editor: Any) -> None:
    AccessRecord = apps.get_model("audit", "AccessRecord")
    Person = apps.get_model("subjects", "Person")
    organisations = Person.objects.values_list("organisation_id", flat=True).distinct()
    for organisation_id in list(organisations):
        AccessRecord.objects.filter(
            person_organisation__isnull=True,
            person__in=Person.objects.filter(organisation_id=organisation_id),
        ).update(person_organisation_id=organisation_id)


lift, put_back = suspended_for_migration("access_record")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_user_session_epoch"),
        ("audit", "0002_immutable_triggers"),
        ("subjects", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        lift,
        migrations.AddField(
            model_name="accessrecord",
            name="person_organisation",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.organisation",
            ),
        ),
        migrations.RunPython(fill_in, migrations.RunPython.noop),
        put_back,
        # Each list's index ends in the id, the keyset's tie-break, so no page sorts.
        *(
            migrations.RemoveIndex(model_name="accessrecord", name=name)
            for name in (
                "audit_acces_person__470a53_idx",
                "audit_acces_organis_1ec30c_idx",
                "audit_acces_user_id_97dae6_idx",
            )
        ),
        *(
            migrations.AddIndex(
                model_name="accessrecord",
                index=models.Index(fields=[column, "-at", "-id"], name=name),
            )
            for column, name in (
                ("person", "access_of_person"),
                ("organisation", "access_by_organisation"),
                ("user", "access_by_user"),
                ("person_organisation", "access_of_our_people"),
            )
        ),
    ]
