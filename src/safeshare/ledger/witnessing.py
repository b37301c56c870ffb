"""The log side of witnessing: send each new checkpoint to every witness (job
ledger.witness) with the consistency proof from the size it last cosigned, store the
cosignatures, and record refusals and timeouts for the administrators."""

from __future__ import annotations

import base64
import datetime
import http.client
import urllib.error
import urllib.request

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from safeshare.ledger import cosignature, queries
from safeshare.ledger.actions import append_entry, sign_checkpoint
from safeshare.ledger.models import Cosignature, SignedCheckpoint, Witness, WitnessFailure


class WitnessingError(ValueError):
    pass


def add_witness(*, name: str, url: str, key: str) -> Witness:
    try:
        verifier = cosignature.WitnessVerifier.from_key_string(key.strip())
    except cosignature.CosignatureError as exc:
        raise WitnessingError(f"The witness key is not a cosignature/v1 key: {exc}") from exc
    if not url.startswith(("http://", "https://")):
        raise WitnessingError("Enter the witness URL, starting with http:// or https://")
    with transaction.atomic():
        if Witness.objects.filter(name=name).exists():
            raise WitnessingError(f"A witness named {name!r} is already registered")
        witness = Witness.objects.create(
            name=name, url=url.rstrip("/"), key=verifier.key_string(), added_at=timezone.now()
        )
        append_entry(event_type="ledger.witness.added", actor=None, organisation=None, obj=witness)
    return witness


def _last_cosigned(witness: Witness) -> int:
    last = witness.cosignatures.order_by("-size").first()
    return last.size if last else 0


def send(witness: Witness, stored: SignedCheckpoint) -> bool:
    """Send ``stored`` to ``witness``; True if it cosigned.

    The proof is from the size this log last stored a cosignature of. If the witness
    answers 409 with its own latest size (text/x.tlog.size) and that size is in the
    tree being sent (not above its size), the request is retried once from there, as
    tlog-witness allows: the witness cosigned an earlier checkpoint whose answer never
    reached this database (a timeout, a crash, or the job's transaction rolled back).
    A refusal is recorded only if the retry is refused too (its status and old size,
    the first old size in the detail), or if there is nothing to retry from."""
    old = _last_cosigned(witness)
    if old == stored.size and witness.cosignatures.filter(size=stored.size).exists():
        return True
    status, content_type, answer = _post(witness, stored, old)
    retried = ""
    if status == 409:
        latest = _size_answer(content_type, answer)
        if latest is not None and latest != old and latest <= stored.size:
            retried = f"retried from the witness's size {latest} after 409 from {old}: "
            old = latest
            status, content_type, answer = _post(witness, stored, old)
    if status == 200:
        verifier = cosignature.WitnessVerifier.from_key_string(witness.key)
        text = cosignature.note_text(stored.note)
        for line in answer.splitlines():
            try:
                if verifier.verify_line(line, text) is not None:
                    Cosignature.objects.create(
                        witness=witness, size=stored.size, line=line, received_at=timezone.now()
                    )
                    return True
            except cosignature.CosignatureError:
                continue
        answer = "the answer held no valid cosignature by its key"
    _fail(witness, stored, old, status, (retried + answer.strip())[:200])
    return False


def _post(witness: Witness, stored: SignedCheckpoint, old: int) -> tuple[int | None, str, str]:
    """(status, content type, body) of add-checkpoint from size ``old``; status None
    and a reason as the body when the witness did not answer over HTTP."""
    proof = queries.consistency_proof(old, stored.size) if 0 < old < stored.size else []
    body = "\n".join([f"old {old}", *(base64.b64encode(p).decode() for p in proof)])
    data = (body + "\n\n" + stored.note).encode("utf-8")
    # add_witness accepts only http(s) URLs, so no file: or custom scheme reaches here.
    request = urllib.request.Request(  # noqa: S310
        witness.url + "/add-checkpoint",
        data=data,
        method="POST",
        headers={"Content-Type": "text/plain; charset=utf-8"},
    )
    timeout = float(settings.SAFESHARE_WITNESS_TIMEOUT)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            answer = response.read(64 * 1024).decode("utf-8", "replace")
            return response.status, response.headers.get("Content-Type", ""), answer
    except urllib.error.HTTPError as exc:
        with exc:
            try:
                detail = exc.read(200).decode("utf-8", "replace")
            except (OSError, http.client.HTTPException):
                detail = ""
            return exc.code, exc.headers.get("Content-Type", "") if exc.headers else "", detail
    except (OSError, http.client.HTTPException) as exc:
        # HTTPException: an answer that is not HTTP (BadStatusLine) or is cut short
        # (IncompleteRead); neither is an OSError, and either would end the whole job.
        return None, "", f"no answer: {type(exc).__name__}"


def _size_answer(content_type: str, body: str) -> int | None:
    """The witness's latest size from a 409 text/x.tlog.size body, if it is one."""
    if content_type.split(";", 1)[0].strip().lower() != "text/x.tlog.size":
        return None
    text = body.removesuffix("\n")
    if not (0 < len(text) <= 20 and text.isascii() and text.isdigit()):
        return None
    if text != "0" and text.startswith("0"):
        return None
    return int(text)


def _fail(
    witness: Witness, stored: SignedCheckpoint, old: int, status: int | None, detail: str
) -> None:
    WitnessFailure.objects.create(
        witness=witness,
        size=stored.size,
        old_size=old,
        status=status,
        detail=detail,
        time=timezone.now(),
    )


def witness_job(*, now: datetime.datetime | None = None) -> int:
    """Sign a checkpoint if the tree grew, then send the newest to every witness."""
    if not settings.SAFESHARE_LEDGER_SIGNING_KEY or not Witness.objects.exists():
        return 0
    stored = sign_checkpoint()
    # What the job did: the cosignatures it stored (none when every witness already
    # cosigned this checkpoint; nothing is sent to those).
    return sum(
        1
        for witness in Witness.objects.order_by("name")
        if not witness.cosignatures.filter(size=stored.size).exists() and send(witness, stored)
    )


def cosignature_lines(stored: SignedCheckpoint) -> list[str]:
    return [c.line for c in Cosignature.objects.filter(size=stored.size).order_by("witness__name")]


def with_cosignatures(stored: SignedCheckpoint) -> str:
    lines = cosignature_lines(stored)
    return stored.note + "".join(line + "\n" for line in lines)
