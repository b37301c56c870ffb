"""`safeshare backup` and `safeshare restore`, run as an operator runs them: processes of
their own against databases of their own (tests/ledger/deployments.py), on the suite's
database vendor."""

from __future__ import annotations

import hashlib
import io
import json
import stat
import subprocess
import sys
import tarfile
from collections.abc import Callable, Iterator
from pathlib import Path
from uuid import UUID

import pytest

from safeshare.ledger import keys
from safeshare.ledger.checkpoint import generate_signer_key, verify_checkpoint
from safeshare.ledger.checkpoint_log import split_notes
from tests.ledger.deployments import (
    POSTGRES,
    Databases,
    execute,
    query,
    safeshare,
    sqlite_path,
    tables,
)

BENCH = Path(__file__).resolve().parents[2] / "bench"
PART = "database.pgdump" if POSTGRES else "database.sqlite3"
ADD_PERSON = (
    "from safeshare.accounts.models import User; "
    "from safeshare.subjects.actions import add_person; "
    "add_person(actor=User.objects.get(username='school.teacher'), kind='child', "
    "given_names='Extra', family_name='Child')"
)


def _ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _refused(result: subprocess.CompletedProcess[str]) -> str:
    """The one-line error of a command that failed, as an operator sees it."""
    assert result.returncode == 1, result.stdout + result.stderr
    return result.stderr.strip().removeprefix("CommandError: ")


# What `safeshare demo` appends to a new ledger.
DEMO_ENTRIES = 29  # with the sign-offs the demo asks for and gives (issue 17)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A deployment as `make run` leaves it: migrated, with the demo data (DEMO_ENTRIES entries)."""
    databases = Databases(tmp_path_factory.mktemp("template"))
    url = databases.new()
    _ok(safeshare(url, "migrate", "--no-input", "-v", "0"))
    _ok(safeshare(url, "demo"))
    yield url
    databases.drop_all()


@pytest.fixture
def databases(tmp_path: Path) -> Iterator[Databases]:
    made = Databases(tmp_path)
    yield made
    made.drop_all()


@pytest.fixture
def source(databases: Databases, template: str) -> str:
    return databases.new(template)


@pytest.fixture
def log(tmp_path: Path) -> Path:
    return tmp_path / "checkpoints.log"


@pytest.fixture
def backup(source: str, tmp_path: Path, log: Path) -> Path:
    path = tmp_path / "nightly.safeshare-backup"
    _ok(safeshare(source, "backup", str(path), SAFESHARE_LEDGER_CHECKPOINT_LOG=str(log)))
    return path


def _parts(path: Path) -> dict[str, bytes]:
    with tarfile.open(path, "r:gz") as archive:
        return {
            member.name: archive.extractfile(member).read()  # type: ignore[union-attr]
            for member in archive
        }


def _pack(path: Path, parts: dict[str, bytes], *, rehash: bool = True) -> None:
    """Write a backup file of these parts, the manifest's SHA-256s made to fit them."""
    manifest = json.loads(parts["manifest.json"])
    if rehash:
        for name in set(manifest["parts"]) & set(parts):
            manifest["parts"][name] = {
                "sha256": hashlib.sha256(parts[name]).hexdigest(),
                "bytes": len(parts[name]),
            }
    parts = {**parts, "manifest.json": json.dumps(manifest).encode()}
    with tarfile.open(path, "w:gz") as archive:
        for name, data in parts.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))


# --- Backing up ------------------------------------------------------------------------------


def test_a_backup_is_one_file_of_manifest_checkpoint_and_database(
    backup: Path, source: str, log: Path
) -> None:
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    parts = _parts(backup)
    assert list(parts) == ["manifest.json", "checkpoint.txt", PART]
    manifest = json.loads(parts["manifest.json"])
    assert (manifest["format"], manifest["version"]) == ("safeshare-backup", 1)
    assert manifest["database"] == ("postgresql" if POSTGRES else "sqlite")
    assert "ledger.0004_entry_without_actor_and_organisation_indexes" in manifest["migrations"]
    for name in ("checkpoint.txt", PART):
        assert manifest["parts"][name] == {
            "sha256": hashlib.sha256(parts[name]).hexdigest(),
            "bytes": len(parts[name]),
        }
    # Signed as the backup began, over every entry (the demo's DEMO_ENTRIES), and logged.
    checkpoint = verify_checkpoint(parts["checkpoint.txt"], keys.verifier())
    assert (
        checkpoint.size == DEMO_ENTRIES == query(source, "SELECT COUNT(*) FROM ledger_entry")[0][0]
    )
    assert manifest["checkpoint"]["size"] == DEMO_ENTRIES
    assert [note for _, note in split_notes(log.read_text())] == [parts["checkpoint.txt"].decode()]


