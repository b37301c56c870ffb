from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from safeshare.requests.actions import escalate_overdue


class Command(BaseCommand):
    help = "Requests for information: `escalate` sends overdue requests to the team's managers (run from cron)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["escalate"])

    def handle(self, *args: Any, **options: Any) -> None:
        count = escalate_overdue()
        self.stdout.write(f"Escalated {count} overdue request{'s' if count != 1 else ''}.")
