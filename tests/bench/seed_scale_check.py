"""bench/seed_scale.py on a real scratch database of the suite's vendor (a SQLite file, or
a new PostgreSQL database beside DATABASE_URL), then checked from outside the seeder:
`safeshare ledger verify`, a sample of records against their latest entries, and what a
partnership holds (every outcome, requests answered, disclosures and receipts, access
records, the demo sign-ins, the immutability triggers).

    python -m tests.bench.seed_scale_check [DECISIONS]

prints one JSON line; tests/bench/test_seed_scale.py runs it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from io import StringIO
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from ledger_scratch import scratch_database, setup_django

BENCH = Path(__file__).resolve().parents[2] / "bench"


def seed(url: str, decisions: int) -> dict[str, Any]:
    result = subprocess.run(
        [
            sys.executable,
            str(BENCH / "seed_scale.py"),
            "--decisions",
            str(decisions),
            "--database-url",
            url,
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
        env={**os.environ},
    )
    if result.returncode != 0:
        raise SystemExit(result.stdout + result.stderr)
    summary: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return summary


def latest_digests_match(model: Any, label: str, count: int) -> tuple[int, int]:
    """(records sampled, those whose stored digest is their latest entry's), sampled from
    the rows the ledger's coverage rule says must have an entry (a decision waiting for
    sign-off has none yet: its SignOff has)."""
    from django.db.models import Max

    from safeshare.ledger import coverage
    from safeshare.ledger.digest import record_digests
    from safeshare.ledger.models import Entry

    rows = {rule.label: q for rule, _, q in coverage.required()}[label]
    pks = list(model._base_manager.filter(rows).order_by("?").values_list("pk", flat=True)[:count])
    digests = record_digests(model, pks)
    latest = (
        Entry.objects.filter(object_type=label, object_id__in=list(digests))
        .values("object_id")
        .annotate(last=Max("sequence"))
    )
    recorded = dict(
        Entry.objects.filter(sequence__in=[row["last"] for row in latest]).values_list(
            "object_id", "record_digest"
        )
    )
    return len(pks), sum(1 for oid, digest in digests.items() if recorded.get(oid) == digest)


def check(summary: dict[str, Any]) -> dict[str, Any]:
    from django.core.management import call_command
    from django.db import DatabaseError, connection, transaction

    from safeshare.accounts.models import User
    from safeshare.audit.models import AccessRecord
    from safeshare.decisions.models import Decision
    from safeshare.disclosures.models import Disclosure, Receipt
    from safeshare.ledger.models import Entry
    from safeshare.requests.models import InformationRequest
    from safeshare.site.management.commands.demo import DEMO_PASSWORD

    out = StringIO()
    call_command("ledger", "verify", stdout=out)
    decisions = Decision.objects.count()
    sampled = {
        name: latest_digests_match(model, model._meta.label_lower, 60)
        for name, model in (
            ("decisions", Decision),
            ("requests", InformationRequest),
            ("disclosures", Disclosure),
            ("receipts", Receipt),
        )
    }
    refused = False
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "UPDATE decisions_decision SET purpose = 'edited' WHERE status = 'finalised'"
            )
    except DatabaseError:
        refused = True
    journal = None
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            journal = cursor.fetchone()[0]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM ledger_entry a JOIN ledger_entry b "
            "ON b.sequence = a.sequence + 1 WHERE b.time < a.time"
        )
        backwards = cursor.fetchone()[0]
    staff = User.objects.exclude(organisation=None)
    per_organisation = Counter(staff.values_list("organisation__name", flat=True))
    return {
        "verify": out.getvalue().split(",")[0],
        "decisions": decisions,
        "outcomes": sorted(set(Decision.objects.values_list("outcome", flat=True))),
        "amendments": Decision.objects.exclude(supersedes=None).count(),
        "reconsiderations": Decision.objects.exclude(reconsiders=None).count(),
        "answering_requests": Decision.objects.exclude(request=None).count(),
        "requests_answered": InformationRequest.objects.filter(status="answered").count(),
        "disclosures": Disclosure.objects.count(),
        "receipts": dict(Counter(Receipt.objects.values_list("kind", flat=True))),
        "access_per_decision": round(AccessRecord.objects.count() / decisions, 1),
        "event_types": sorted(set(Entry.objects.values_list("event_type", flat=True))),
        "sampled": sampled,
        "demo_sign_in": User.objects.get(username="school.teacher").check_password(DEMO_PASSWORD),
        "staff_sign_in": staff.exclude(username__in=["school.teacher"])
        .order_by("-date_joined")
        .first()
        .check_password(DEMO_PASSWORD),  # type: ignore[union-attr]
        "smallest_staff": min(per_organisation.values()),
        "finalised_update_refused": refused,
        "entries_going_back_in_time": backwards,
        "journal_mode": journal,
        "seeder": {
            "check": summary["check"],
            "sample": summary["sample"],
            "entries": summary["entries"],
            "checkpoints": summary["checkpoints"],
        },
    }


def main() -> None:
    decisions = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    with scratch_database(os.environ.get("DATABASE_URL")) as url:
        if not url.startswith("postgres"):
            # scratch_database gives a path in a new folder; the seeder makes the file.
            Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
        summary = seed(url, decisions)
        setup_django(url)
        result = check(summary)
        from django.db import connection

        connection.close()
        print(json.dumps(result))


if __name__ == "__main__":
    main()
