"""Migration 0008 moves existing explanations to content-addressed rows and back, on the
suite's database vendor (tests/decisions/migrate_explanations.py, on a scratch database)."""

from __future__ import annotations

from tests.scratch import run_script


def test_existing_explanations_move_and_come_back_unchanged() -> None:
    outcome = run_script("tests.decisions.migrate_explanations")
    assert outcome == {
        "decisions": 3,
        "inline_equals_before": True,
        "reasons_copied": True,
        "after_equals_before": True,
        "explanations": 2,
        "verify": outcome["verify"],
    }
    assert outcome["verify"].startswith("Ledger verified")
