"""Two submissions of the same thing at the same moment (a double click that reaches two
app servers, two tabs) record it once, on SQLite and on PostgreSQL: tests/race.py submits
from two threads against a real scratch database and reports what each got back."""

from __future__ import annotations

from typing import Any

import pytest

from tests.scratch import run_script


def _race(scenario: str) -> dict[str, Any]:
    return run_script("tests.race", scenario)


@pytest.mark.parametrize("scenario", ["request", "disclosure"])
def test_two_at_once_create_one_record_and_both_get_it(scenario: str) -> None:
    outcome = _race(scenario)
    first, second = outcome["got"]
    assert first.startswith("ok ") and first == second, outcome
    assert (outcome["new_rows"], outcome["new_entries"]) == (1, 1), outcome


def test_two_finalisations_at_once_record_the_decision_once() -> None:
    outcome = _race("finalise")
    ok = [g for g in outcome["got"] if g.startswith("ok ")]
    refused = [g for g in outcome["got"] if g.startswith("error FinalisedRecordError")]
    assert len(ok) == 1 and len(refused) == 1, outcome
    assert outcome["new_entries"] == 1, outcome
