"""The scheduled job `ledger.witness` (witnessing.witness_job), run in this process against
a witness served live: a second deployment on 127.0.0.1 with its own database
(tests/ledger/deployments.py), witnessing this test's log after `safeshare witness add-log`
with the log's verifier key.

One witness deployment serves the module; each test gives its log a new origin and key,
so the witness's state for one test's log is its own. A restored backup of the log is the
test's own database rolled back to a savepoint: the rows written since (entries,
checkpoints, cosignatures) are gone, as after a restore, while the witness keeps what it
cosigned.
"""

from __future__ import annotations

import base64
import io
import secrets
import socket
import threading
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from safeshare.ledger import cosignature, queries, witnessing
from safeshare.ledger.actions import sign_checkpoint_if_grown
from safeshare.ledger.checkpoint import generate_signer_key
from safeshare.ledger.models import Cosignature, Entry, SignedCheckpoint, WitnessFailure
from tests.ledger.deployments import Databases, LiveServer, free_port, http, query, safeshare


@dataclass
class WitnessDeployment:
    url: str  # its database
    server: LiveServer
    env: dict[str, str]
    verifier_key: str  # its cosignature/v1 verifier key
    key_file: Path

    @property
    def prefix(self) -> str:
        """The tlog-witness prefix add-witness is given."""
        return f"{self.server.base}/witness"

    def run(self, *args: str) -> str:
        done = safeshare(self.url, *args, **self.env)
        assert done.returncode == 0, (args, done.stdout, done.stderr)
        return done.stdout

    def size_of(self, origin: str) -> int:
        ((size,),) = query(
            self.url, f"SELECT size FROM witness_witnessedlog WHERE origin = '{origin}'"
        )
        return int(size)

    def updated_at(self, origin: str) -> object:
        ((updated,),) = query(
            self.url, f"SELECT updated_at FROM witness_witnessedlog WHERE origin = '{origin}'"
        )
        return updated

    def refusals(self, origin: str) -> list[tuple[object, ...]]:
        return query(
            self.url,
            "SELECT reason, status, old_size, checkpoint_size, latest_size "
            f"FROM witness_refusal WHERE origin = '{origin}' ORDER BY id",
        )


@pytest.fixture(scope="module")
def witness(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WitnessDeployment]:
    folder = tmp_path_factory.mktemp("witness")
    databases = Databases(folder)
    url = databases.new()
    log_signer, _ = generate_signer_key("safeshare.test/beta")
    signer_key, verifier_key = cosignature.generate_key("witness.beta.test")
    key_file = folder / "witness.pub"
    key_file.write_text(verifier_key + "\n")
    env = {
        "SAFESHARE_LEDGER_ORIGIN": "safeshare.test/beta",
        "SAFESHARE_LEDGER_SIGNING_KEY": log_signer,
        "SAFESHARE_WITNESS_KEY": signer_key,
        "SAFESHARE_VAR_DIR": str(folder / "var"),
        "SAFESHARE_HASHED_STATIC": "false",
    }
    server = LiveServer(url, free_port(), env, folder / "serve.log")
    deployment = WitnessDeployment(url, server, env, verifier_key, key_file)
    try:
        deployment.run("migrate", "--no-input", "-v", "0")
        server.start(timeout=60)
        yield deployment
    finally:
        server.stop()
        databases.drop_all()


@dataclass
class Log:
    origin: str


