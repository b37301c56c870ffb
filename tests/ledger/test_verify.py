"""Tampering behind the application's back (triggers dropped, raw SQL) is named exactly."""

from __future__ import annotations

from collections.abc import Callable
from io import StringIO
from pathlib import Path
from uuid import UUID, uuid4

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from safeshare.ledger.actions import append_entry, sign_checkpoint
from safeshare.ledger.checkpoint import Checkpoint, Signer, generate_signer_key
from safeshare.ledger.checkpoint import sign_checkpoint as sign_note
from safeshare.ledger.models import Entry
from safeshare.ledger.verify import verify_ledger
from safeshare.subjects.models import Person
from tests.ledger.conftest import tamper, verify_failure

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries(append: Callable[..., Entry]) -> list[Entry]:
    appended = [append() for _ in range(20)]
    sign_checkpoint()
    return appended


def _first_problem() -> str:
    return verify_failure().splitlines()[1]


@pytest.mark.usefixtures("entries")
def test_it_passes_an_untouched_ledger(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("ledger", "verify")
    out = capsys.readouterr().out
    assert "Ledger verified: 20 entries" in out
    assert "20 records and 1 signed checkpoints checked" in out


def test_it_passes_an_empty_ledger(db: None, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("ledger", "verify")
    assert "Ledger verified: 0 entries" in capsys.readouterr().out


@pytest.mark.usefixtures("entries")
def test_it_names_an_edited_entry() -> None:
    tamper("UPDATE ledger_entry SET event_type = 'subjects.person.removed' WHERE sequence = 17")
    assert _first_problem() == "entry 17: entry edited (leaf hash does not match its content)"


@pytest.mark.usefixtures("entries")
def test_it_names_an_edited_payload() -> None:
    tamper('UPDATE ledger_entry SET payload = \'{"kind": "adult"}\' WHERE sequence = 3')
    assert _first_problem() == "entry 3: entry edited (leaf hash does not match its content)"


@pytest.mark.usefixtures("entries")
def test_it_names_an_edited_leaf_hash_once() -> None:
    tamper("UPDATE ledger_entry SET leaf_hash = %s WHERE sequence = 9", params=[b"\0" * 32])
    assert verify_failure().splitlines()[1:] == [
        "entry 9: entry edited (leaf hash does not match its content)"
    ]


@pytest.mark.usefixtures("entries")
def test_it_names_a_deleted_entry() -> None:
    tamper("DELETE FROM ledger_entry WHERE sequence = 17")
    assert _first_problem() == "entry 17 missing (sequence jumps from 16 to 18)"


@pytest.mark.usefixtures("entries")
def test_it_names_the_last_entry_deleted() -> None:
    tamper("DELETE FROM ledger_entry WHERE sequence = 19")
    assert _first_problem() == (
        "entry 19 missing (the log ends at 18 but the tree's nodes reach entry 19)"
    )


@pytest.mark.usefixtures("entries")
def test_it_names_entries_put_in_another_order() -> None:
    tamper(
        "UPDATE ledger_entry SET sequence = -1 WHERE sequence = 5",
        "UPDATE ledger_entry SET sequence = 5 WHERE sequence = 6",
        "UPDATE ledger_entry SET sequence = 6 WHERE sequence = -1",
    )
    report = verify_failure()
    assert report.splitlines()[1] == (
        "entries out of order: entry 5 holds the entry written as entry 6"
    )
    assert "entries out of order: entry 6 holds the entry written as entry 5" in report


@pytest.mark.usefixtures("entries")
def test_it_names_an_entry_inserted_behind_the_applications_back() -> None:
    tamper(
        "INSERT INTO ledger_entry (sequence, uuid, time, event_type, object_type, object_id, "
        "record_digest, payload, leaf_hash) SELECT 20, %s, time, "
        "event_type, object_type, object_id, record_digest, payload, leaf_hash "
        "FROM ledger_entry WHERE sequence = 19",
        params=[Entry._meta.get_field("uuid").get_db_prep_value(uuid4(), connection)],
    )
    # Without its actor and organisation it is not even a copy of entry 19.
    assert _first_problem() == "entry 20: entry edited (leaf hash does not match its content)"


@pytest.mark.usefixtures("entries")
def test_it_names_a_rewritten_history_against_the_signed_checkpoint(
    practitioner: Person,
) -> None:
    """Edit an entry and recompute its leaf and every node, as a thorough attacker would:
    only the signed checkpoint's root can catch it."""
    from safeshare.ledger import merkle
    from safeshare.ledger.bundle import leaf_bytes
    from safeshare.ledger.models import Node, node_key
    from safeshare.ledger.queries import leaf_fields

    tamper("UPDATE ledger_entry SET event_type = 'subjects.person.removed' WHERE sequence = 4")
    leaves = []
    for entry in Entry.objects.order_by("sequence"):
        leaf = merkle.leaf_hash(leaf_bytes(leaf_fields(entry)))
        leaves.append(leaf)
        Entry.objects.filter(sequence=entry.sequence).update(leaf_hash=leaf)
    frontier: merkle.Frontier = []
    for leaf in leaves:
        frontier, created = merkle.frontier_append(frontier, leaf)
        for level, index, h in created:
            if level:
                Node.objects.filter(key=node_key(level, index)).update(hash=h)
    assert _first_problem().startswith("root mismatch: signed checkpoint 20 has root ")


@pytest.mark.usefixtures("entries")
def test_it_names_an_edited_tree_node_once() -> None:
    tamper('UPDATE ledger_node SET hash = %s WHERE level = 2 AND "index" = 1', params=[b"\0" * 32])
    assert verify_failure().splitlines()[1:] == [
        "node (2, 1) edited: its hash does not match the entries under it (4 to 7)"
    ]


@pytest.mark.usefixtures("entries")
def test_it_names_a_missing_tree_node() -> None:
    tamper('DELETE FROM ledger_node WHERE level = 1 AND "index" = 4')
    assert _first_problem() == "node (1, 4) missing from the tree"


@pytest.mark.usefixtures("entries")
def test_it_names_the_newest_entries_removed_below_a_signed_checkpoint(
    append: Callable[..., Entry],
) -> None:
    """Entry 20 completes no node, so once it is gone only the checkpoint signed over it
    shows it was there."""
    append()
    sign_checkpoint()
    tamper("DELETE FROM ledger_entry WHERE sequence = 20")
    assert _first_problem() == (
        "root mismatch: signed checkpoint 21 covers 21 entries but the ledger holds 20: "
        "entries have been removed or the ledger rolled back"
    )


@pytest.mark.usefixtures("entries")
def test_it_passes_a_payload_stored_in_another_json_spelling() -> None:
    """Rows written before append_entry stored canonical JSON (Django's spacing, keys in
    the caller's order) take the slow path and still verify; a changed value does not."""
    tamper(
        'UPDATE ledger_entry SET payload = \'{"kind": "child"}\' WHERE sequence < 10',
        'UPDATE ledger_entry SET payload = \'{"kind": "adult"}\' WHERE sequence = 12',
    )
    assert verify_failure().splitlines()[1:] == [
        "entry 12: entry edited (leaf hash does not match its content)"
    ]


def test_it_names_a_record_edited_after_its_entry(entries: list[Entry]) -> None:
    person_id = entries[7].object_id
    tamper(
        "UPDATE subjects_person SET family_name = 'Changed' WHERE id = %s",
        params=[Person._meta.get_field("id").get_db_prep_value(UUID(person_id), connection)],
    )
    assert _first_problem() == f"record subjects.person {person_id} edited after entry 7"


def test_it_names_a_record_deleted_after_its_entry(entries: list[Entry]) -> None:
    Person.objects.filter(pk=entries[12].object_id).delete()
    assert _first_problem() == (
        f"record subjects.person {entries[12].object_id} missing (deleted after entry 12)"
    )


def test_it_compares_only_a_records_latest_entry(
    append: Callable[..., Entry], practitioner: Person
) -> None:
    person = Person.objects.get(pk=append().object_id)
    Person.objects.filter(pk=person.pk).update(family_name="Renamed")
    append(obj=person, event_type="subjects.person.renamed")
    report = verify_ledger()
    assert report.ok, report.lines()
    assert report.records_checked == 1


@pytest.mark.usefixtures("entries")
def test_it_checks_consistency_with_a_checkpoint_held_elsewhere(
    tmp_path: Path, append: Callable[..., Entry], capsys: pytest.CaptureFixture[str]
) -> None:
    witness_copy = tmp_path / "checkpoint"
    out = StringIO()
    call_command("ledger", "checkpoint", stdout=out)
    witness_copy.write_text(out.getvalue(), encoding="utf-8")
    append()
    call_command("ledger", "verify", "--against", str(witness_copy))
    assert "Consistent with the checkpoint held elsewhere at size 20." in capsys.readouterr().out


@pytest.mark.usefixtures("entries")
def test_it_catches_a_rollback_below_a_checkpoint_held_elsewhere(tmp_path: Path) -> None:
    from safeshare.ledger import keys

    witness_copy = tmp_path / "checkpoint"
    witness_copy.write_text(
        sign_note(Checkpoint(keys.origin(), 25, b"\2" * 32), keys.signer()), encoding="utf-8"
    )
    with pytest.raises(CommandError) as caught:
        call_command("ledger", "verify", "--against", str(witness_copy))
    assert (
        "root mismatch: the checkpoint held elsewhere covers 25 entries but the ledger holds "
        "20: entries have been removed or the ledger rolled back"
    ) in str(caught.value)


@pytest.mark.usefixtures("entries")
def test_it_catches_a_different_history_than_a_checkpoint_held_elsewhere(
    tmp_path: Path,
) -> None:
    from safeshare.ledger import keys

    witness_copy = tmp_path / "checkpoint"
    witness_copy.write_text(
        sign_note(Checkpoint(keys.origin(), 10, b"\2" * 32), keys.signer()), encoding="utf-8"
    )
    with pytest.raises(CommandError) as caught:
        call_command("ledger", "verify", "--against", str(witness_copy))
    assert "root mismatch: the checkpoint held elsewhere has root AgIC" in str(caught.value)
    assert "but the ledger's first 10 entries give" in str(caught.value)


@pytest.mark.usefixtures("entries")
def test_it_refuses_a_checkpoint_signed_by_another_key(tmp_path: Path) -> None:
    signer_key, _ = generate_signer_key("safeshare.test/ledger")
    witness_copy = tmp_path / "checkpoint"
    witness_copy.write_text(
        sign_note(
            Checkpoint("safeshare.test/ledger", 20, b"\2" * 32), Signer.from_key_string(signer_key)
        ),
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="the checkpoint given does not verify"):
        call_command("ledger", "verify", "--against", str(witness_copy))


def test_it_ignores_a_change_recorded_after_verification_started(
    append: Callable[..., Entry], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A record changed legitimately while verify runs has its own, later entry."""
    person = Person.objects.get(pk=append().object_id)
    from safeshare.ledger import verify

    original = verify._check_records

    def change_meanwhile(report: verify.Report, size: int, batch: int) -> None:
        Person.objects.filter(pk=person.pk).update(family_name="Renamed")
        with transaction.atomic():
            append_entry(
                event_type="subjects.person.renamed", actor=None, organisation=None, obj=person
            )
        original(report, size, batch)

    monkeypatch.setattr(verify, "_check_records", change_meanwhile)
    report = verify_ledger()
    assert report.ok, report.lines()
    assert report.size == 1
