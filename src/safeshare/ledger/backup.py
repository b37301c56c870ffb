"""Backing up a deployment's database with the signed checkpoint that covers it, and
restoring one into an empty database (docs/adr/0009-ledger-coverage-and-backups.md).

A backup is one gzip'd tar file, format `safeshare-backup` version 1, holding in order:

* `manifest.json`: format and version, when, which safeshare and database, the ledger's
  origin, the checkpoint's size and root, the migrations the database had, and the
  SHA-256 and length of each other part;
* `checkpoint.txt`: a checkpoint signed as the backup starts, so it covers every entry
  acknowledged before then;
* `database.sqlite3` (SQLite's online backup API: one consistent snapshot while the
  service runs) or `database.pgdump` (`pg_dump --format=custom`, itself one snapshot).

Restoring checks every part against the manifest and the checkpoint's signature before
it touches the database, loads into a database with no tables at all, and then verifies
the ledger against the checkpoint.
"""

from __future__ import annotations

import base64
import contextlib
import datetime
import gzip
import hashlib
import importlib.metadata
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader

from safeshare.ledger import actions, keys
from safeshare.ledger.checkpoint import Checkpoint, NoteError, Verifier, open_note
from safeshare.ledger.models import SignedCheckpoint
from safeshare.ledger.verify import Report, VerifyError, verify_ledger

__all__ = ["FORMAT", "VERSION", "BackupError", "Made", "Restored", "make_backup", "restore"]

FORMAT = "safeshare-backup"
VERSION = 1
MANIFEST = "manifest.json"
CHECKPOINT = "checkpoint.txt"
DATABASE_PARTS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
_CHUNK = 1 << 20


class BackupError(Exception):
    """A backup or restore refused or failed; the message says why, in one line."""


@dataclass(frozen=True)
class Made:
    path: Path
    checkpoint: SignedCheckpoint
    bytes: int
    warnings: list[str]


@dataclass(frozen=True)
class Restored:
    manifest: dict[str, Any]
    checkpoint: Checkpoint
    report: Report


def _vendor() -> str:
    vendor = connections[DEFAULT_DB_ALIAS].vendor
    if vendor not in DATABASE_PARTS:
        raise BackupError(f"safeshare backs up SQLite and PostgreSQL, not {vendor}")
    return vendor


# --- PostgreSQL's client programs ------------------------------------------------------------


def _pg_program(name: str) -> str:
    """The newest `name` (pg_dump, pg_restore) in PATH or /usr/lib/postgresql/*/bin: a
    newer client reads and writes what an older server holds, never the other way."""
    found = [shutil.which(name)]
    found += [str(path) for path in Path("/usr/lib/postgresql").glob(f"*/bin/{name}")]
    best: tuple[tuple[int, ...], str] | None = None
    for program in found:
        if program is None:
            continue
        try:
            out = subprocess.run(  # noqa: S603 — a PostgreSQL client program, fixed arguments
                [program, "--version"], capture_output=True, text=True, timeout=30, check=True
            ).stdout
        except (OSError, subprocess.SubprocessError):
            continue
        match = re.search(r"(\d+)(?:\.(\d+))?", out)
        if match:
            version = tuple(int(part) for part in match.groups() if part is not None)
            if best is None or version > best[0]:
                best = (version, program)
    if best is None:
        raise BackupError(
            f"{name} was not found in PATH or /usr/lib/postgresql/*/bin: install PostgreSQL's "
            "client programs (Debian: apt-get install postgresql-client)"
        )
    return best[1]


def _pg_connection() -> tuple[str, dict[str, str]]:
    """The database as a libpq connection string, and an environment holding its password
    (PGPASSWORD, so it is not on a command line other users can read)."""
    from psycopg import pq
    from psycopg.conninfo import make_conninfo

    params = connections[DEFAULT_DB_ALIAS].get_connection_params()
    libpq = {option.keyword.decode() for option in pq.Conninfo.get_defaults()}
    password = params.pop("password", None)
    conninfo = make_conninfo(
        **{
            key: str(value)
            for key, value in params.items()
            if key in libpq and isinstance(value, str | int) and value != ""
        }
    )
    env = {**os.environ}
    if password:
        env["PGPASSWORD"] = str(password)
    return conninfo, env


