"""The done-when of issue 17: `safeshare jobs run --once` started twice at the same moment
runs each due job once, on SQLite and on PostgreSQL (tests/jobs/race_once.py)."""

from __future__ import annotations

from tests.scratch import run_script


def test_two_runners_at_once_run_each_due_job_once_in_all() -> None:
    outcome = run_script("tests.jobs.race_once")
    assert outcome["returncodes"] == [0, 0], outcome
    # Every registered job, the apps' and the test's, has one run, and it succeeded.
    assert outcome["runs"] == dict.fromkeys(outcome["registered"], 1), outcome
    assert outcome["outcomes"] == ["ok"], outcome
    assert outcome["effects"] == 1, outcome  # the test job's work was done once
    printed = [line.split()[0] for out in outcome["stdout"] for line in out.splitlines()]
    # Each job is printed by the one process that ran it; the other printed nothing for it
    # (or "No job is due." when the first had claimed every one).
    ran = sorted(name for name in printed if name != "No")
    assert ran == outcome["registered"], outcome
