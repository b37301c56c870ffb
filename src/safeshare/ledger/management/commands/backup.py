"""`safeshare backup FILE`: the database and a checkpoint covering it, in one file."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from safeshare.ledger.backup import BackupError, make_backup


class Command(BaseCommand):
    help = (
        "Write a consistent copy of the database, with a checkpoint signed as it starts, to "
        "FILE (a new file) while the service runs. Needs the ledger's signing key."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file", metavar="FILE", help="the backup file to write (must not exist)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            made = make_backup(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        except OSError as exc:
            raise CommandError(f"Cannot write the backup {path}: {exc.strerror or exc}") from exc
        except DatabaseError as exc:
            raise CommandError(f"The database cannot be used: {exc}") from exc
        for warning in made.warnings:
            self.stderr.write(warning)
        if options["verbosity"] >= 1:
            root = base64.b64encode(bytes(made.checkpoint.root)).decode("ascii")
            self.stdout.write(
                f"Backup written to {path} ({made.bytes:,} bytes), with the checkpoint of "
                f"{made.checkpoint.size} entries (root {root})."
            )
