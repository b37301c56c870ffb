"""Whether an organisation is a public authority (issue 15): UK GDPR Article 6(1) points (ea)
and (f) are not open to public authorities for their tasks. Existing organisations get the
default for their kind (accounts.models.public_authority_by_default), which an
administrator can then change; the "Private provider" kind is added.

Ledger entries written before this migration hold digests without the new column: verify
rebuilds that form while the column still holds the default it was given here
(Organisation.ledger_added_fields).
"""

from typing import Any

from django.db import migrations, models

from safeshare.accounts.models import public_authority_by_default


def set_from_kind(apps: Any, schema_editor: Any) -> None:
    Organisation = apps.get_model("accounts", "Organisation")
    kinds = Organisation.objects.values_list("kind", flat=True).distinct()
    for kind in list(kinds):
        Organisation.objects.filter(kind=kind).update(
            public_authority=public_authority_by_default(kind)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_user_session_epoch"),
    ]

    operations = [
        migrations.AlterField(
            model_name="organisation",
            name="kind",
            field=models.CharField(
                choices=[
                    ("school", "School"),
                    ("gp_practice", "GP practice"),
                    ("health_visiting", "Health visiting"),
                    ("childrens_social_care", "Children's social care"),
                    ("police", "Police"),
                    ("early_help", "Early help"),
                    ("voluntary", "Voluntary sector"),
                    ("private", "Private provider"),
                    ("other", "Other"),
                ],
                max_length=32,
            ),
        ),
        # Added as true for the rows there are, then set from each row's kind.
        migrations.AddField(
            model_name="organisation",
            name="public_authority",
            field=models.BooleanField(default=True),
        ),
        migrations.RunPython(set_from_kind, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="organisation",
            name="public_authority",
            field=models.BooleanField(
                default=None,
                help_text=(
                    "Public authorities cannot rely on legitimate interests or recognised "
                    "legitimate interests (UK GDPR Article 6(1)(f) and (ea)) for their tasks. "
                    "Set from the organisation's kind when it is added: voluntary sector and "
                    "private providers are not public authorities, every other kind is."
                ),
            ),
        ),
    ]
