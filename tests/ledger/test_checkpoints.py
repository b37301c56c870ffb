from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from safeshare.core import immutability
from safeshare.ledger import keys, merkle
from safeshare.ledger.actions import InconsistentCheckpoint, sign_checkpoint
from safeshare.ledger.checkpoint import Checkpoint, verify_checkpoint
from safeshare.ledger.checkpoint import sign_checkpoint as sign_note
from safeshare.ledger.models import Entry, Node, SignedCheckpoint
from tests.ledger.conftest import LEDGER_GUARDS

pytestmark = pytest.mark.django_db


def test_it_signs_a_c2sp_checkpoint_of_the_tree(append: Callable[..., Entry]) -> None:
    leaves = [bytes(append().leaf_hash) for _ in range(3)]
    stored = sign_checkpoint()
    cp = verify_checkpoint(stored.note, keys.verifier(), origin="safeshare.test/ledger")
    assert (cp.size, cp.root_hash) == (3, merkle.tree_root(leaves))
    assert stored.note.startswith("safeshare.test/ledger\n3\n")
    assert "\n\n\u2014 safeshare.test/ledger " in stored.note


def test_it_signs_again_only_when_the_tree_grew(append: Callable[..., Entry]) -> None:
    append()
    first = sign_checkpoint()
    assert sign_checkpoint().pk == first.pk
    append()
    assert sign_checkpoint().size == 2
    assert SignedCheckpoint.objects.count() == 2


def test_it_refuses_to_sign_a_tree_inconsistent_with_the_last_checkpoint(
    append: Callable[..., Entry],
) -> None:
    append()
    append()
    # A checkpoint "signed earlier" over a different history of 1 entry.
    SignedCheckpoint.objects.create(
        size=1,
        root=b"\3" * 32,
        note=sign_note(Checkpoint(keys.origin(), 1, b"\3" * 32), keys.signer()),
        signed_at=Entry.objects.get(sequence=0).time,
    )
    with pytest.raises(InconsistentCheckpoint, match="not an extension of the last signed"):
        sign_checkpoint()


def test_it_refuses_to_sign_when_entries_have_gone(append: Callable[..., Entry]) -> None:
    for _ in range(3):
        append()
    sign_checkpoint()
    # Roll the ledger back to 2 entries, consistently, as a database owner could.
    immutability.remove(connection, LEDGER_GUARDS)
    Entry.objects.filter(sequence=2).delete()
    with pytest.raises(InconsistentCheckpoint, match="checkpoint 3 was already signed"):
        sign_checkpoint()


def test_it_refuses_to_sign_when_the_newest_entry_was_edited(
    append: Callable[..., Entry],
) -> None:
    for _ in range(4):
        append()
    immutability.remove(connection, LEDGER_GUARDS)
    Entry.objects.filter(sequence=3).update(event_type="subjects.person.removed")
    with pytest.raises(InconsistentCheckpoint, match="entry 3 does not match its leaf hash"):
        sign_checkpoint()


def test_it_refuses_to_sign_when_a_node_the_root_needs_is_missing(
    append: Callable[..., Entry],
) -> None:
    for _ in range(6):
        append()
    immutability.remove(connection, LEDGER_GUARDS)
    Node.objects.filter(level=2, index=0).delete()
    with pytest.raises(InconsistentCheckpoint, match=r"tree node \(2, 0\) is missing"):
        sign_checkpoint()


@override_settings(SAFESHARE_LEDGER_SIGNING_KEY=None)
def test_it_cannot_sign_without_a_key(append: Callable[..., Entry]) -> None:
    append()
    with pytest.raises(keys.SigningKeyMissing, match="SAFESHARE_LEDGER_SIGNING_KEY"):
        sign_checkpoint()


@override_settings(SAFESHARE_LEDGER_ORIGIN="safeshare.example.org/elsewhere")
def test_it_refuses_a_key_made_for_another_origin(db: None) -> None:
    with pytest.raises(keys.SigningKeyMissing, match=r"named 'safeshare\.test/ledger'"):
        sign_checkpoint()


def test_the_checkpoint_url_publishes_the_latest_signed_note(
    client: Client, append: Callable[..., Entry]
) -> None:
    append()
    response = client.get(reverse("ledger:checkpoint"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert verify_checkpoint(response.content, keys.verifier()).size == 1
    append()
    assert (
        verify_checkpoint(client.get(reverse("ledger:checkpoint")).content, keys.verifier()).size
        == 2
    )
    older = client.get(reverse("ledger:checkpoint_at", args=[1]))
    assert verify_checkpoint(older.content, keys.verifier()).size == 1
    assert client.get(reverse("ledger:checkpoint_at", args=[7])).status_code == 404


def test_the_key_url_publishes_the_verifier_key_only(client: Client) -> None:
    response = client.get(reverse("ledger:key"))
    assert response.content.decode().strip() == keys.verifier().key_string()
    assert "PRIVATE" not in response.content.decode()


@override_settings(SAFESHARE_LEDGER_SIGNING_KEY=None)
def test_the_checkpoint_url_says_why_without_a_key(db: None, client: Client) -> None:
    for name in ("ledger:checkpoint", "ledger:key"):
        response = client.get(reverse(name))
        assert response.status_code == 503
        assert b"no signing key" in response.content


def test_the_checkpoint_command_prints_the_note(
    append: Callable[..., Entry], capsys: pytest.CaptureFixture[str]
) -> None:
    append()
    call_command("ledger", "checkpoint")
    assert verify_checkpoint(capsys.readouterr().out, keys.verifier()).size == 1
    call_command("ledger", "checkpoint", "--size", "1")
    assert capsys.readouterr().out.startswith("safeshare.test/ledger\n1\n")
    with pytest.raises(CommandError, match="No checkpoint of size 5"):
        call_command("ledger", "checkpoint", "--size", "5")
