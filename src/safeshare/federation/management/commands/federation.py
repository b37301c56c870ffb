"""`safeshare federation keygen|show-key|add-peer|add-remote|pin-key|deliver|status`:
requests and signed disclosures with other partnerships' deployments (docs/federation.md).

The keys are exchanged out of band (a call between the two partnerships' administrators,
reading the key id aloud): `show-key` prints this deployment's public key, its id and the
codes of its organisations; the other side runs `add-remote` (or `add-peer`) with them.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safeshare.accounts.models import Organisation, OrganisationKind
from safeshare.federation import actions, delivery, keys
from safeshare.federation.models import Direction, Message, MessageStatus, Peer


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise CommandError(f"Cannot read the key file {path!r}: {exc}") from exc


class Command(BaseCommand):
    help = "Exchange requests and signed disclosures with other partnerships' deployments."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        keygen = sub.add_parser("keygen", help="make this deployment's federation key")
        keygen.add_argument("--out", required=True, help="write the private key here (mode 0600)")
        keygen.add_argument(
            "--public-out", help="also write the public key (PEM) here, to give other partnerships"
        )
        keygen.add_argument("--force", action="store_true", help="replace an existing --out")
        sub.add_parser("show-key", help="print the public key, its id and the organisations' codes")
        peer = sub.add_parser("add-peer", help="pin another deployment (URL and public key)")
        peer.add_argument("--name", required=True)
        peer.add_argument("--url", required=True, help="its base URL")
        peer.add_argument("--key", required=True, help="file holding its public key (PEM)")
        remote = sub.add_parser(
            "add-remote", help="add an organisation of another partnership to the directory"
        )
        remote.add_argument("--name", required=True, help="the organisation's name")
        remote.add_argument("--url", required=True, help="its deployment's base URL")
        remote.add_argument("--key", required=True, help="file holding its deployment's public key")
        remote.add_argument(
            "--organisation-code", required=True, help="its code there (their show-key prints it)"
        )
        remote.add_argument(
            "--kind", default=OrganisationKind.OTHER, choices=OrganisationKind.values
        )
        remote.add_argument("--peer-name", help="name for its deployment, if not yet pinned")
        pin = sub.add_parser("pin-key", help="replace a deployment's pinned key (rotation)")
        pin.add_argument("--peer", required=True, help="the deployment's name")
        pin.add_argument("--key", required=True, help="file holding its new public key")
        sub.add_parser("deliver", help="send the queued messages that are due, once")
        sub.add_parser("status", help="pinned deployments and the queue")

    def handle(self, *args: Any, **options: Any) -> None:
        command = options["subcommand"]
        try:
            getattr(self, "_" + command.replace("-", "_"))(options)
        except actions.FederationError as exc:
            raise CommandError(f"--{exc.field}: {exc.message}") from exc
        except keys.NotConfigured as exc:
            raise CommandError(str(exc)) from exc

    def _keygen(self, options: dict[str, Any]) -> None:
        out = Path(options["out"])
        if out.exists() and not options["force"]:
            raise CommandError(f"{out} exists: pass --force to replace it")
        pem = keys.generate()
        out.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(pem)
        public = keys.load_private(pem).public_key()
        if options["public_out"]:
            Path(options["public_out"]).write_text(keys.public_pem(public), encoding="utf-8")
        self.stdout.write(f"Federation key written to {out}")
        self.stdout.write(f"Key id: {keys.key_id(public)}")
        self.stdout.write(keys.public_pem(public).strip())

    def _show_key(self, options: dict[str, Any]) -> None:
        public = keys.own_key().public_key()
        self.stdout.write(f"Key id: {keys.key_id(public)}")
        self.stdout.write(keys.public_pem(public).strip())
        self.stdout.write("Organisations (name: code):")
        for organisation in Organisation.objects.filter(remote__isnull=True).order_by("name"):
            self.stdout.write(f"  {organisation.name}: {organisation.pk}")

    def _add_peer(self, options: dict[str, Any]) -> None:
        peer = actions.add_peer(
            name=options["name"], url=options["url"], public_key_pem=_read(options["key"])
        )
        self.stdout.write(f"Pinned {peer.name} at {peer.base_url} (key id {peer.key_id})")

    def _add_remote(self, options: dict[str, Any]) -> None:
        remote = actions.add_remote(
            name=options["name"],
            url=options["url"],
            public_key_pem=_read(options["key"]),
            code=options["organisation_code"],
            kind=options["kind"],
            peer_name=options["peer_name"],
        )
        self.stdout.write(
            f"Added {remote.organisation.name}, of {remote.peer.name} ({remote.peer.base_url})"
        )

    def _pin_key(self, options: dict[str, Any]) -> None:
        peer = actions.pin_key(peer_name=options["peer"], public_key_pem=_read(options["key"]))
        self.stdout.write(f"{peer.name} is now pinned with key id {peer.key_id}")

    def _deliver(self, options: dict[str, Any]) -> None:
        count = delivery.deliver_queued()
        waiting = Message.objects.filter(direction=Direction.OUT, status=MessageStatus.QUEUED)
        self.stdout.write(f"Delivered {count}; {waiting.count()} waiting")

    def _status(self, options: dict[str, Any]) -> None:
        for peer in Peer.objects.all():
            out = Message.objects.filter(peer=peer, direction=Direction.OUT)
            self.stdout.write(
                f"{peer.name} {peer.base_url} key {peer.key_id}: "
                f"{out.filter(status=MessageStatus.QUEUED).count()} queued, "
                f"{out.filter(status=MessageStatus.REFUSED).count()} refused"
            )
