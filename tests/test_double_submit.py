"""Two submissions of the same thing at the same moment (a double click that reaches two
app servers, two tabs) record it once, on SQLite and on PostgreSQL: tests/race.py submits
from two threads against a real scratch database and reports what each got back."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _race(scenario: str) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-m", "tests.race", scenario],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=ROOT,
        env={**os.environ},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    outcome: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return outcome


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
