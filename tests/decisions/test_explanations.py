"""The engine's explanation is stored once per distinct content (issue 14): decisions with
the same answers under the same policy share one content-addressed row, which never
changes, and the record digest covers its address. Decisions recorded before the move
(migration 0008) still verify, in the form they were recorded in."""

from __future__ import annotations

import hashlib
import importlib
import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from safeshare.accounts.models import User
from safeshare.core import immutability
from safeshare.decisions.models import Decision, Explanation, FinalisedRecordError
from safeshare.ledger import actions as ledger_actions
from safeshare.ledger import digest as ledger_digest
from safeshare.ledger.digest import digest_of, record_contents
from safeshare.subjects.models import Person
from tests.factories import PersonFactory
from tests.factories.decisions import DecisionFactory
from tests.ledger.conftest import verify_failure

pytestmark = pytest.mark.django_db


def test_the_same_answers_share_one_explanation(practitioner: User, person: Person) -> None:
    first = DecisionFactory.create(
        started_by=practitioner, subject=person, share=True, finalised=True
    )
    second = DecisionFactory.create(
        started_by=practitioner,
        subject=PersonFactory.create(organisation=person.organisation),
        share=True,
        finalised=True,
    )
    other = DecisionFactory.create(
        started_by=practitioner, subject=person, do_not_share=True, finalised=True
    )
    assert first.frozen_explanation_id == second.frozen_explanation_id
    assert other.frozen_explanation_id != first.frozen_explanation_id
    assert Explanation.objects.count() == 2
    stored = Decision.objects.select_related("frozen_explanation").get(pk=first.pk)
    assert stored.explanation["outcome"] == "share"
    assert stored.reasons == stored.explanation["reasons"] and stored.reasons
    call_command("ledger", "verify", stdout=StringIO())


def test_an_explanation_is_never_changed(practitioner: User, person: Person) -> None:
    frozen = DecisionFactory.create(
        started_by=practitioner, subject=person, share=True, finalised=True
    ).frozen_explanation
    assert frozen is not None
    frozen.content = {"outcome": "do_not_share"}
    with pytest.raises(FinalisedRecordError):
        frozen.save()
    with pytest.raises(FinalisedRecordError):
        frozen.delete()
    immutability.install(connection, ["explanation"])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE decisions_explanation SET content = '{}'")


def test_verify_catches_an_explanation_edited_behind_the_app(
    practitioner: User, person: Person
) -> None:
    frozen = DecisionFactory.create(
        started_by=practitioner, subject=person, share=True, finalised=True
    ).frozen_explanation
    assert frozen is not None
    immutability.remove(connection, ["explanation"])
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE decisions_explanation SET content = %s", [json.dumps({"outcome": "share"})]
        )
    report = verify_failure()
    assert f"record decisions.explanation {frozen.sha256} edited" in report


def _legacy_digest(decision: Decision) -> str:
    """The digest a decision had before migration 0008, built independently of the model's
    own rebuild: every column as stored, the explanation inline, its reasons copied."""
    content = record_contents(Decision, [decision.pk])[str(decision.pk)]
    fields = dict(content["fields"])
    fields.pop("frozen_explanation_id")
    frozen = Explanation.objects.get(pk=decision.frozen_explanation_id)
    fields["explanation"] = frozen.content
    fields["reasons"] = frozen.content["reasons"]
    return digest_of({**content, "fields": fields})


def test_a_decision_recorded_before_the_move_still_verifies_and_edits_still_show(
    practitioner: User, person: Person, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = ledger_digest.record_digest

    def as_before(obj: Any, db: Any = None) -> str:
        # The entry is written as the code before migration 0008 wrote it.
        return _legacy_digest(obj) if isinstance(obj, Decision) else real(obj, db)

    monkeypatch.setattr(ledger_actions, "record_digest", as_before)
    decision = DecisionFactory.create(
        started_by=practitioner, subject=person, share=True, finalised=True
    )
    monkeypatch.undo()
    call_command("ledger", "verify", stdout=StringIO())

    immutability.remove(connection)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE decisions_decision SET purpose = 'Something else' WHERE id = %s",
            [decision.pk.hex if connection.vendor == "sqlite" else str(decision.pk)],
        )
    assert f"record decisions.decision {decision.pk} edited" in verify_failure()


def test_the_migration_and_the_model_address_content_alike() -> None:
    migration = importlib.import_module("safeshare.decisions.migrations.0008_frozen_explanation")
    contents: list[dict[str, Any]] = [
        {"outcome": "share", "reasons": ["Une raison — “quoted”", "ß"], "n": [1, 2, None]},
        {"b": {"z": 1, "a": True}, "a": []},
    ]
    for content in contents:
        assert migration._address(content) == Explanation.freeze(content, "x" * 64).sha256
        assert (
            migration._address(content)
            == hashlib.sha256(
                json.dumps(
                    content, sort_keys=True, separators=(",", ":"), ensure_ascii=False
                ).encode()
            ).hexdigest()
        )
