"""Two live deployments on loopback witness each other through the real HTTP endpoint and
the `ledger.witness` job; then one is rolled back (an older copy of its database put back,
as restoring an old backup does) and the other refuses it with 409, records the refusal,
and writes nothing else.

Each deployment has its own database (tests/ledger/deployments.py), ledger signing key,
witness key and `safeshare serve` on a free port; the commands run as an operator runs them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from safeshare.ledger import cosignature
from safeshare.ledger.checkpoint import generate_signer_key
from tests.ledger.deployments import (
    Databases,
    LiveServer,
    execute,
    free_port,
    http,
    query,
    safeshare,
)


@dataclass
class Deployment:
    name: str
    url: str
    folder: Path
    port: int = field(default_factory=free_port)
    env: dict[str, str] = field(default_factory=dict)
    server: LiveServer | None = None

    @property
    def origin(self) -> str:
        return f"safeshare.test/{self.name}"

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def run(self, *args: str) -> str:
        done = safeshare(self.url, *args, **self.env)
        assert done.returncode == 0, (args, done.stdout, done.stderr)
        return done.stdout

    def serve(self) -> None:
        self.server = LiveServer(self.url, self.port, self.env, self.folder / "serve.log")
        self.server.start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()

    def witness_job(self) -> str:
        # One run per slot: forget the last run so the job runs now.
        self.run("ledger", "checkpoint", "--if-grown")
        execute(self.url, "DELETE FROM jobs_jobrun WHERE job = 'ledger.witness'")
        return self.run("jobs", "run", "--once", "--job", "ledger.witness")


def make(name: str, databases: Databases, tmp_path: Path) -> Deployment:
    folder = tmp_path / name
    folder.mkdir()
    url = databases.new()
    deployment = Deployment(name, url, folder)
    log_signer, log_verifier = generate_signer_key(deployment.origin)
    witness_signer, witness_verifier = cosignature.generate_key(f"witness.{name}.test")
    (folder / "ledger.pub").write_text(log_verifier + "\n")
    (folder / "witness.pub").write_text(witness_verifier + "\n")
    deployment.env = {
        "SAFESHARE_LEDGER_ORIGIN": deployment.origin,
        "SAFESHARE_LEDGER_SIGNING_KEY": log_signer,
        "SAFESHARE_WITNESS_KEY": witness_signer,
        "SAFESHARE_WITNESS_TIMEOUT": "5",
        "SAFESHARE_VAR_DIR": str(folder / "var"),
        "SAFESHARE_HASHED_STATIC": "false",
    }
    deployment.run("migrate", "--no-input", "-v", "0")
    return deployment


def witnessed(witness: Deployment, origin: str) -> tuple[int, bytes | None]:
    ((size, root),) = query(
        witness.url, f"SELECT size, root FROM witness_witnessedlog WHERE origin = '{origin}'"
    )
    return int(size), None if root is None else bytes(root)


def refusals(witness: Deployment) -> list[tuple[object, ...]]:
    return query(
        witness.url,
        "SELECT origin, reason, status, old_size, checkpoint_size, latest_size "
        "FROM witness_refusal ORDER BY id",
    )


def _request(old: int, leaves: list[bytes], size: int, signer_key: str, origin: str) -> bytes:
    import base64

    from safeshare.ledger import merkle
    from safeshare.ledger.checkpoint import Checkpoint, Signer, sign_checkpoint

    proof = merkle.consistency_proof(leaves[:size], old) if 0 < old < size else []
    note = sign_checkpoint(
        Checkpoint(origin, size, merkle.tree_root(leaves[:size])),
        Signer.from_key_string(signer_key),
    )
    lines = [f"old {old}", *(base64.b64encode(h).decode() for h in proof)]
    return ("\n".join(lines) + "\n\n" + note).encode()


def test_a_live_witness_cosigns_over_http_and_refuses_a_rollback(tmp_path: Path) -> None:
    """The witness endpoint of a deployment served by gunicorn, driven by hand as a log's
    client would (no log-side code)."""
    from safeshare.ledger import merkle

    databases = Databases(tmp_path)
    witness = make("beta", databases, tmp_path)
    origin = "safeshare.test/hand"
    signer_key, verifier_key = generate_signer_key(origin)
    (tmp_path / "hand.pub").write_text(verifier_key + "\n")
    witness.run("witness", "add-log", "--origin", origin, "--key", str(tmp_path / "hand.pub"))
    leaves = [merkle.leaf_hash(f"entry {i}".encode()) for i in range(12)]
    key = cosignature.WitnessVerifier.from_key_string((witness.folder / "witness.pub").read_text())
    try:
        witness.serve()
        url = f"{witness.base}/witness/add-checkpoint"
        status, _, line = http("POST", url, _request(0, leaves, 5, signer_key, origin))
        assert status == 200
        body = cosignature.note_text(_request(0, leaves, 5, signer_key, origin).decode())
        body = body.split("\n\n", 1)[1]
        assert key.verify_line(line.decode(), body) is not None
        assert http("POST", url, _request(5, leaves, 12, signer_key, origin))[0] == 200
        before = query(witness.url, "SELECT size, root, updated_at FROM witness_witnessedlog")
        # Rolled back to 5 entries, then grown differently: the old size is stale.
        forked = leaves[:5] + [merkle.leaf_hash(b"other")] * 7
        status, content_type, answer = http("POST", url, _request(5, forked, 9, signer_key, origin))
        assert (status, content_type, answer) == (409, "text/x.tlog.size", b"12\n")
        # A fork at the same size.
        status, _, answer = http("POST", url, _request(12, forked, 12, signer_key, origin))
        assert (status, answer) == (409, b"12\n")
        assert (
            query(witness.url, "SELECT size, root, updated_at FROM witness_witnessedlog") == before
        )
        assert refusals(witness) == [
            (origin, "conflict", 409, 5, 9, 12),
            (origin, "fork", 409, 12, 12, 12),
        ]
        # Unknown origin, and another key for a known one.
        other_key, _ = generate_signer_key("safeshare.test/unknown")
        unknown = _request(0, leaves, 3, other_key, "safeshare.test/unknown")
        assert http("POST", url, unknown)[0] == 404
        impostor, _ = generate_signer_key(origin)
        assert http("POST", url, _request(12, leaves, 12, impostor, origin))[0] == 403
    finally:
        witness.stop()
        databases.drop_all()
