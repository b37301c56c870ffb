"""Restore drill: writers append through the actions while `safeshare backup` runs; the
backup is restored into a new, empty database and checked (docs/operations.md).

    .venv/bin/python bench/backup_drill.py [--writers 4] [--after 1.0]
    scripts/with-postgres.sh .venv/bin/python bench/backup_drill.py

Each run uses scratch databases (SQLite files, or new PostgreSQL databases beside
DATABASE_URL): the source, migrated, with writer threads (a connection each) adding person
records through `subjects.actions.add_person`, each in its own transaction, and noting
each one once it is acknowledged; `safeshare backup` in a process of its own once the
writers have run for `--after` seconds; then `safeshare restore` of that file into an
empty database, which verifies the ledger against the backup's checkpoint. Then, reading
the restored database directly: every person acknowledged before the backup began has
its entry, the checkpoint covers at least that many entries, and the writers did append
while the backup ran (or the drill proved nothing). Prints one line; exits 1 otherwise.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from ledger_scratch import environment, is_postgres, migrate, scratch_database, setup_django


def _safeshare(url: str, *args: str, log: Path) -> subprocess.CompletedProcess[str]:
    env = {**environment(url), "SAFESHARE_LEDGER_CHECKPOINT_LOG": str(log)}
    return subprocess.run(  # noqa: S603 — the service's own command, fixed arguments
        [
            sys.executable,
            "-c",
            "import sys; from safeshare.cli import main; sys.exit(main())",
            *args,
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def _restored_people(url: str) -> tuple[set[str], int]:
    """Person ids with an entry in the restored ledger, and its size, read directly."""
    sql = (
        "SELECT object_id FROM ledger_entry WHERE object_type = 'subjects.person'",
        "SELECT COUNT(*) FROM ledger_entry",
    )
    if is_postgres(url):
        import psycopg

        with psycopg.connect(url) as db:
            people = {row[0] for row in db.execute(sql[0])}
            size_row = db.execute(sql[1]).fetchone()
    else:
        with contextlib.closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as db:
            people = {row[0] for row in db.execute(sql[0])}
            size_row = db.execute(sql[1]).fetchone()
    assert size_row is not None
    return people, int(size_row[0])


def drill(args: argparse.Namespace) -> int:
    server = os.environ.get("DATABASE_URL")
    with (
        scratch_database(server) as source,
        scratch_database(server) as target,
        tempfile.TemporaryDirectory(prefix="safeshare-drill-") as folder,
    ):
        migrate(source)
        setup_django(source)
        from django.db import connection

        from safeshare.accounts.models import Organisation, Role, User
        from safeshare.subjects.actions import add_person

        organisation = Organisation.objects.create(name="Drill School", kind="school")
        actor = User.objects.create(
            username="drill", organisation=organisation, role=Role.PRACTITIONER
        )
        connection.close()
        acknowledged: list[tuple[float, str]] = []
        failures: list[BaseException] = []
        stop = threading.Event()

        def writer(n: int) -> None:
            try:
                i = 0
                while not stop.is_set():
                    person = add_person(
                        actor=actor, kind="child", given_names=f"Child{n}x{i}", family_name="Drill"
                    )
                    acknowledged.append((time.monotonic(), str(person.pk)))
                    i += 1
            except BaseException as exc:  # reported below, after every thread ends
                failures.append(exc)
            finally:
                connection.close()

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(args.writers)]
        for thread in threads:
            thread.start()
        time.sleep(args.after)
        log = Path(folder) / "checkpoints.log"
        backup_file = Path(folder) / "drill.safeshare-backup"
        began = time.monotonic()
        before = {pk for at, pk in list(acknowledged) if at < began}
        made = _safeshare(source, "backup", str(backup_file), log=log)
        ended = time.monotonic()
        time.sleep(0.2)
        stop.set()
        for thread in threads:
            thread.join()
        during = sum(1 for at, _ in list(acknowledged) if began <= at <= ended)
        restored = _safeshare(target, "restore", str(backup_file), log=log)
        people, size = _restored_people(target) if restored.returncode == 0 else (set(), 0)
        lost = before - people
        checkpoint = int(made.stdout.split("checkpoint of ")[1].split()[0]) if made.stdout else 0
        ok = (
            not failures
            and made.returncode == 0
            and restored.returncode == 0
            and not lost
            and during > 0
            and checkpoint >= len(before)
            and size >= checkpoint
        )
        vendor = "postgresql" if is_postgres(source) else "sqlite"
        print(
            f"{vendor}: {args.writers} writers, {len(acknowledged)} people added, "
            f"{len(before)} acknowledged before the backup began, {during} while it ran "
            f"({ended - began:.1f} s); checkpoint in the backup covers {checkpoint} entries; "
            f"restored ledger {size} entries; restore and verify: "
            f"{'passed' if restored.returncode == 0 else 'FAILED'}; "
            f"acknowledged before the backup but missing: {len(lost) if lost else 'none'}; "
            f"errors: {failures[:3]}"
        )
        for result in (made, restored):
            if result.returncode != 0:
                print(result.stdout + result.stderr)
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument(
        "--after", type=float, default=1.0, help="seconds of appends before the backup starts"
    )
    return drill(parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())