@pytest.fixture
def log(db: None, settings: Any, witness: WitnessDeployment, tmp_path: Path) -> Log:
    """This test's log: a new origin and signing key, witnessed by `witness`."""
    origin = f"safeshare.test/log-{secrets.token_hex(4)}"
    signer_key, verifier_key = generate_signer_key(origin)
    settings.SAFESHARE_LEDGER_ORIGIN = origin
    settings.SAFESHARE_LEDGER_SIGNING_KEY = signer_key
    settings.SAFESHARE_LEDGER_CHECKPOINT_LOG = None
    settings.SAFESHARE_WITNESS_TIMEOUT = 5
    key = tmp_path / "log.pub"
    key.write_text(verifier_key + "\n")
    witness.run("witness", "add-log", "--origin", origin, "--key", str(key))
    return Log(origin)


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The bodies of the add-checkpoint requests this process sends (urlopen spied on)."""
    bodies: list[str] = []
    real = urllib.request.urlopen

    def spy(request: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(request, urllib.request.Request) and request.full_url.endswith(
            "/add-checkpoint"
        ):
            assert isinstance(request.data, bytes)
            bodies.append(request.data.decode())
        return real(request, *args, **kwargs)

    monkeypatch.setattr(urllib.request, "urlopen", spy)
    return bodies


def grow(append: Callable[..., Entry], n: int) -> SignedCheckpoint:
    """`n` more entries, then the checkpoint the job `ledger.checkpoint` signs."""
    for _ in range(n):
        append()
    stored = sign_checkpoint_if_grown()
    assert stored is not None
    return stored


def verifies(witness: WitnessDeployment, stored: SignedCheckpoint, line: str) -> bool:
    verifier = cosignature.WitnessVerifier.from_key_string(witness.verifier_key)
    return verifier.verify_line(line, cosignature.note_text(stored.note)) is not None


def request_body(old: int, stored: SignedCheckpoint) -> bytes:
    """An add-checkpoint body for `stored` from `old`, as the log builds it."""
    proof = queries.consistency_proof(old, stored.size) if 0 < old < stored.size else []
    lines = [f"old {old}", *(base64.b64encode(h).decode() for h in proof)]
    return ("\n".join(lines) + "\n\n" + stored.note).encode()


def test_the_job_sends_each_new_checkpoint_from_the_last_cosigned_size(
    log: Log,
    witness: WitnessDeployment,
    append: Callable[..., Entry],
    sent: list[str],
    client: Client,
) -> None:
    call_command(
        "ledger",
        "add-witness",
        "--name",
        "beta",
        "--url",
        witness.prefix,
        "--key",
        str(witness.key_file),
        stdout=io.StringIO(),
    )
    first = grow(append, 3)

    assert witnessing.witness_job() == 1
    assert [body.split("\n", 1)[0] for body in sent] == ["old 0"]
    cosigned = Cosignature.objects.get(witness__name="beta", size=first.size)
    assert verifies(witness, first, cosigned.line)
    assert witness.size_of(log.origin) == first.size
    page = client.get("/ledger/checkpoint")
    assert page.status_code == 200
    assert page.content.decode() == first.note + cosigned.line + "\n"

    second = grow(append, 2)
    sent.clear()
    assert witnessing.witness_job() == 1
    proof = queries.consistency_proof(first.size, second.size)
    assert proof
    assert sent == [request_body(first.size, second).decode()]
    assert verifies(witness, second, Cosignature.objects.get(size=second.size).line)
    assert witness.size_of(log.origin) == second.size
    assert cosignature.signature_lines(client.get("/ledger/checkpoint").content.decode())[1:] == [
        Cosignature.objects.get(size=second.size).line
    ]

    # Nothing new: nothing is sent, nothing stored, nothing refused.
    sent.clear()
    before = witness.updated_at(log.origin)
    assert witnessing.witness_job() == 0
    assert sent == []
    assert Cosignature.objects.count() == 2
    assert not WitnessFailure.objects.exists()
    assert witness.updated_at(log.origin) == before
    assert witness.refusals(log.origin) == []


class Restored(Exception):
    """Rolls the log's database back to a savepoint: an older backup put back."""


def test_a_restored_backup_is_refused_and_recorded(
    log: Log, witness: WitnessDeployment, append: Callable[..., Entry], sent: list[str]
) -> None:
    witnessing.add_witness(name="beta", url=witness.prefix, key=witness.verifier_key)
    backup = grow(append, 2)
    assert witnessing.witness_job() == 1
    with pytest.raises(Restored), transaction.atomic():
        larger = grow(append, 3)
        assert witnessing.witness_job() == 1
        assert witness.size_of(log.origin) == larger.size
        raise Restored
    assert queries.latest_checkpoint() == backup
    assert list(Cosignature.objects.values_list("size", flat=True)) == [backup.size]

    # The restored log grows again: a smaller tree than the witness cosigned.
    smaller = grow(append, 1)
    assert smaller.size < larger.size
    sent.clear()
    assert witnessing.witness_job() == 0
    assert len(sent) == 1  # the witness's size is above this checkpoint: no retry
    failure = WitnessFailure.objects.get()
    assert (failure.witness.name, failure.status, failure.size, failure.old_size) == (
        "beta",
        409,
        smaller.size,
        backup.size,
    )
    assert failure.detail == str(larger.size)
    assert not Cosignature.objects.filter(size=smaller.size).exists()
    assert witness.size_of(log.origin) == larger.size

    # Grown to the size the witness holds, with other entries: a fork. The retry from
    # the witness's size is refused too, and only that is recorded.
    forked = grow(append, larger.size - smaller.size)
    assert forked.size == larger.size and bytes(forked.root) != bytes(larger.root)
    sent.clear()
    assert witnessing.witness_job() == 0
    assert [body.split("\n", 1)[0] for body in sent] == [f"old {backup.size}", f"old {larger.size}"]
    failure = WitnessFailure.objects.latest("id")
    assert (failure.status, failure.size, failure.old_size) == (409, forked.size, larger.size)
    assert failure.detail == (
        f"retried from the witness's size {larger.size} after 409 from {backup.size}: {larger.size}"
    )

    # Beyond it: the proof from the witness's size does not verify (422).
    beyond = grow(append, 1)
    assert witnessing.witness_job() == 0
    failure = WitnessFailure.objects.latest("id")
    assert (failure.status, failure.size, failure.old_size) == (422, beyond.size, larger.size)
    assert WitnessFailure.objects.count() == 3
    assert list(Cosignature.objects.values_list("size", flat=True)) == [backup.size]
    assert witness.size_of(log.origin) == larger.size
    assert witness.refusals(log.origin) == [
        ("conflict", 409, backup.size, smaller.size, larger.size),
        ("conflict", 409, backup.size, forked.size, larger.size),
        ("fork", 409, larger.size, forked.size, larger.size),
        ("conflict", 409, backup.size, beyond.size, larger.size),
        ("bad_proof", 422, larger.size, beyond.size, larger.size),
    ]


