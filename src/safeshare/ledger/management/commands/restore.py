"""`safeshare restore FILE`: load a backup into an empty database and verify its ledger
against the checkpoint the backup carries."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from safeshare.ledger import bundle, keys
from safeshare.ledger.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Load a backup made by `safeshare backup` into an empty database (no tables: do not "
        "migrate first), then verify the ledger against the backup's checkpoint."
    )
    # The database is empty until the restore has run: nothing to check yet.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help="a backup file")
        parser.add_argument(
            "--key",
            action="append",
            help="verifier key, or a file holding one (default: this deployment's own); "
            "repeat it for the old and new keys after a rotation",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            verifiers = keys.verifiers(options["key"])
            restored = restore(path, verifiers)
        except (BackupError, bundle.ProofError, keys.SigningKeyMissing) as exc:
            raise CommandError(str(exc)) from exc
        except DatabaseError as exc:
            raise CommandError(f"The database cannot be used: {exc}") from exc
        except OSError as exc:
            raise CommandError(
                f"Cannot restore {path}: {exc.strerror or exc} ({exc.filename or 'no file'})"
            ) from exc
        report = restored.report
        if not report.ok:
            raise CommandError(
                f"The database was restored from {path}, but its ledger does NOT verify "
                "against the backup's checkpoint: do not serve from it.\n"
                + "\n".join(report.lines()),
                returncode=1,
            )
        manifest = restored.manifest
        self.stdout.write(
            f"Restored {path} (made {manifest.get('created_at')} by safeshare "
            f"{manifest.get('safeshare')}): ledger verified, {report.size} entries, consistent "
            f"with the backup's checkpoint at size {restored.checkpoint.size}.\n"
            "Now show it is not a rollback: safeshare ledger verify --against the checkpoint "
            "log (SAFESHARE_LEDGER_CHECKPOINT_LOG) or a witness's copy."
        )
        if manifest.get("database") == "postgresql":
            self.stdout.write(
                "The tables belong to the role that restored them: grant the application "
                "role its rights again (docs/operations.md, PostgreSQL)."
            )
