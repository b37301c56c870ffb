"""`make federation-demo` (scripts/federation-demo.sh, issue 19): two deployments with demo
data that witness each other. The script runs as `make` runs it, on two free ports and in
a folder of the test's; each deployment's /ledger/checkpoint must carry a valid cosignature
by the other's witness key. Then A's database is rolled back (an older copy put back, as
restoring an old backup does) and B refuses A's next checkpoint.

The script uses SQLite files of its own whatever DATABASE_URL says, so this runs the same
on the suite's PostgreSQL run.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import closing, suppress
from pathlib import Path
from typing import Any

import pytest

from safeshare.ledger import cosignature
from safeshare.ledger.checkpoint import generate_signer_key
from tests.ledger.deployments import free_port, http, safeshare

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "federation-demo.sh"
# First start: two migrations, demo data and the static files, then the servers.
STARTUP_SECONDS = 120


class Demo:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.ports = {"a": free_port(), "b": free_port()}
        self.log = folder / "demo.log"
        self.process: subprocess.Popen[bytes] | None = None

    def base(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    def start(self) -> None:
        # The suite's settings (tests/environment.py) are not the demo's.
        environment = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("SAFESHARE", "DATABASE", "FEDERATION_DEMO"))
            and k not in {"SECRET_KEY", "DEBUG", "HTTPS", "STATIC_ROOT"}
        }
        environment.update(
            FEDERATION_DEMO_VAR=str(self.folder / "federation"),
            FEDERATION_DEMO_PORT_A=str(self.ports["a"]),
            FEDERATION_DEMO_PORT_B=str(self.ports["b"]),
            BIN=str(Path(sys.executable).parent),
            # This checkout's code, in the script's commands too.
            PYTHONPATH=os.pathsep.join(
                p for p in (str(ROOT / "src"), os.environ.get("PYTHONPATH", "")) if p
            ),
        )
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                ["/bin/bash", str(SCRIPT)],
                cwd=ROOT,
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def stop(self) -> None:
        """The script, both servers and both jobs runners: the whole process group."""
        if self.process is None:
            return
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        # The script stops its four processes and waits for them before it exits.
        with suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=20)
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]

    def until(self, what: str, check: Callable[[], bool], seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                pytest.fail(f"the demo stopped waiting for {what}:\n{self.output()}")
            try:
                if check():
                    return
            except OSError:
                pass
            time.sleep(0.5)
        pytest.fail(f"gave up after {seconds} s waiting for {what}:\n{self.output()}")

    def folder_of(self, name: str) -> Path:
        return self.folder / "federation" / name

    def database(self, name: str) -> str:
        return f"sqlite:///{self.folder_of(name) / 'db.sqlite3'}"

    def witness_verifier(self, name: str) -> cosignature.WitnessVerifier:
        key = (self.folder_of(name) / "witness_key.pub").read_text()
        return cosignature.WitnessVerifier.from_key_string(key.strip())

    def checkpoint(self, name: str) -> str:
        status, _, body = http("GET", f"{self.base(name)}/ledger/checkpoint", timeout=5)
        assert status == 200, body
        return body.decode()

    def cosigned_by_other(self, name: str) -> bool:
        """`name`'s served checkpoint carries a valid cosignature by the other's key."""
        note = self.checkpoint(name)
        verifier = self.witness_verifier("b" if name == "a" else "a")
        text = cosignature.note_text(note)
        return any(
            verifier.verify_line(line, text) is not None
            for line in cosignature.signature_lines(note)
            if line.startswith(f"— {verifier.name} ")
        )

    def run(self, name: str, *args: str) -> str:
        """`safeshare ARGS` as the script runs it for deployment `name`."""
        folder = self.folder_of(name)
        done = safeshare(
            self.database(name),
            *args,
            SECRET_KEY="",
            SECRET_KEY_FILE=str(folder / "secret_key"),
            SAFESHARE_LEDGER_ORIGIN=f"safeshare.local/federation-{name}",
            SAFESHARE_LEDGER_SIGNING_KEY="",
            SAFESHARE_LEDGER_SIGNING_KEY_FILE=str(folder / "ledger_key"),
            SAFESHARE_WITNESS_KEY_FILE=str(folder / "witness_key"),
            SAFESHARE_FEDERATION_KEY_FILE=str(folder / "federation_key"),
            SAFESHARE_VAR_DIR=str(folder),
            STATIC_ROOT=str(self.folder / "federation" / "static"),
            SAFESHARE_DEMO="true",
            SAFESHARE_BASE_URL=self.base(name),
            SAFESHARE_WITNESS_TIMEOUT="10",
            PYTHONPATH=os.pathsep.join(
                p for p in (str(ROOT / "src"), os.environ.get("PYTHONPATH", "")) if p
            ),
        )
        assert done.returncode == 0, (args, done.stdout, done.stderr)
        return done.stdout


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Demo]:
    running = Demo(tmp_path)
    try:
        yield running
    finally:
        running.stop()


def query(url: str, sql: str) -> list[tuple[Any, ...]]:
    """Rows of the demo's SQLite database (tests.ledger.deployments.query would use the
    suite's PostgreSQL server on that run)."""
    with closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as db:
        return [tuple(row) for row in db.execute(sql)]


