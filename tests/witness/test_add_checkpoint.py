"""POST /witness/add-checkpoint: every status code of C2SP tlog-witness, and the update."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from safeshare.ledger import cosignature, merkle
from safeshare.ledger.checkpoint import Checkpoint, Signer, generate_signer_key, sign_checkpoint
from safeshare.ledger.models import Entry
from safeshare.witness import actions
from safeshare.witness.models import Refusal, WitnessedLog
from tests.witness.conftest import ORIGIN, FakeLog

URL = "/witness/add-checkpoint"


def _post(client: Client, body: bytes) -> tuple[int, str, str]:
    response = client.post(URL, data=body, content_type="text/plain")
    return response.status_code, response["Content-Type"], response.content.decode()


def _stored() -> WitnessedLog:
    return WitnessedLog.objects.get(origin=ORIGIN)


def test_url_name() -> None:
    assert reverse("witness:add_checkpoint") == URL


def test_first_checkpoint_is_cosigned_and_recorded(
    client: Client, log: FakeLog, witness_key: cosignature.WitnessVerifier
) -> None:
    log.grow(5)
    note = log.note()
    status, ctype, body = _post(client, log.request(0, note))
    assert status == 200 and ctype.startswith("text/plain")
    assert witness_key.verify_line(body, cosignature.note_text(note)) is not None
    stored = _stored()
    assert stored.size == 5
    assert stored.root is not None and bytes(stored.root) == merkle.tree_root(log.leaves)


def test_extension_with_consistency_proof(client: Client, log: FakeLog) -> None:
    log.grow(3)
    assert _post(client, log.request(0))[0] == 200
    log.grow(4)
    assert _post(client, log.request(3))[0] == 200
    assert _stored().size == 7
    # The same checkpoint again: old == size, same root, empty proof: cosigned again.
    assert _post(client, log.request(7))[0] == 200


def test_unknown_origin_is_404(client: Client, log: FakeLog) -> None:
    signer_key, _ = generate_signer_key("other.example/log")
    note = sign_checkpoint(
        Checkpoint("other.example/log", 0, merkle.EMPTY_ROOT), Signer.from_key_string(signer_key)
    )
    assert _post(client, log.request(0, note))[0] == 404


def test_bad_signature_is_403(client: Client, log: FakeLog) -> None:
    log.grow(2)
    text, sig = log.note().rsplit("\n\n", 1)
    forged = text.replace("\n2\n", "\n3\n") + "\n\n" + sig
    assert _post(client, log.request(0, forged))[0] == 403
    assert _stored().size == 0
    assert not Refusal.objects.exists()  # anyone can send a bad signature: not recorded


def test_old_size_differs_is_409_with_latest_size(client: Client, log: FakeLog) -> None:
    log.grow(4)
    assert _post(client, log.request(0))[0] == 200
    log.grow(2)
    status, ctype, body = _post(client, log.request(2))
    assert (status, ctype, body) == (409, "text/x.tlog.size", "4\n")
    refusal = Refusal.objects.get()
    assert (refusal.reason, refusal.old_size, refusal.checkpoint_size, refusal.latest_size) == (
        "conflict",
        2,
        6,
        4,
    )
    assert _stored().size == 4


def test_rollback_is_409(client: Client, log: FakeLog) -> None:
    """A log restored to an older state sends an older, smaller checkpoint."""
    log.grow(6)
    assert _post(client, log.request(0))[0] == 200
    older = log.note(size=3, leaves=log.leaves[:3])
    status, _, body = _post(client, log.request(0, older, proof=[]))
    assert (status, body) == (409, "6\n")
    assert _stored().size == 6


def test_fork_at_same_size_is_409(client: Client, log: FakeLog) -> None:
    log.grow(3)
    assert _post(client, log.request(0))[0] == 200
    forked = [*log.leaves[:2], merkle.leaf_hash(b"fork")]
    status, ctype, body = _post(client, log.request(3, log.note(leaves=forked), proof=[]))
    assert (status, ctype, body) == (409, "text/x.tlog.size", "3\n")
    assert Refusal.objects.get().reason == "fork"


def test_bad_proof_is_422(client: Client, log: FakeLog) -> None:
    log.grow(3)
    assert _post(client, log.request(0))[0] == 200
    log.grow(2)
    status, _, _ = _post(client, log.request(3, proof=[b"\x00" * 32 for _ in range(3)]))
    assert status == 422
    assert Refusal.objects.get().reason == "bad_proof"
    assert _stored().size == 3


@pytest.mark.parametrize(
    "body",
    [b"", b"old 0\n", b"old x\n\nhello\n", b"old 01\n\n", b"old 0\nnot-base64!\n\nx\n"],
)
def test_malformed_is_400(client: Client, log: FakeLog, body: bytes) -> None:
    assert _post(client, body)[0] == 400


def test_old_larger_than_checkpoint_is_400(client: Client, log: FakeLog) -> None:
    log.grow(2)
    assert _post(client, log.request(0))[0] == 200
    assert _post(client, log.request(5, proof=[]))[0] == 400


def test_get_is_405(client: Client, log: FakeLog) -> None:
    assert client.get(URL).status_code == 405


def test_too_large_is_413(client: Client, log: FakeLog) -> None:
    body = b"old 0\n\n" + b"x" * (actions.MAX_BODY_BYTES + 1)
    assert _post(client, body)[0] == 413


def test_no_witness_key_is_503(client: Client, log: FakeLog, settings: Any) -> None:
    settings.SAFESHARE_WITNESS_KEY = None
    log.grow(1)
    assert _post(client, log.request(0))[0] == 503


def test_no_csrf_token_needed_and_no_session(log: FakeLog) -> None:
    client = Client(enforce_csrf_checks=True)
    log.grow(1)
    response = client.post(URL, data=log.request(0), content_type="text/plain")
    assert response.status_code == 200
    assert "sessionid" not in response.cookies


def test_add_log_writes_ledger_event(log: FakeLog) -> None:
    assert Entry.objects.filter(event_type="witness.log.added").count() == 1


def test_add_log_twice_refused(log: FakeLog) -> None:
    with pytest.raises(actions.WitnessError):
        actions.add_log(origin=ORIGIN, key=log.verifier_key)


def test_add_log_command(db: None, tmp_path: Path) -> None:
    _, verifier_key = generate_signer_key("cmd.example/log")
    key_file = tmp_path / "log.pub"
    key_file.write_text(verifier_key + "\n")
    call_command("witness", "add-log", "--origin", "cmd.example/log", "--key", str(key_file))
    assert WitnessedLog.objects.get(origin="cmd.example/log").key == verifier_key
    bad = tmp_path / "bad.pub"
    bad.write_text("not a key\n")
    with pytest.raises(CommandError, match="not a note verifier key"):
        call_command("witness", "add-log", "--origin", "x.example", "--key", str(bad))


def test_same_old_size_only_one_succeeds(log: FakeLog) -> None:
    """The conditional UPDATE: a second request from the same old size, after the first
    moved the log on, gets 409 and changes nothing."""
    log.grow(2)
    first = log.request(0)
    log.grow(1)
    second = log.request(0)
    assert actions.add_checkpoint(first).status == 200
    assert actions.add_checkpoint(second).status == 409
    assert _stored().size == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_from_same_old_size(witness_key: cosignature.WitnessVerifier) -> None:
    if connection.vendor == "sqlite":
        pytest.skip("in-memory SQLite is not shared between threads; see the test above")
    signer_key, verifier_key = generate_signer_key(ORIGIN)
    actions.add_log(origin=ORIGIN, key=verifier_key)
    log = FakeLog(Signer.from_key_string(signer_key), verifier_key)
    log.grow(2)
    a = log.request(0)
    log.grow(1)
    b = log.request(0)
    results: list[int] = []
    barrier = threading.Barrier(2, timeout=30)

    def run(body: bytes) -> None:
        barrier.wait()
        try:
            results.append(actions.add_checkpoint(body).status)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(body,)) for body in (a, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(results) == [200, 409]
