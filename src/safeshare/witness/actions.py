"""The witness's rules: which logs it cosigns, and add-checkpoint (C2SP tlog-witness)."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from safeshare.ledger import merkle
from safeshare.ledger.actions import append_entry
from safeshare.ledger.checkpoint import (
    Checkpoint,
    CheckpointError,
    KeyFormatError,
    NoteError,
    Verifier,
    open_note,
)
from safeshare.witness import keys
from safeshare.witness.models import Refusal, WitnessedLog

# A checkpoint, its signatures and a proof are a few kilobytes; the site-wide limit
# (DATA_UPLOAD_MAX_MEMORY_SIZE, 64 KiB) answers 400 above that anyway.
MAX_BODY_BYTES = 32 * 1024
MAX_PROOF_LINES = 63


class WitnessError(ValueError):
    pass


def add_log(*, origin: str, key: str) -> WitnessedLog:
    """Start witnessing the log ``origin`` whose checkpoints ``key`` signs."""
    try:
        verifier = Verifier.from_key_string(key.strip())
    except KeyFormatError as exc:
        raise WitnessError(f"The log key is not a note verifier key: {exc}") from exc
    if not origin or "\n" in origin:
        raise WitnessError("Enter the log's origin, on one line")
    with transaction.atomic():
        if WitnessedLog.objects.filter(origin=origin).exists():
            raise WitnessError(f"This deployment already witnesses {origin!r}")
        log = WitnessedLog.objects.create(
            origin=origin, key=verifier.key_string(), added_at=timezone.now()
        )
        append_entry(event_type="witness.log.added", actor=None, organisation=None, obj=log)
    return log


@dataclass(frozen=True)
class Response:
    status: int
    body: str
    content_type: str = "text/plain; charset=utf-8"


def _text(status: int, message: str) -> Response:
    return Response(status, message + "\n")


def _parse(body: bytes) -> tuple[int, list[bytes], bytes]:
    """(old size, proof hashes, checkpoint note) of an add-checkpoint request body."""
    head, sep, note = body.partition(b"\n\n")
    if not sep:
        raise WitnessError("the request has no blank line before the checkpoint")
    try:
        lines = head.decode("ascii").split("\n")
    except UnicodeDecodeError as exc:
        raise WitnessError("the request's old size and proof lines are not ASCII") from exc
    first = lines[0]
    if not first.startswith("old ") or not merkle_decimal(first[4:]):
        raise WitnessError("the request must start with 'old <size>'")
    proof: list[bytes] = []
    if len(lines) - 1 > MAX_PROOF_LINES:
        raise WitnessError("the consistency proof is too long")
    for line in lines[1:]:
        try:
            raw = base64.b64decode(line.encode("ascii"), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise WitnessError("a proof line is not base64") from exc
        if len(raw) != merkle.HASH_SIZE or base64.b64encode(raw).decode() != line:
            raise WitnessError("a proof line is not a canonical base64 SHA-256 hash")
        proof.append(raw)
    return int(first[4:]), proof, note


def merkle_decimal(text: str) -> bool:
    return text.isascii() and text.isdigit() and (text == "0" or not text.startswith("0"))


def _refuse(
    log: WitnessedLog, reason: str, status: int, old: int, cp: Checkpoint, latest: int
) -> None:
    # Its own transaction: the refusal stays however the request ends.
    Refusal.objects.create(
        origin=log.origin,
        reason=reason,
        status=status,
        old_size=old,
        checkpoint_size=cp.size,
        latest_size=latest,
        time=timezone.now(),
    )


def add_checkpoint(body: bytes) -> Response:
    """tlog-witness add-checkpoint: cosign ``body``'s checkpoint if it extends the latest
    one cosigned for its origin, and move the latest forward atomically."""
    if len(body) > MAX_BODY_BYTES:
        return _text(413, "The request is too large")
    try:
        old, proof, note = _parse(body)
    except WitnessError as exc:
        return _text(400, f"Bad request: {exc}")
    origin = note.split(b"\n", 1)[0].decode("utf-8", "replace")
    log = WitnessedLog.objects.filter(origin=origin).first()
    if log is None:
        return _text(404, "This witness does not witness that log")
    try:
        text, _ = open_note(note, [Verifier.from_key_string(log.key)])
    except NoteError:
        return _text(403, "The checkpoint is not signed by the log's key")
    try:
        cp = Checkpoint.parse(text)
    except CheckpointError as exc:
        return _text(400, f"Bad checkpoint: {exc}")
    if cp.origin != log.origin:
        return _text(403, "The checkpoint is not signed by the log's key")
    if old > cp.size:
        return _text(400, "The old size is larger than the checkpoint's size")
    try:
        signer = keys.signer()
    except keys.WitnessKeyMissing as exc:
        return _text(503, str(exc))
    with transaction.atomic():
        # select_for_update serialises on PostgreSQL; the conditional UPDATE below makes
        # two requests from the same old size unable to both succeed on any database.
        log = WitnessedLog.objects.select_for_update().get(pk=log.pk)
        stored_root = bytes(log.root) if log.root is not None else merkle.EMPTY_ROOT
        if old != log.size:
            outcome = Refusal.CONFLICT
        elif old == cp.size and stored_root != cp.root_hash:
            outcome = Refusal.FORK
        elif not merkle.verify_consistency(old, cp.size, stored_root, cp.root_hash, proof):
            outcome = Refusal.BAD_PROOF
        else:
            now = timezone.now()
            updated = WitnessedLog.objects.filter(pk=log.pk, size=old).update(
                size=cp.size, root=cp.root_hash, updated_at=now
            )
            if updated == 1:
                return Response(200, signer.cosign(text, int(now.timestamp())))
            outcome = Refusal.CONFLICT
            log.refresh_from_db()
    if outcome == Refusal.BAD_PROOF:
        _refuse(log, Refusal.BAD_PROOF, 422, old, cp, log.size)
        return _text(422, "The consistency proof does not verify")
    _refuse(log, outcome, 409, old, cp, log.size)
    return Response(409, f"{log.size}\n", "text/x.tlog.size")
