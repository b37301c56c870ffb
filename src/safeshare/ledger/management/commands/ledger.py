"""`safeshare ledger keygen [--witness]|add-witness|checkpoint|verify|prove|check-proof` for
operators."""

from __future__ import annotations

import base64
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safeshare.ledger import actions, bundle, cosignature, keys, queries, witnessing
from safeshare.ledger.checkpoint import KeyFormatError, generate_signer_key
from safeshare.ledger.models import SignedCheckpoint
from safeshare.ledger.verify import VerifyError, verify_ledger
from safeshare.ledger.witness_verify import WitnessVerifyError, check_cosignatures, read_key

# More workers than this gain little: the database is read by all of them at once.
_MAX_JOBS = 4


def _default_jobs() -> int:
    return max(1, min(len(os.sched_getaffinity(0)), _MAX_JOBS))


class Command(BaseCommand):
    help = "The tamper-evident ledger: make a key, sign and show checkpoints, verify, prove."
    # Verification must run against a damaged or half-upgraded deployment, and keygen
    # before one is set up: neither depends on what Django's system checks inspect.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        keygen = sub.add_parser("keygen", help="make a checkpoint signing key")
        keygen.add_argument("--name", help="key name (default: SAFESHARE_LEDGER_ORIGIN)")
        keygen.add_argument("--out", help="write the signer key to this file (mode 0600)")
        keygen.add_argument("--force", action="store_true", help="replace an existing --out")
        keygen.add_argument(
            "--witness",
            action="store_true",
            help="make a witness cosigning key (cosignature/v1) instead of a checkpoint key",
        )
        add_witness = sub.add_parser("add-witness", help="tell this log one of its witnesses")
        add_witness.add_argument("--name", required=True, help="the witness's name")
        add_witness.add_argument(
            "--url", required=True, help="the witness's base URL (add-checkpoint is added)"
        )
        add_witness.add_argument(
            "--key", required=True, help="file holding the witness's verifier key"
        )
        checkpoint = sub.add_parser(
            "checkpoint", help="sign the tree if it grew and print the latest signed checkpoint"
        )
        which = checkpoint.add_mutually_exclusive_group()
        which.add_argument("--size", type=int, help="print the stored checkpoint of this size")
        which.add_argument(
            "--if-grown",
            action="store_true",
            help="for cron: sign one only if the tree grew since the last signed (one line "
            "saying so), else print nothing; exit 1 only on failure",
        )
        verify = sub.add_parser("verify", help="recompute and check the whole ledger")
        verify.add_argument(
            "--against",
            metavar="FILE",
            help="a signed checkpoint held elsewhere, or a checkpoint log of many "
            "(SAFESHARE_LEDGER_CHECKPOINT_LOG); the ledger is checked against every one",
        )
        verify.add_argument(
            "--key",
            action="append",
            help="verifier key, or a file holding one; repeat it for the old and new keys "
            "after a rotation",
        )
        verify.add_argument(
            "--witness-key",
            action="append",
            metavar="FILE",
            help="file holding a witness's verifier key (what `keygen --witness` printed); "
            "the newest signed checkpoint must carry its valid cosignature; repeat it for "
            "each witness required",
        )
        verify.add_argument(
            "--jobs",
            type=int,
            default=_default_jobs(),
            metavar="N",
            help="worker processes, each on a connection of its own (default: the "
            f"processors this may run on, at most {_MAX_JOBS}; 1: all in this process)",
        )
        prove = sub.add_parser("prove", help="write the proof bundle of one entry")
        prove.add_argument("id", metavar="ID", help="entry UUID or sequence number")
        prove.add_argument("--out", help="write the bundle here instead of standard output")
        check = sub.add_parser("check-proof", help="check a proof bundle (no database)")
        check.add_argument("bundle", metavar="BUNDLE")
        check.add_argument("--key", required=True, help="verifier key, or a file holding one")

    def handle(self, *args: Any, **options: Any) -> None:
        handler = getattr(self, "_" + options["subcommand"].replace("-", "_"))
        handler(options)

    def _keygen(self, options: dict[str, Any]) -> None:
        name = options["name"] or keys.origin()
        try:
            if options["witness"]:
                signer_key, verifier_key = cosignature.generate_key(name)
            else:
                signer_key, verifier_key = generate_signer_key(name)
        except (KeyFormatError, cosignature.CosignatureError) as exc:
            raise CommandError(f"Cannot make a key named {name!r}: {exc}") from exc
        out = options["out"]
        if out is None:
            self.stdout.write(f"Signer key (secret):\n{signer_key}\n")
        else:
            path = Path(out)
            if path.exists() and not options["force"]:
                raise CommandError(f"{out} already exists; use --force to replace it")
            path.parent.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                handle.write(signer_key + "\n")
            os.chmod(path, 0o600)
            self.stdout.write(f"Signer key written to {out}")
        self.stdout.write(f"Verifier key (public, give it to witnesses):\n{verifier_key}")

    def _add_witness(self, options: dict[str, Any]) -> None:
        try:
            key = Path(options["key"]).read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(
                f"Cannot read the witness key file {options['key']!r}: {exc}"
            ) from exc
        try:
            witness = witnessing.add_witness(name=options["name"], url=options["url"], key=key)
        except witnessing.WitnessingError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Witness {witness.name} added: {witness.url}")

    def _checkpoint(self, options: dict[str, Any]) -> None:
        if options["size"] is not None:
            stored = SignedCheckpoint.objects.filter(size=options["size"]).first()
            if stored is None:
                raise CommandError(f"No checkpoint of size {options['size']} has been signed")
            self.stdout.write(stored.note, ending="")
            return
        try:
            if not options["if_grown"]:
                self.stdout.write(actions.sign_checkpoint().note, ending="")
                return
            signed = actions.sign_checkpoint_if_grown()
        except (
            keys.SigningKeyMissing,
            actions.InconsistentCheckpoint,
            actions.CheckpointLogError,
        ) as exc:
            raise CommandError(str(exc)) from exc
        # For cron: nothing when the tree has not grown, one line when it signed (a
        # systemd timer's journal keeps it; cron's `>/dev/null` leaves only failures).
        if signed is not None:
            root = base64.b64encode(bytes(signed.root)).decode("ascii")
            self.stdout.write(f"Signed checkpoint {signed.size} (root {root}).")

    def _verifiers(self, given: list[str] | None) -> list[Any]:
        try:
            return keys.verifiers(given)
        except (bundle.ProofError, keys.SigningKeyMissing) as exc:
            raise CommandError(str(exc)) from exc

    def _verify(self, options: dict[str, Any]) -> None:
        against = None
        if options["against"]:
            try:
                against = Path(options["against"]).read_text(encoding="utf-8")
            except OSError as exc:
                raise CommandError(f"Cannot read {options['against']}: {exc.strerror}") from exc
        try:
            # Read before the long pass, so a wrong path fails at once.
            witness_keys = [read_key(path) for path in options["witness_key"] or []]
        except WitnessVerifyError as exc:
            raise CommandError(str(exc)) from exc
        started = time.perf_counter()
        try:
            report = verify_ledger(
                against=against,
                verifier=self._verifiers(options["key"]),
                jobs=max(1, options["jobs"]),
            )
        except VerifyError as exc:
            raise CommandError(str(exc)) from exc
        witnessed = check_cosignatures(witness_keys)
        seconds = time.perf_counter() - started
        if not report.ok or not witnessed.ok:
            raise CommandError(
                "Ledger verification FAILED:\n" + "\n".join(report.lines() + witnessed.problems),
                returncode=1,
            )
        root = "" if report.root is None else base64.b64encode(report.root).decode("ascii")
        lines = [
            f"Ledger verified: {report.size} entries, root {root}, "
            f"{report.records_checked} records and {report.checkpoints_checked} signed "
            f"checkpoints checked, and {report.covered_checked} records that must have an "
            f"entry all have one, in {seconds:.1f} s."
        ]
        held = sorted(cp.size for cp in report.against)
        if len(held) == 1:
            lines.append(f"Consistent with the checkpoint held elsewhere at size {held[0]}.")
        elif held:
            lines.append(
                f"Consistent with all {len(held)} checkpoints held elsewhere "
                f"(sizes {held[0]} to {held[-1]})."
            )
        lines.extend(cosigned.line() for cosigned in witnessed.cosigned)
        self.stdout.write("\n".join(lines))

    def _prove(self, options: dict[str, Any]) -> None:
        try:
            entry = queries.find_entry(options["id"])
            stored = actions.sign_checkpoint()
            verifier_key = keys.verifier().key_string()
        except (
            LookupError,
            keys.SigningKeyMissing,
            actions.InconsistentCheckpoint,
            actions.CheckpointLogError,
        ) as exc:
            raise CommandError(str(exc)) from exc
        text = json.dumps(queries.proof_bundle(entry, stored, verifier_key), indent=2)
        if options["out"]:
            Path(options["out"]).write_text(text + "\n", encoding="utf-8")
            self.stdout.write(f"Proof of entry {entry.sequence} written to {options['out']}")
        else:
            self.stdout.write(text)

    def _check_proof(self, options: dict[str, Any]) -> None:
        code = bundle.main([options["bundle"], "--key", options["key"]])
        sys.stdout.flush()
        if code != 0:
            raise CommandError("The proof is not valid", returncode=code)