def test_an_unreachable_witness_is_recorded_and_the_others_still_get_the_checkpoint(
    log: Log, witness: WitnessDeployment, append: Callable[..., Entry]
) -> None:
    witnessing.add_witness(
        name="a-offline", url=f"http://127.0.0.1:{free_port()}/witness", key=witness.verifier_key
    )
    witnessing.add_witness(name="beta", url=witness.prefix, key=witness.verifier_key)
    stored = grow(append, 1)

    assert witnessing.witness_job() == 1
    failure = WitnessFailure.objects.get()
    assert (failure.witness.name, failure.status, failure.size, failure.old_size) == (
        "a-offline",
        None,
        stored.size,
        0,
    )
    assert failure.detail.startswith("no answer: ")
    assert Cosignature.objects.get().witness.name == "beta"


def test_an_answer_that_is_not_http_is_recorded_and_does_not_end_the_job(
    log: Log, witness: WitnessDeployment, append: Callable[..., Entry]
) -> None:
    """Before the fix, http.client.BadStatusLine (not an OSError) ended the job."""
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        listener.settimeout(10)

        def answer() -> None:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            with connection:
                connection.settimeout(5)
                connection.recv(65536)
                connection.sendall(b"NOT HTTP AT ALL\r\n\r\n")

        thread = threading.Thread(target=answer, daemon=True)
        thread.start()
        port = listener.getsockname()[1]
        witnessing.add_witness(
            name="a-garbled", url=f"http://127.0.0.1:{port}/witness", key=witness.verifier_key
        )
        witnessing.add_witness(name="beta", url=witness.prefix, key=witness.verifier_key)
        stored = grow(append, 1)
        assert witnessing.witness_job() == 1
        thread.join(timeout=10)
    failure = WitnessFailure.objects.get()
    assert (failure.witness.name, failure.status, failure.size) == ("a-garbled", None, stored.size)
    assert failure.detail == "no answer: BadStatusLine"
    assert Cosignature.objects.get().witness.name == "beta"


def test_after_a_lost_answer_the_job_retries_from_the_witness_size(
    log: Log, witness: WitnessDeployment, append: Callable[..., Entry], sent: list[str]
) -> None:
    """The witness cosigned, but its answer never reached the log's database (a timeout,
    or the job's transaction rolled back): its 409 names its size, and the job retries
    from there once."""
    witnessing.add_witness(name="beta", url=witness.prefix, key=witness.verifier_key)
    url = f"{witness.prefix}/add-checkpoint"
    first = grow(append, 2)
    assert http("POST", url, request_body(0, first))[0] == 200  # the answer is lost
    sent.clear()

    assert witnessing.witness_job() == 1
    assert [body.split("\n", 1)[0] for body in sent] == ["old 0", f"old {first.size}"]
    assert verifies(witness, first, Cosignature.objects.get(size=first.size).line)
    assert not WitnessFailure.objects.exists()

    second = grow(append, 2)
    assert http("POST", url, request_body(first.size, second))[0] == 200  # lost too
    third = grow(append, 1)
    sent.clear()
    assert witnessing.witness_job() == 1
    assert sent == [
        request_body(first.size, third).decode(),
        request_body(second.size, third).decode(),
    ]
    assert verifies(witness, third, Cosignature.objects.get(size=third.size).line)
    assert not Cosignature.objects.filter(size=second.size).exists()
    assert not WitnessFailure.objects.exists()
    assert witness.size_of(log.origin) == third.size
    assert [r[0] for r in witness.refusals(log.origin)] == ["conflict", "conflict"]