def _run_pg(program: str, args: Sequence[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(  # noqa: S603 — a PostgreSQL client program with our arguments
        [_pg_program(program), *args], capture_output=True, text=True, env=env, check=False
    )
    if result.returncode != 0:
        detail = " ".join(result.stderr.split())[:500] or f"exit code {result.returncode}"
        raise BackupError(f"{what} failed: {program}: {detail}")


# --- Making a backup ---------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _copy_sqlite(target: Path) -> list[str]:
    """A consistent copy through SQLite's online backup API, in one step: one read
    snapshot, so the service's writers carry on (WAL) and none is half in the copy."""
    db = connections[DEFAULT_DB_ALIAS]
    db.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        with db.wrap_database_errors:
            db.connection.backup(copy)
        rows = copy.execute("SELECT app, name FROM django_migrations").fetchall()
    finally:
        copy.close()
    return sorted(f"{app}.{name}" for app, name in rows)


def _dump_postgres(target: Path) -> list[str]:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations")
        rows = cursor.fetchall()
    conninfo, env = _pg_connection()
    _run_pg(
        "pg_dump",
        ["--format=custom", "--no-password", f"--file={target}", f"--dbname={conninfo}"],
        env,
        "the database dump",
    )
    return sorted(f"{app}.{name}" for app, name in rows)


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def make_backup(destination: Path) -> Made:
    """Write a backup of the database to `destination` (a new file), with a checkpoint
    signed first. Refuses without a signing key: a backup no checkpoint covers could not
    show, once restored, that it holds every entry it should."""
    if destination.exists():
        raise BackupError(f"{destination} already exists: give a new file name")
    if not destination.parent.is_dir():
        raise BackupError(f"{destination.parent} is not a folder")
    vendor = _vendor()
    warnings: list[str] = []
    try:
        stored = actions.sign_checkpoint()
    except keys.SigningKeyMissing as exc:
        raise BackupError(f"Refusing to back up without a checkpoint: {exc}") from exc
    except actions.InconsistentCheckpoint as exc:
        raise BackupError(f"Refusing to back up: {exc}") from exc
    except actions.CheckpointLogError as exc:
        # The checkpoint is valid and goes into the backup; a broken log must not stop
        # the night's backup, but the operator has to hear of it.
        stored = exc.stored
        warnings.append(f"WARNING: {exc}")
    with tempfile.TemporaryDirectory(prefix=".safeshare-backup-", dir=destination.parent) as work:
        folder = Path(work)
        (folder / CHECKPOINT).write_text(stored.note, encoding="utf-8")
        database = folder / DATABASE_PARTS[vendor]
        migrations = _copy_sqlite(database) if vendor == "sqlite" else _dump_postgres(database)
        parts = {
            name: {"sha256": _sha256(folder / name), "bytes": (folder / name).stat().st_size}
            for name in (CHECKPOINT, database.name)
        }
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "created_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "safeshare": importlib.metadata.version("safeshare"),
            "database": vendor,
            "origin": keys.origin(),
            "checkpoint": {
                "size": stored.size,
                "root": base64.b64encode(bytes(stored.root)).decode("ascii"),
            },
            "migrations": migrations,
            "parts": parts,
        }
        (folder / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        partial = folder / "backup.tar.gz"
        with tarfile.open(partial, "w:gz", compresslevel=6) as archive:
            for name in (MANIFEST, CHECKPOINT, database.name):
                info = archive.gettarinfo(folder / name, arcname=name)
                info.uid = info.gid = 0
                info.uname = info.gname = ""
                info.mode = 0o600
                with (folder / name).open("rb") as handle:
                    archive.addfile(info, handle)
        _fsync(partial)
        os.chmod(partial, 0o600)
        # The whole file appears at once, or not at all, and never over another.
        try:
            os.link(partial, destination)
        except FileExistsError:
            raise BackupError(f"{destination} already exists: give a new file name") from None
    _fsync(destination.parent)
    return Made(destination, stored, destination.stat().st_size, warnings)


# --- Reading a backup -----------------------------------------------------------------------


def _damaged(path: Path, why: str) -> BackupError:
    return BackupError(f"{path} is not a usable safeshare backup: {why}; nothing was restored")


def _read_manifest(path: Path, data: bytes) -> dict[str, Any]:
    try:
        manifest = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _damaged(path, f"its manifest is not JSON ({exc})") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _damaged(path, "its manifest does not name the safeshare-backup format")
    if manifest.get("version") != VERSION:
        raise _damaged(
            path,
            f"it is format version {manifest.get('version')!r}; this safeshare reads version "
            f"{VERSION}",
        )
    if manifest.get("database") not in DATABASE_PARTS:
        raise _damaged(path, "its manifest names no database it can hold")
    parts = manifest.get("parts")
    wanted = {CHECKPOINT, DATABASE_PARTS[manifest["database"]]}
    if not isinstance(parts, dict) or set(parts) != wanted:
        raise _damaged(path, f"its manifest must list exactly {', '.join(sorted(wanted))}")
    return manifest


@contextlib.contextmanager
def _unpacked(path: Path) -> Iterator[tuple[dict[str, Any], Path]]:
    """The manifest and a folder holding every part, each checked against its SHA-256 and
    length; BackupError for a file that is not whole."""
    if not path.is_file():
        raise BackupError(f"{path} does not exist or is not a file")
    with tempfile.TemporaryDirectory(prefix=".safeshare-restore-") as work:
        folder = Path(work)
        manifest: dict[str, Any] | None = None
        seen: set[str] = set()
        try:
            with tarfile.open(path, "r:gz") as archive:
                for member in archive:
                    if member.name in seen or not member.isfile():
                        raise _damaged(path, f"it holds an unexpected entry {member.name!r}")
                    seen.add(member.name)
                    source = archive.extractfile(member)
                    assert source is not None  # a regular file
                    if manifest is None:
                        if member.name != MANIFEST:
                            raise _damaged(path, "its first part is not the manifest")
                        manifest = _read_manifest(path, source.read(1 << 20))
                        continue
                    expected = manifest["parts"].get(member.name)
                    if not isinstance(expected, dict):
                        raise _damaged(path, f"it holds a part {member.name!r} not in its manifest")
                    digest = hashlib.sha256()
                    length = 0
                    with (folder / member.name).open("wb") as out:
                        while chunk := source.read(_CHUNK):
                            digest.update(chunk)
                            length += len(chunk)
                            out.write(chunk)
                    if (digest.hexdigest(), length) != (
                        expected.get("sha256"),
                        expected.get("bytes"),
                    ):
                        raise _damaged(
                            path, f"{member.name} does not match its SHA-256 in the manifest"
                        )
                # On to the end of the compressed stream, so its length and CRC are checked
                # too: a file cut after its last part is still a file cut short.
                assert archive.fileobj is not None
                while archive.fileobj.read(_CHUNK):
                    pass
        except (tarfile.TarError, EOFError, gzip.BadGzipFile, zlib.error) as exc:
            raise _damaged(path, f"it cannot be read to the end ({exc})") from exc
        if manifest is None:
            raise _damaged(path, "it holds no manifest")
        missing = set(manifest["parts"]) - seen
        if missing:
            raise _damaged(path, f"it ends before {', '.join(sorted(missing))} (cut short?)")
        yield manifest, folder


def _checkpoint(
    path: Path, manifest: dict[str, Any], note: str, verifiers: Sequence[Verifier]
) -> Checkpoint:
    try:
        body, _ = open_note(note, verifiers)
        cp = Checkpoint.parse(body)
    except (NoteError, ValueError) as exc:
        raise BackupError(
            f"the checkpoint in {path} does not verify with this ledger's key ({exc}); "
            "nothing was restored"
        ) from exc
    recorded = manifest.get("checkpoint") or {}
    if recorded.get("size") != cp.size or recorded.get("root") != base64.b64encode(
        cp.root_hash
    ).decode("ascii"):
        raise _damaged(path, "its manifest and its checkpoint disagree")
    return cp


def _check_migrations(manifest: dict[str, Any]) -> None:
    """The backup must come from this version's schema: verification reads records
    through this code's models."""
    held = set(manifest.get("migrations", []))
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = {f"{app}.{name}" for app, name in loader.disk_migrations}
    if held != known:
        newer = sorted(held - known)[:3]
        older = sorted(known - held)[:3]
        raise BackupError(
            f"the backup was made by safeshare {manifest.get('safeshare')} with another "
            f"database schema (only in the backup: {', '.join(newer) or 'none'}; only in "
            f"this version: {', '.join(older) or 'none'}): restore it with the version that "
            "made it, then upgrade; nothing was restored"
        )


# --- Loading it -------------------------------------------------------------------------------


def _sqlite_file() -> Path:
    name = str(connections[DEFAULT_DB_ALIAS].settings_dict["NAME"])
    if name == ":memory:" or name.startswith("file:") or "mode=memory" in name:
        raise BackupError("restore needs a database file, not an in-memory database")
    return Path(name)


def _tables() -> list[str]:
    """The tables the database holds now (none: it may be restored into)."""
    if _vendor() == "sqlite":
        path = _sqlite_file()
        if not path.exists() or path.stat().st_size == 0:
            return []
        # Read-only, so looking creates nothing.
        with contextlib.closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as db:
            rows = db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            ).fetchall()
        return sorted(name for (name,) in rows)
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        return sorted(connections[DEFAULT_DB_ALIAS].introspection.table_names(cursor))


def _load_sqlite(part: Path) -> None:
    target = _sqlite_file()
    target.parent.mkdir(parents=True, exist_ok=True)
    connections[DEFAULT_DB_ALIAS].close()
    source = sqlite3.connect(f"{part.as_uri()}?mode=ro", uri=True)
    try:
        with contextlib.closing(sqlite3.connect(target)) as copy:
            source.backup(copy)
    finally:
        source.close()
    _fsync(target)


def _load_postgres(part: Path) -> None:
    conninfo, env = _pg_connection()
    connections[DEFAULT_DB_ALIAS].close()
    # Objects belong to whoever restores (the owner role; docs/operations.md then grants
    # the application role its rights again), in one transaction: all or nothing.
    _run_pg(
        "pg_restore",
        [
            "--no-owner",
            "--no-acl",
            "--exit-on-error",
            "--single-transaction",
            "--no-password",
            f"--dbname={conninfo}",
            str(part),
        ],
        env,
        "loading the database",
    )


def restore(path: Path, verifiers: Sequence[Verifier]) -> Restored:
    """Load the backup at `path` into the configured database, which must hold no tables,
    then verify the ledger against the backup's checkpoint (report.ok says whether it
    holds). Nothing is written unless the whole file checks out first."""
    if not verifiers:
        raise BackupError(
            "restore verifies the ledger against the backup's checkpoint, so it needs the "
            "ledger's key: configure SAFESHARE_LEDGER_SIGNING_KEY (or _FILE) or give --key"
        )
    vendor = _vendor()
    with _unpacked(path) as (manifest, folder):
        if manifest["database"] != vendor:
            raise BackupError(
                f"{path} holds a {manifest['database']} database and this deployment uses "
                f"{vendor}; nothing was restored"
            )
        note = (folder / CHECKPOINT).read_text(encoding="utf-8")
        checkpoint = _checkpoint(path, manifest, note, verifiers)
        _check_migrations(manifest)
        tables = _tables()
        if tables:
            raise BackupError(
                f"Refusing to restore into a database that is not empty: it holds "
                f"{len(tables)} tables ({', '.join(tables[:3])}, ...). Restore into a new, "
                "empty database (do not run migrate first); nothing was changed"
            )
        part = folder / DATABASE_PARTS[vendor]
        if vendor == "sqlite":
            _load_sqlite(part)
        else:
            _load_postgres(part)
    try:
        report = verify_ledger(against=note, verifier=list(verifiers))
    except VerifyError as exc:
        raise BackupError(f"the database was restored, but cannot be verified: {exc}") from exc
    return Restored(manifest, checkpoint, report)
