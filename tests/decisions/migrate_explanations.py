"""Migration 0008 on a real scratch database (a SQLite file, or a new PostgreSQL database
beside DATABASE_URL): decisions finalised with their explanation inline are moved to
content-addressed rows and back again, unchanged, and the ledger verifies throughout.

    python -m tests.decisions.migrate_explanations

prints one JSON line; tests/decisions/test_explanation_migration.py runs it.
"""

from __future__ import annotations

import json
import os
import sys
import uuid
from io import StringIO
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from ledger_scratch import migrate, scratch_database, setup_django


def _inline(connection: Any) -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, explanation, reasons FROM decisions_decision")
        rows = cursor.fetchall()
    return {
        str(uuid.UUID(str(pk))): (
            json.loads(e) if isinstance(e, str) else e,
            json.loads(r) if isinstance(r, str) else r,
        )
        for pk, e, r in rows
    }


def run() -> dict[str, Any]:
    from django.core.management import call_command
    from django.db import connection

    from safeshare.decisions.models import Decision, Explanation
    from tests.factories import OrganisationFactory, PersonFactory, UserFactory
    from tests.factories.decisions import DecisionFactory

    school = OrganisationFactory.create(name="Riverside Primary School")
    teacher = UserFactory.create(organisation=school, username="teacher")
    people = [PersonFactory.create(organisation=school) for _ in range(3)]
    for outcome, person in zip(["share", "share", "do_not_share"], people, strict=True):
        DecisionFactory.create(started_by=teacher, subject=person, leads_to=outcome, finalised=True)
    before = {
        str(d.pk): d.explanation for d in Decision.objects.select_related("frozen_explanation")
    }
    call_command("migrate", "decisions", "0007", "-v", "0")
    inline = _inline(connection)
    call_command("migrate", "-v", "0")
    after = {
        str(d.pk): d.explanation for d in Decision.objects.select_related("frozen_explanation")
    }
    out = StringIO()
    call_command("ledger", "verify", stdout=out)
    return {
        "decisions": len(before),
        "inline_equals_before": all(inline[k][0] == v for k, v in before.items()),
        "reasons_copied": all(inline[k][1] == v["reasons"] for k, v in before.items()),
        "after_equals_before": after == before,
        "explanations": Explanation.objects.count(),
        "verify": out.getvalue().split(",")[0],
    }


def main() -> None:
    with scratch_database(os.environ.get("DATABASE_URL")) as url:
        migrate(url)
        setup_django(url)
        print(json.dumps(run()))


if __name__ == "__main__":
    main()