def test_a_backup_needs_the_signing_key(source: str, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    path = folder / "backup"
    message = _refused(safeshare(source, "backup", str(path), SAFESHARE_LEDGER_SIGNING_KEY=""))
    assert message.startswith("Refusing to back up without a checkpoint: The ledger has no signing")
    assert list(folder.iterdir()) == []


def test_a_backup_never_replaces_a_file(source: str, tmp_path: Path) -> None:
    path = tmp_path / "backup"
    path.write_text("last week's")
    assert _refused(safeshare(source, "backup", str(path))) == (
        f"{path} already exists: give a new file name"
    )
    assert path.read_text() == "last week's"


# --- Restoring ----------------------------------------------------------------------------


def test_a_restore_reproduces_the_last_signed_root(
    backup: Path, databases: Databases, source: str
) -> None:
    target = databases.new()
    out = _ok(safeshare(target, "restore", str(backup)))
    assert (
        f"ledger verified, {DEMO_ENTRIES} entries, consistent with the backup's checkpoint "
        f"at size {DEMO_ENTRIES}"
    ) in out
    assert "safeshare ledger verify --against the checkpoint log" in out
    note = _parts(backup)["checkpoint.txt"].decode()
    root = note.splitlines()[2]
    assert f"Ledger verified: {DEMO_ENTRIES} entries, root {root}" in _ok(
        safeshare(target, "ledger", "verify")
    )
    assert query(target, "SELECT COUNT(*) FROM decisions_decision") == query(
        source, "SELECT COUNT(*) FROM decisions_decision"
    )
    # The append-only guards came back with the tables.
    with pytest.raises(Exception, match="ledger entries are append-only"):
        query(target, "UPDATE ledger_entry SET event_type = 'x.y.z' WHERE sequence = 0")


def test_a_restore_refuses_a_database_that_is_not_empty(
    backup: Path, databases: Databases, template: str
) -> None:
    target = databases.new(template)
    before = tables(target)
    message = _refused(safeshare(target, "restore", str(backup)))
    assert message.startswith(
        f"Refusing to restore into a database that is not empty: it holds {len(before)} tables"
    )
    assert message.endswith("nothing was changed")
    assert tables(target) == before
    assert query(target, "SELECT COUNT(*) FROM ledger_entry") == [(DEMO_ENTRIES,)]


def _cut(keep: float) -> Callable[[bytes], bytes]:
    return lambda data: data[: int(len(data) * keep)]


def _flip(data: bytes) -> bytes:
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :]


@pytest.mark.parametrize(
    ("damage", "why"),
    [
        (_cut(0.5), "it cannot be read to the end"),
        (lambda data: data[:-40], "it cannot be read to the end"),
        # A byte changed in the compressed stream: either the stream no longer decompresses
        # or it does and the part's digest catches it, depending on where the byte falls
        # in that backup (its content differs run to run). _change_database_part below
        # changes the part itself, for the digest alone.
        (_flip, ("it cannot be read to the end", f"{PART} does not match its SHA-256")),
        (lambda data: b"not a backup at all\n" * 50, "it cannot be read to the end"),
    ],
    ids=["half of it", "all but the end", "one byte changed", "another file"],
)
def test_a_restore_refuses_a_damaged_file_and_writes_nothing(
    backup: Path,
    databases: Databases,
    tmp_path: Path,
    damage: Callable[[bytes], bytes],
    why: str | tuple[str, ...],
) -> None:
    damaged = tmp_path / "damaged"
    damaged.write_bytes(damage(backup.read_bytes()))
    target = databases.new()
    message = _refused(safeshare(target, "restore", str(damaged)))
    reasons = (why,) if isinstance(why, str) else why
    assert message.startswith(
        tuple(f"{damaged} is not a usable safeshare backup: {r}" for r in reasons)
    ), message
    assert message.endswith("nothing was restored")
    assert tables(target) == []
    if not POSTGRES:
        assert not Path(sqlite_path(target)).exists()


