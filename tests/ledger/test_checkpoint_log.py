"""Every signed checkpoint also goes to a file outside the database, and verify checks the
ledger against every checkpoint in it."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from safeshare.accounts.models import User
from safeshare.core import immutability
from safeshare.ledger import checkpoint as signed_note
from safeshare.ledger import checkpoint_log, keys
from safeshare.ledger.actions import sign_checkpoint
from safeshare.ledger.checkpoint import Checkpoint, Signer, generate_signer_key, verify_checkpoint
from safeshare.ledger.checkpoint import sign_checkpoint as sign_note
from safeshare.ledger.checkpoint_log import LogError, split_notes
from safeshare.ledger.models import Entry, SignedCheckpoint
from tests.ledger.conftest import LEDGER_GUARDS, tamper, verify_failure

ROOT = b"\1" * 32


def _note(size: int, signer: Signer | None = None) -> str:
    return sign_note(Checkpoint("safeshare.test/ledger", size, ROOT), signer or keys.signer())


# --- The file -----------------------------------------------------------------------------


def test_it_reads_one_note_or_many() -> None:
    one = _note(1)
    assert split_notes(one) == [(1, one)]
    log = "".join(note + "\n" for note in (one, _note(2), _note(3)))
    assert [note for _, note in split_notes(log)] == [one, _note(2), _note(3)]
    assert [line for line, _ in split_notes(log)] == [1, 7, 13]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "holds no signed note"),
        ("safeshare.test/ledger\n1\nAQEB\n", "line 1: the note starting here has no signature"),
        ("\u2014 safeshare.test/ledger AAAA\n", "line 1: a signature line with no note text"),
        (None, "line 7: the note starting here has no signature lines (cut short"),
        (None, "line 6: a note must be followed by a blank line"),
    ],
)
def test_it_names_the_line_of_a_log_that_is_not_notes(text: str | None, message: str) -> None:
    note = _note(1)
    if text is None and "cut short" in message:
        text = note + "\n" + _note(2)[:30]  # a write torn by a power cut
    elif text is None:
        text = note + "stray words\n"
    with pytest.raises(LogError, match=message.replace("(", r"\(")):
        split_notes(text)


_APPENDER = """
import json, sys
from pathlib import Path
from safeshare.ledger.checkpoint_log import append
for note in json.loads(Path(sys.argv[2]).read_text()):
    append(Path(sys.argv[1]), note)
