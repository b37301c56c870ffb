"""`safeshare directory import FILE [--dry-run] --user NAME` and `safeshare directory
export [FILE]` for administrators at the console."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from safeshare.accounts.models import User
from safeshare.directory import actions, csv_io


class Command(BaseCommand):
    help = "Import or export the directory (contact points and practitioners) as CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        imp = sub.add_parser("import", help="check a CSV file and add its rows, all or none")
        imp.add_argument("file", metavar="FILE")
        imp.add_argument(
            "--dry-run", action="store_true", help="report every bad row and write nothing"
        )
        imp.add_argument(
            "--user",
            help="the administrator's username the import is recorded under (needed to write)",
        )
        exp = sub.add_parser("export", help="write the directory as CSV")
        exp.add_argument("file", metavar="FILE", nargs="?", help="default: standard output")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "export":
            self._export(options["file"])
        else:
            self._import(options)

    def _export(self, file: str | None) -> None:
        text = csv_io.export_csv()
        if file is None:
            sys.stdout.write(text)
        else:
            Path(file).write_text(text, encoding="utf-8", newline="")
            self.stdout.write(f"Wrote the directory to {file}")

    def _import(self, options: dict[str, Any]) -> None:
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        dry_run = options["dry_run"]
        if dry_run:
            # A check writes nothing, so it needs nobody's authority.
            checked = csv_io.check_file(data)
            result = actions.ImportResult(checked, written=False)
        else:
            if not options["user"]:
                raise CommandError("Name the administrator with --user, or check with --dry-run")
            try:
                actor = User.objects.get(username=options["user"], is_active=True)
                result = actions.import_directory(actor=actor, data=data, dry_run=False)
            except User.DoesNotExist:
                raise CommandError(f"There is no active user {options['user']!r}") from None
            except PermissionDenied as exc:
                raise CommandError(str(exc)) from exc
        for problem in result.checked.problems:
            self.stderr.write(problem.message)
        if result.checked.problems:
            raise CommandError(
                f"{len(result.checked.problems)} problem(s) in {path}: nothing was imported"
            )
        verb = "Imported" if result.written else "The file is ready to import:"
        self.stdout.write(
            f"{verb} {result.contacts} contact point(s) and {result.practitioners} practitioner(s)"
        )