def _edit_manifest(**changes: object) -> Callable[[dict[str, bytes]], None]:
    def edit(parts: dict[str, bytes]) -> None:
        manifest = json.loads(parts["manifest.json"])
        manifest.update(changes)
        parts["manifest.json"] = json.dumps(manifest).encode()

    return edit


def _change_database_part(parts: dict[str, bytes]) -> None:
    parts[PART] = _flip(parts[PART])


@pytest.mark.parametrize(
    ("edit", "rehash", "message"),
    [
        (
            _change_database_part,
            False,
            f"is not a usable safeshare backup: {PART} does not match its SHA-256 in the manifest",
        ),
        (
            _edit_manifest(version=2),
            True,
            "is not a usable safeshare backup: it is format version 2; this safeshare reads "
            "version 1",
        ),
        (
            _edit_manifest(format="something-else"),
            True,
            "is not a usable safeshare backup: its manifest does not name the safeshare-backup",
        ),
        (
            lambda parts: parts.pop("checkpoint.txt"),
            True,
            "is not a usable safeshare backup: it ends before checkpoint.txt (cut short?)",
        ),
        (
            _edit_manifest(checkpoint={"size": 3, "root": "AAAA"}),
            True,
            "is not a usable safeshare backup: its manifest and its checkpoint disagree",
        ),
        (
            _edit_manifest(migrations=["ledger.0001_initial"]),
            True,
            "the backup was made by safeshare 0.1.0 with another database schema (only in the "
            "backup: none; only in this version: accounts.0001_initial",
        ),
    ],
    ids=[
        "a part changed",
        "a later format",
        "not ours",
        "a part missing",
        "two checkpoints",
        "another schema",
    ],
)
def test_a_restore_refuses_a_backup_that_does_not_check_out(
    backup: Path,
    databases: Databases,
    tmp_path: Path,
    edit: Callable[[dict[str, bytes]], object],
    rehash: bool,
    message: str,
) -> None:
    parts = _parts(backup)
    edit(parts)
    edited = tmp_path / "edited"
    _pack(edited, parts, rehash=rehash)
    target = databases.new()
    assert message in _refused(safeshare(target, "restore", str(edited)))
    assert tables(target) == []


def test_a_restore_refuses_a_backup_of_the_other_database(
    backup: Path, databases: Databases, tmp_path: Path
) -> None:
    parts = _parts(backup)
    other, mine = ("sqlite", "postgresql") if POSTGRES else ("postgresql", "sqlite")
    part = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}[other]
    parts[part] = parts.pop(PART)
    manifest = json.loads(parts["manifest.json"])
    manifest["database"] = other
    manifest["parts"] = {"checkpoint.txt": {}, part: {}}
    parts["manifest.json"] = json.dumps(manifest).encode()
    edited = tmp_path / "edited"
    _pack(edited, parts)
    target = databases.new()
    assert _refused(safeshare(target, "restore", str(edited))) == (
        f"{edited} holds a {other} database and this deployment uses {mine}; nothing was restored"
    )


def test_a_restore_refuses_a_checkpoint_another_key_signed(
    backup: Path, databases: Databases, tmp_path: Path
) -> None:
    other = generate_signer_key("safeshare.test/ledger")[1]
    target = databases.new()
    message = _refused(safeshare(target, "restore", str(backup), "--key", other))
    assert message.startswith(f"the checkpoint in {backup} does not verify with this ledger's key")
    assert tables(target) == []


def test_a_restore_needs_a_key_to_verify_with(backup: Path, databases: Databases) -> None:
    target = databases.new()
    message = _refused(safeshare(target, "restore", str(backup), SAFESHARE_LEDGER_SIGNING_KEY=""))
    assert "it needs the ledger's key" in message
    assert tables(target) == []
    # The verifier key alone is enough: a restore machine need not hold the signing key.
    verifier_key = keys.verifier().key_string()
    _ok(
        safeshare(
            target, "restore", str(backup), "--key", verifier_key, SAFESHARE_LEDGER_SIGNING_KEY=""
        )
    )


