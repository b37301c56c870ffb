"""Two submissions of the same thing at the same moment, in two threads with a connection
each, against a real scratch database (a SQLite file, or a new PostgreSQL database beside
DATABASE_URL): the suite's own SQLite database lives in memory, where two connections
cannot each hold a transaction.

    python -m tests.race request|disclosure|finalise

prints one JSON line: what each thread got back (the id, or the error) and how many rows
and ledger entries there are afterwards. tests/test_double_submit.py runs it.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from ledger_scratch import migrate, scratch_database, setup_django


def _world() -> dict[str, Any]:
    from safeshare.accounts.models import OrganisationKind
    from tests.factories import OrganisationFactory, PersonFactory, UserFactory
    from tests.factories.decisions import DecisionFactory

    school = OrganisationFactory.create(name="Riverside Primary School")
    police = OrganisationFactory.create(name="Northshire Police", kind=OrganisationKind.POLICE)
    teacher = UserFactory.create(organisation=school, username="teacher")
    officer = UserFactory.create(organisation=police, username="officer")
    lily = PersonFactory.create(organisation=school, given_names="Lily", family_name="Morgan")
    return {
        "teacher": teacher,
        "officer": officer,
        "school": school,
        "shared": DecisionFactory.create(
            started_by=teacher, subject=lily, share=True, finalised=True
        ),
        "draft": DecisionFactory.create(started_by=teacher, subject=lily, share=True),
    }


def _scenario(name: str, world: dict[str, Any]) -> tuple[Callable[[], Any], Any, str]:
    """(the submission, the model it writes, the ledger event it appends)."""
    import datetime

    from django.utils import timezone

    from safeshare.decisions import actions as decision_actions
    from safeshare.decisions.models import Decision
    from safeshare.disclosures import actions as disclosure_actions
    from safeshare.disclosures.models import Disclosure
    from safeshare.requests import actions as request_actions
    from safeshare.requests.models import InformationRequest
    from tests.requests.test_requests import details

    if name == "request":
        return (
            lambda: request_actions.raise_request(
                actor=world["officer"], to_organisation=world["school"], details=details()
            ),
            InformationRequest,
            "requests.request.received",
        )
    if name == "disclosure":
        shared = world["shared"]
        return (
            lambda: disclosure_actions.send_disclosure(
                actor=world["teacher"],
                decision=shared,
                recipient=world["officer"],
                items=list(shared.items.all()),
                message="",
                expires_on=timezone.localdate() + datetime.timedelta(days=7),
            ),
            Disclosure,
            "disclosures.disclosure.sent",
        )
    draft = world["draft"]
    return (
        lambda: decision_actions.finalise_decision(actor=world["teacher"], decision=draft),
        Decision,
        "decisions.decision.finalised",
    )


def run(name: str) -> dict[str, Any]:
    from django.db import connection

    from safeshare.ledger.models import Entry

    world = _world()
    submit, model, event = _scenario(name, world)
    rows_before = model.objects.count()
    entries_before = Entry.objects.filter(event_type=event).count()
    connection.close()
    ready = threading.Barrier(2)
    got: list[str] = []

    def thread() -> None:
        try:
            ready.wait()
            got.append(f"ok {submit().pk}")
        except Exception as exc:
            got.append(f"error {type(exc).__name__}: {exc}")
        finally:
            connection.close()

    threads = [threading.Thread(target=thread) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return {
        "got": sorted(got),
        "new_rows": model.objects.count() - rows_before,
        "new_entries": Entry.objects.filter(event_type=event).count() - entries_before,
    }


def main() -> None:
    name = sys.argv[1]
    with scratch_database(os.environ.get("DATABASE_URL")) as url:
        migrate(url)
        setup_django(url)
        print(json.dumps(run(name)))


if __name__ == "__main__":
    main()
