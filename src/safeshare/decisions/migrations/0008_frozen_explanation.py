"""The engine's explanation stored once per distinct content (issue 14): each decision's
inline `explanation` (and its copy of the reasons) becomes a reference to a
content-addressed Explanation row, keyed by the SHA-256 of its canonical JSON.

Existing decisions migrate: their explanations are moved, not changed, and their ledger
entries still verify (Decision.ledger_legacy_digests rebuilds the form they were recorded
in; docs/adr/0010-content-addressed-explanations.md). The finalised-decision guards are
lifted for the copy and put back afterwards; SQLite rebuilds the table to drop columns.
"""

import hashlib
import json
from collections import defaultdict
from typing import Any

import django.db.models.deletion
from django.db import migrations, models

from safeshare.core.immutability import suspended_for_migration

DECISION_GUARDS = ("decision", "decision_subjects", "decision_items")
BATCH = 2000


def _address(content: Any) -> str:
    """decisions.models.explanation_sha256, written out so this migration keeps working
    whatever later code does: SHA-256 of the ledger's canonical JSON (sorted keys, no
    spaces, UTF-8; tests/decisions/test_explanations.py checks the two agree)."""
    text = json.dumps(
        content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def move_explanations(apps: Any, schema_editor: Any) -> None:
    Decision = apps.get_model("decisions", "Decision")
    Explanation = apps.get_model("decisions", "Explanation")
    known = set(Explanation.objects.values_list("sha256", flat=True))
    rows = (
        Decision.objects.exclude(explanation={})
        .exclude(explanation__isnull=True)
        .order_by("pk")
        .values_list("pk", "explanation", "policy_sha256")
    )
    after = None
    while True:
        page = list((rows if after is None else rows.filter(pk__gt=after))[:BATCH])
        if not page:
            break
        by_address: dict[str, list[Any]] = defaultdict(list)
        new = []
        for pk, content, policy_sha256 in page:
            address = _address(content)
            by_address[address].append(pk)
            if address not in known:
                known.add(address)
                new.append(
                    Explanation(sha256=address, policy_sha256=policy_sha256, content=content)
                )
        Explanation.objects.bulk_create(new)
        for address, pks in by_address.items():
            Decision.objects.filter(pk__in=pks).update(frozen_explanation_id=address)
        after = page[-1][0]


def restore_explanations(apps: Any, schema_editor: Any) -> None:
    Decision = apps.get_model("decisions", "Decision")
    Explanation = apps.get_model("decisions", "Explanation")
    for row in Explanation.objects.all():
        Decision.objects.filter(frozen_explanation_id=row.sha256).update(
            explanation=row.content, reasons=row.content.get("reasons", [])
        )


def install_guard(apps: Any, schema_editor: Any) -> None:
    from safeshare.core import immutability

    immutability.install(schema_editor.connection, ["explanation"])


def remove_guard(apps: Any, schema_editor: Any) -> None:
    from safeshare.core import immutability

    immutability.remove(schema_editor.connection, ["explanation"])


lift, put_back = suspended_for_migration(*DECISION_GUARDS)


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0007_consentwithdrawal"),
    ]

    operations = [
        migrations.CreateModel(
            name="Explanation",
            fields=[
                ("sha256", models.CharField(max_length=64, primary_key=True, serialize=False)),
                ("policy_sha256", models.CharField(max_length=64)),
                ("content", models.JSONField()),
            ],
        ),
        lift,
        migrations.AddField(
            model_name="decision",
            name="frozen_explanation",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="decisions.explanation",
            ),
        ),
        migrations.RunPython(move_explanations, restore_explanations),
        migrations.RemoveField(model_name="decision", name="explanation"),
        migrations.RemoveField(model_name="decision", name="reasons"),
        put_back,
        migrations.RunPython(install_guard, remove_guard),
    ]
