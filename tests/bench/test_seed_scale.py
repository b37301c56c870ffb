"""bench/seed_scale.py, small, on the suite's database vendor (tests/bench/seed_scale_check.py
seeds a scratch database and checks it from outside the seeder)."""

from __future__ import annotations

from tests.scratch import run_script

EVENTS = {
    "accounts.user.created",
    "agreements.agreement.added",
    "decisions.advice.recorded",
    "decisions.consent.recorded",
    "decisions.decision.amended",
    "decisions.decision.finalised",
    "directory.contact.added",
    "disclosures.disclosure.acknowledged",
    "disclosures.disclosure.opened",
    "disclosures.disclosure.sent",
    "requests.request.answered",
    "requests.request.received",
    "requests.request.response_started",
    "subjects.person.added",
}


def test_a_small_seed_verifies_and_holds_what_the_actions_write() -> None:
    """300 decisions: the seeder's own check (cases of every outcome and kind of start
    through the actions and through its mirror of them, compared row by row and entry by
    entry), then `safeshare ledger verify` and a sample of stored records against their
    latest ledger entries, from outside it. About 30 s on the 2-core machine."""
    outcome = run_script("tests.bench.seed_scale_check", "300")
    assert outcome["verify"].startswith("Ledger verified"), outcome["verify"]
    assert outcome["decisions"] == 300
    assert outcome["outcomes"] == sorted(
        [
            "do_not_share",
            "seek_advice",
            "share",
            "share_urgently",
            "share_with_consent",
            "share_without_consent",
        ]
    )
    for name, (sampled, matching) in outcome["sampled"].items():
        assert sampled > 0 and matching == sampled, (name, sampled, matching)
    seeder = outcome["seeder"]
    # Every kind of case went through the actions and the mirror and came out the same.
    assert seeder["check"]["cases"] >= 26
    assert seeder["check"]["rows"] > 150 and seeder["check"]["entries"] > 150
    assert seeder["sample"]["mirrored rows"] > 0
    assert seeder["checkpoints"] > 10
    assert outcome["amendments"] + outcome["reconsiderations"] > 0
    assert outcome["answering_requests"] > 0 and outcome["requests_answered"] > 0
    assert outcome["disclosures"] > 0 and outcome["receipts"].get("opened", 0) > 0
    assert 8 <= outcome["access_per_decision"] <= 13
    assert set(outcome["event_types"]) >= EVENTS, EVENTS - set(outcome["event_types"])
    assert outcome["demo_sign_in"] and outcome["staff_sign_in"]
    assert outcome["smallest_staff"] >= 20
    assert outcome["finalised_update_refused"]
    assert outcome["entries_going_back_in_time"] == 0
    assert outcome["journal_mode"] in (None, "wal")