def execute(url: str, sql: str) -> None:
    with closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as db:
        db.execute(sql)
        db.commit()


def _copy(source: Path, target: Path) -> None:
    """SQLite's online backup: a consistent copy while the service runs (WAL and all)."""
    with closing(sqlite3.connect(source)) as db, closing(sqlite3.connect(target)) as copy:
        db.backup(copy)


def test_the_demo_deployments_witness_each_other_and_b_refuses_a_rollback_of_a(
    demo: Demo, tmp_path: Path
) -> None:
    demo.start()
    demo.until("A to serve /ledger/checkpoint", lambda: bool(demo.checkpoint("a")), STARTUP_SECONDS)
    demo.until("B to serve /ledger/checkpoint", lambda: bool(demo.checkpoint("b")), 30)
    demo.until("B's cosignature on A's checkpoint", lambda: demo.cosigned_by_other("a"), 60)
    demo.until("A's cosignature on B's checkpoint", lambda: demo.cosigned_by_other("b"), 60)
    demo.until("the demo's banner", lambda: "witness each other" in demo.output(), 30)
    output = demo.output()
    assert f"http://127.0.0.1:{demo.ports['a']}" in output
    assert f"http://127.0.0.1:{demo.ports['b']}" in output
    assert "csc.admin" in output  # the demo sign-ins
    # Pinned both ways for the exchange: each directory holds one of the other's organisations.
    remote = (
        "SELECT o.name, p.name FROM federation_remoteorganisation r "
        "JOIN accounts_organisation o ON o.id = r.organisation_id "
        "JOIN federation_peer p ON p.id = r.peer_id"
    )
    assert query(demo.database("a"), remote) == [
        ("Riverside Primary School (B partnership)", "B partnership")
    ]
    assert query(demo.database("b"), remote) == [
        ("Northshire Children's Social Care (A partnership)", "A partnership")
    ]

    # A backup of A now; then A's ledger grows and B cosigns the bigger checkpoint.
    a_db = demo.folder_of("a") / "db.sqlite3"
    backup = tmp_path / "a-backup.sqlite3"
    _copy(a_db, backup)
    ((size,),) = query(demo.database("a"), "SELECT MAX(size) FROM ledger_signedcheckpoint")
    _grow_and_witness(demo, tmp_path)
    demo.until("B's cosignature on A's grown checkpoint", lambda: demo.cosigned_by_other("a"), 10)
    assert demo.checkpoint("a").split("\n")[1] == str(size + 1)

    # Rolled back: the backup put back. A's ledger grows again, differently, and B refuses
    # the checkpoint of the same size with another root (A's retry after B's 409).
    _copy(backup, a_db)
    _grow_and_witness(demo, tmp_path)
    origin = "safeshare.local/federation-a"
    # Sets: should A's runner reach the top of a minute meanwhile, it may send once more.
    assert set(
        query(
            demo.database("b"),
            "SELECT reason, status, old_size, checkpoint_size, latest_size "
            f"FROM witness_refusal WHERE origin = '{origin}'",
        )
    ) == {("conflict", 409, size, size + 1, size + 1), ("fork", 409, size + 1, size + 1, size + 1)}
    assert set(
        query(demo.database("a"), "SELECT size, old_size, status FROM ledger_witnessfailure")
    ) == {(size + 1, size + 1, 409)}
    assert query(
        demo.database("b"), f"SELECT size FROM witness_witnessedlog WHERE origin = '{origin}'"
    ) == [(size + 1,)]
    assert not demo.cosigned_by_other("a")


def _grow_and_witness(demo: Demo, tmp_path: Path) -> None:
    """One more entry in A's ledger (A starts witnessing another log), then A's witness job
    at once rather than at the top of the next minute."""
    key = tmp_path / "other-log.pub"
    key.write_text(generate_signer_key("other.example/log")[1] + "\n")
    demo.run("a", "witness", "add-log", "--origin", "other.example/log", "--key", str(key))
    # Forget this slot's run, so --once runs the job now (tests/witness does the same).
    execute(demo.database("a"), "DELETE FROM jobs_jobrun WHERE job = 'ledger.witness'")
    demo.run("a", "jobs", "run", "--once", "--job", "ledger.witness")
