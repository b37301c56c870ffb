"""`safeshare reports subject-access PERSON_ID --user USERNAME --out FILE`, for scheduled
reports: the pack of the person's latest subject access request, as the named IG lead
would download it (the same ledger event and read audit as the page).

`safeshare reports partnership [--from DATE] [--to DATE] --csv FILE`: the partnership
figures as one CSV; its arguments and work are in safeshare.figures.cli."""

from __future__ import annotations

from pathlib import Path
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.http import Http404

from safeshare.accounts.models import User
from safeshare.audit.actions import record_access
from safeshare.figures import cli as figures_cli
from safeshare.subject_access import actions, permissions, queries
from safeshare.subject_access.export import pack_csv, pack_pdf
from safeshare.subject_access.pack import build_pack
from safeshare.subjects.queries import get_person_for_user


class CommandRequest:
    """What the read audit reads from a request, for a command run by an operator."""

    def __init__(self, user: User) -> None:
        self.user = user
        self.META = {"HTTP_USER_AGENT": "safeshare reports (command line)"}


def _fail(message: str) -> NoReturn:
    """One line on stderr and exit status 1 (Django prints a CommandError so)."""
    raise CommandError(message, returncode=1)


class Command(BaseCommand):
    help = "Reports for scheduled jobs: a subject access pack, the partnership's figures."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        sar = sub.add_parser(
            "subject-access", help="the pack of the person's latest subject access request"
        )
        sar.add_argument("person_id", metavar="PERSON_ID")
        sar.add_argument("--user", required=True, metavar="USERNAME", help="an IG lead")
        sar.add_argument("--out", required=True, metavar="FILE", help="a .pdf or .csv file")
        figures_cli.add_arguments(
            sub.add_parser("partnership", help="the partnership's figures, as one CSV")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "subject-access":
            self.subject_access(options["person_id"], options["user"], Path(options["out"]))
        elif options["subcommand"] == "partnership":
            figures_cli.partnership(options, self.stdout)

    def subject_access(self, person_id: str, username: str, out: Path) -> None:
        suffix = out.suffix.lower()
        if suffix not in {".csv", ".pdf"}:
            _fail(f"--out must end in .pdf or .csv, not {out.name!r}")
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            _fail(f"no active user {username!r}")
        if not permissions.can_handle_subject_access(user):
            _fail(f"{username} is not an information governance lead")
        try:
            person = get_person_for_user(user, person_id)
        except Http404:
            _fail(f"{username}'s organisation holds no person {person_id}")
        sar = queries.latest_request_for_person(user, person)
        if sar is None:
            _fail(f"no subject access request is logged for person {person_id}")
        # The file is written inside the transaction: if it cannot be, no export is recorded.
        with transaction.atomic():
            built = build_pack(user, sar)
            content = pack_pdf(built) if suffix == ".pdf" else pack_csv(built).encode("utf-8")
            actions.record_export(actor=user, request=sar, file_format=suffix[1:])
            record_access(
                CommandRequest(user), what="subject_access.pack.command", person=person, obj=sar
            )
            try:
                out.write_bytes(content)
            except OSError as exc:
                _fail(f"cannot write {out}: {exc.strerror}")
        self.stdout.write(f"Wrote the subject access pack to {out}")