"""


def test_processes_appending_at_once_each_write_whole_notes(tmp_path: Path) -> None:
    path = tmp_path / "checkpoints.log"
    writers, count = 4, 40
    # Notes of several kilobytes (many cosignatures), so a write is more than a page.
    witnesses = [Signer.from_key_string(generate_signer_key(f"witness{i}")[0]) for i in range(45)]
    notes = []
    for size in range(writers * count):
        note = _note(size)
        body = note[: note.index("\n\n") + 1]
        notes.append(
            note
            + "".join(signed_note.sign_note(body, w).splitlines()[-1] + "\n" for w in witnesses)
        )
    assert len(notes[0]) > 4096
    processes = []
    for writer in range(writers):
        mine = tmp_path / f"notes{writer}.json"
        mine.write_text(json.dumps(notes[writer * count : (writer + 1) * count]))
        processes.append(subprocess.Popen([sys.executable, "-c", _APPENDER, str(path), str(mine)]))
    assert [process.wait(timeout=120) for process in processes] == [0] * writers
    found = [note for _, note in split_notes(path.read_text(encoding="utf-8"))]
    assert sorted(found) == sorted(notes)


def test_an_append_is_flushed_to_the_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The note, and for a new file its name in the folder, reach the disk before the
    signer goes on (a power cut cannot lose a checkpoint already served)."""
    synced: list[str] = []
    real = os.fsync

    def fsync(descriptor: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{descriptor}"))
        real(descriptor)

    monkeypatch.setattr(os, "fsync", fsync)
    path = tmp_path / "checkpoints.log"
    checkpoint_log.append(path, _note(1))
    assert synced == [str(path), str(tmp_path)]
    checkpoint_log.append(path, _note(2))
    assert synced == [str(path), str(tmp_path), str(path)]


# --- What signs appends -----------------------------------------------------------------------


@pytest.fixture
def log(tmp_path: Path, settings: Any) -> Path:
    path = tmp_path / "checkpoints.log"
    settings.SAFESHARE_LEDGER_CHECKPOINT_LOG = str(path)
    return path


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Callable[[], Any]:
    """A block whose transaction counts as committed when it ends (the test's own
    transaction never commits), running what waits for the commit."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _logged(log: Path) -> list[int]:
    if not log.exists():
        return []
    return [
        verify_checkpoint(note, keys.verifier()).size
        for _, note in split_notes(log.read_text(encoding="utf-8"))
    ]


@pytest.mark.django_db
def test_a_checkpoint_is_logged_once_its_transaction_commits(
    log: Path, append: Callable[..., Entry], committed: Callable[[], Any]
) -> None:
    append()
    with committed():
        sign_checkpoint()
        assert not log.exists()
    assert _logged(log) == [1]
    assert log.read_text(encoding="utf-8") == SignedCheckpoint.objects.get().note + "\n"
    with committed():
        sign_checkpoint()  # not grown: nothing new signed, nothing logged
    append()
    with committed():
        sign_checkpoint()
    assert _logged(log) == [1, 2]


@pytest.mark.django_db
def test_a_signature_rolled_back_is_not_logged(
    log: Path, append: Callable[..., Entry], committed: Callable[[], Any]
) -> None:
    append()
    with committed(), pytest.raises(ZeroDivisionError), transaction.atomic():
        sign_checkpoint()
        raise ZeroDivisionError
    assert not log.exists()


@pytest.mark.django_db
def test_every_signer_logs(
    log: Path,
    append: Callable[..., Entry],
    committed: Callable[[], Any],
    client: Client,
    practitioner: User,
    tmp_path: Path,
) -> None:
    """The command, cron's --if-grown, the public URL, prove and the proof download."""
    client.force_login(practitioner)
    signers: list[Callable[[], object]] = [
        lambda: call_command("ledger", "checkpoint"),
        lambda: call_command("ledger", "checkpoint", "--if-grown"),
        lambda: client.get(reverse("ledger:checkpoint")),
        lambda: call_command("ledger", "prove", "0", "--out", str(tmp_path / "proof.json")),
        lambda: client.get(reverse("ledger:proof", args=[Entry.objects.get(sequence=0).uuid])),
    ]
    for sign in signers:
        append()
        with committed():
            sign()
    assert _logged(log) == [1, 2, 3, 4, 5]


@pytest.fixture
def commits(transactional_db: None) -> Iterator[None]:
    """Transactions that really commit (so what waits for a commit runs where it does in
    production); the tables are emptied afterwards, which the ledger's guards refuse."""
    yield
    immutability.remove(connection, LEDGER_GUARDS)


@pytest.mark.usefixtures("commits")
def test_a_log_that_cannot_be_written_fails_the_command_but_not_the_public_url(
    settings: Any,
    tmp_path: Path,
    append: Callable[..., Entry],
    client: Client,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings.SAFESHARE_LEDGER_CHECKPOINT_LOG = str(tmp_path / "missing" / "checkpoints.log")
    append()
    message = verify_failure_of("checkpoint", "--if-grown")
    assert message.startswith(
        "checkpoint 1 was signed, but could not be added to the checkpoint log "
    )
    assert "`{ safeshare ledger checkpoint --size 1; echo; } >> " in message
    assert SignedCheckpoint.objects.get().size == 1
    append()
    response = client.get(reverse("ledger:checkpoint"))
    assert response.status_code == 200
    assert verify_checkpoint(response.content, keys.verifier()).size == 2
    assert "ledger.checkpoint_log_failed size=2" in caplog.text


# --- checkpoint --if-grown, for cron ------------------------------------------------------------


@pytest.mark.django_db
def test_if_grown_signs_only_when_the_tree_grew(
    log: Path,
    append: Callable[..., Entry],
    committed: Callable[[], Any],
    capsys: pytest.CaptureFixture[str],
) -> None:
    append()
    with committed():
        call_command("ledger", "checkpoint", "--if-grown")
    root = base64.b64encode(bytes(SignedCheckpoint.objects.get().root)).decode()
    assert capsys.readouterr() == (f"Signed checkpoint 1 (root {root}).\n", "")
    with committed():
        call_command("ledger", "checkpoint", "--if-grown")
    assert capsys.readouterr() == ("", "")
    assert list(SignedCheckpoint.objects.values_list("size", flat=True)) == [1]
    assert _logged(log) == [1]
    append()
    with committed():
        call_command("ledger", "checkpoint", "--if-grown")
    assert capsys.readouterr().out.startswith("Signed checkpoint 2 (root ")
    assert _logged(log) == [1, 2]


@pytest.mark.django_db
def test_if_grown_fails_without_a_key(settings: Any, append: Callable[..., Entry]) -> None:
    settings.SAFESHARE_LEDGER_SIGNING_KEY = None
    append()
    assert "no signing key" in verify_failure_of("checkpoint", "--if-grown")


def verify_failure_of(*args: str) -> str:
    from django.core.management import CommandError

    with pytest.raises(CommandError) as caught:
        call_command("ledger", *args)
    assert caught.value.returncode == 1
    return str(caught.value)


# --- verify --against the log -------------------------------------------------------------------


@pytest.fixture
def logged_history(
    log: Path, append: Callable[..., Entry], committed: Callable[[], Any]
) -> Iterator[Path]:
    """Three checkpoints signed and logged, at sizes 2, 5 and 9."""
    for size in (2, 5, 9):
        while Entry.objects.count() < size:
            append()
        with committed():
            sign_checkpoint()
    yield log


@pytest.mark.django_db
def test_verify_checks_the_ledger_against_every_checkpoint_in_the_log(
    logged_history: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("ledger", "verify", "--against", str(logged_history))
    assert "Consistent with all 3 checkpoints held elsewhere (sizes 2 to 9)." in (
        capsys.readouterr().out
    )


@pytest.mark.django_db
def test_verify_against_the_log_catches_a_database_rolled_back(logged_history: Path) -> None:
    """The database alone rolled back to size 5, its checkpoint rows with it: only the log
    still knows of size 9."""
    tamper(
        "DELETE FROM ledger_entry WHERE sequence >= 5",
        "DELETE FROM ledger_node WHERE key >= 320",
        "DELETE FROM ledger_signedcheckpoint WHERE size > 5",
    )
    call_command("ledger", "verify")  # the database alone is consistent
    assert verify_failure("--against", str(logged_history)).splitlines()[1] == (
        "root mismatch: the checkpoint held elsewhere covers 9 entries but the ledger holds 5: "
        "entries have been removed or the ledger rolled back"
    )


@pytest.mark.django_db
def test_verify_against_the_log_catches_a_fork(logged_history: Path) -> None:
    """A note in the log for size 5 with another root: someone signed another history."""
    with logged_history.open("a", encoding="utf-8") as handle:
        handle.write(_note(5) + "\n")
    assert "root mismatch: the checkpoint held elsewhere has root AQEB" in verify_failure(
        "--against", str(logged_history)
    )


@pytest.mark.django_db
def test_verify_names_a_note_in_the_log_that_does_not_verify(logged_history: Path) -> None:
    other = Signer.from_key_string(generate_signer_key("safeshare.test/ledger")[0])
    with logged_history.open("a", encoding="utf-8") as handle:
        handle.write(_note(9, other) + "\n")
    with pytest.raises(Exception, match=r"the checkpoint given \(the note at line 19\) does not"):
        call_command("ledger", "verify", "--against", str(logged_history))


@pytest.mark.django_db
def test_verify_takes_the_old_and_the_new_key_after_a_rotation(
    logged_history: Path, settings: Any, append: Callable[..., Entry], committed: Callable[[], Any]
) -> None:
    old_key = keys.verifier().key_string()
    new_signer = generate_signer_key("safeshare.test/ledger")[0]
    settings.SAFESHARE_LEDGER_SIGNING_KEY = new_signer
    append()
    with committed():
        sign_checkpoint()  # size 10, under the new key
    new_key = keys.verifier().key_string()
    with pytest.raises(Exception, match="does not verify"):
        call_command("ledger", "verify", "--against", str(logged_history), "--key", new_key)
    call_command(
        "ledger", "verify", "--against", str(logged_history), "--key", old_key, "--key", new_key
    )
