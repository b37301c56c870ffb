"""`safeshare people import FILE [--dry-run] --user NAME` for an organisation's
administrator at the console: the same check and import as /people/import/, into the
named administrator's own organisation. Problems name rows and columns, never a person."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from safeshare.accounts.models import User
from safeshare.subjects import actions


class Command(BaseCommand):
    help = "Import people into an organisation's records from a CSV file, all or none."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        imp = sub.add_parser("import", help="check a CSV file of people and add them, all or none")
        imp.add_argument("file", metavar="FILE")
        imp.add_argument(
            "--dry-run", action="store_true", help="report every bad row and write nothing"
        )
        imp.add_argument(
            "--user",
            required=True,
            help="the administrator whose organisation the people join (and the ledger names)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        try:
            actor = User.objects.get(username=options["user"], is_active=True)
            result = actions.import_people(actor=actor, data=data, dry_run=options["dry_run"])
        except User.DoesNotExist:
            raise CommandError(f"There is no active user {options['user']!r}") from None
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        for problem in result.problems:
            where = f"Row {problem.row}" if problem.row else "Whole file"
            column = f", {problem.column}" if problem.column else ""
            self.stderr.write(f"{where}{column}: {problem.message}")
        if result.problems:
            raise CommandError(f"{len(result.problems)} problem(s) in {path}: nothing was imported")
        if result.written:
            self.stdout.write(f"Imported {result.written} people")
        else:
            people = result.checked.rows if result.checked else 0
            self.stdout.write(f"{people} people ready to import: nothing has been written")
