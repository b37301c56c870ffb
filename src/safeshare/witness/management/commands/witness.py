"""`safeshare witness add-log --origin ORIGIN --key PUBLIC_KEY_FILE`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safeshare.witness import actions


class Command(BaseCommand):
    help = "Witness other deployments' ledgers (C2SP tlog-witness)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        add = sub.add_parser("add-log", help="start cosigning a log's checkpoints")
        add.add_argument("--origin", required=True, help="the log's checkpoint origin")
        add.add_argument("--key", required=True, help="file holding the log's verifier key")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            key = Path(options["key"]).read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"Cannot read {options['key']}: {exc}") from exc
        try:
            log = actions.add_log(origin=options["origin"], key=key)
        except actions.WitnessError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Now witnessing {log.origin}")
