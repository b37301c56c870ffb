"""`safeshare reports SUBCOMMAND`: reports for scheduled runs. Each subcommand's arguments
and work live in its own app; this file only wires them."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from safeshare.figures import cli as figures_cli


class Command(BaseCommand):
    help = "Reports: `partnership` writes the partnership's figures as CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        figures_cli.add_arguments(
            sub.add_parser("partnership", help="the partnership's figures, as one CSV")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "partnership":
            figures_cli.partnership(options, self.stdout)