def test_a_restore_fails_when_the_ledger_does_not_reach_its_checkpoint(
    backup: Path, databases: Databases, tmp_path: Path
) -> None:
    """A backup whose database lost its newest entry (and the checkpoint rows over it)
    but carries the checkpoint it was first made with, every SHA-256 made to fit."""
    tampered = databases.new()
    _ok(safeshare(tampered, "restore", str(backup)))
    guards = {
        "entry": "ledger_entry",
        "node": "ledger_node",
        "checkpoint": "ledger_signedcheckpoint",
    }
    drop = [
        f"DROP TRIGGER immutable_ledger_{guard}_guard ON {table}"
        if POSTGRES
        else f"DROP TRIGGER immutable_ledger_{guard}_delete"
        for guard, table in guards.items()
    ]
    execute(
        tampered,
        *drop,
        # The newest entry and the nodes it completed: a shorter tree, consistent in itself.
        f"DELETE FROM ledger_entry WHERE sequence = {DEMO_ENTRIES - 1}",
        f"DELETE FROM ledger_node WHERE key >= {(DEMO_ENTRIES - 1) << 6}",
        "DELETE FROM ledger_signedcheckpoint",
    )
    again = tmp_path / "again"
    _ok(safeshare(tampered, "backup", str(again)))
    original = _parts(backup)
    parts = _parts(again)
    parts["checkpoint.txt"] = original["checkpoint.txt"]
    manifest = json.loads(parts["manifest.json"])
    manifest["checkpoint"] = json.loads(original["manifest.json"])["checkpoint"]
    parts["manifest.json"] = json.dumps(manifest).encode()
    edited = tmp_path / "edited"
    _pack(edited, parts)
    target = databases.new()
    message = _refused(safeshare(target, "restore", str(edited)))
    (disclosure,) = query(target, "SELECT id FROM disclosures_disclosure")
    assert message.splitlines() == [
        f"The database was restored from {edited}, but its ledger does NOT verify against the "
        "backup's checkpoint: do not serve from it.",
        # The demo's newest entry was its disclosure's.
        f"record disclosures.disclosure {UUID(str(disclosure[0]))}: no ledger entry: entries "
        "removed or written behind the app",
        f"root mismatch: the checkpoint held elsewhere covers {DEMO_ENTRIES} entries but the "
        f"ledger holds {DEMO_ENTRIES - 1}: entries have been removed or the ledger rolled back",
    ]


def test_a_database_restored_alone_is_caught_by_the_checkpoint_log(
    backup: Path, source: str, databases: Databases, log: Path
) -> None:
    """Sign (the backup's checkpoint, logged), append more, sign again (logged), restore
    the older copy: the database is consistent in itself, the log is not fooled."""
    env = {"SAFESHARE_LEDGER_CHECKPOINT_LOG": str(log)}
    _ok(safeshare(source, "shell", "-c", ADD_PERSON))
    _ok(safeshare(source, "ledger", "checkpoint", "--if-grown", **env))
    assert [
        verify_checkpoint(n, keys.verifier()).size for _, n in split_notes(log.read_text())
    ] == [DEMO_ENTRIES, DEMO_ENTRIES + 1]
    target = databases.new()
    _ok(safeshare(target, "restore", str(backup), **env))
    _ok(safeshare(target, "ledger", "verify"))
    message = _refused(safeshare(target, "ledger", "verify", "--against", str(log)))
    assert message.splitlines()[1] == (
        f"root mismatch: the checkpoint held elsewhere covers {DEMO_ENTRIES + 1} entries but the "
        f"ledger holds {DEMO_ENTRIES}: entries have been removed or the ledger rolled back"
    )


def test_the_restore_drill() -> None:
    """Writers append through the actions while a backup is taken; the backup restored into
    a new database verifies against its checkpoint and holds every entry acknowledged
    before the backup began (bench/backup_drill.py, on the suite's database vendor)."""
    result = subprocess.run(
        [sys.executable, str(BENCH / "backup_drill.py"), "--writers", "3"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "restore and verify: passed" in result.stdout
    assert "acknowledged before the backup but missing: none" in result.stdout
