"""Public checkpoints and key (for witnesses), proof bundles for the organisation's users,
and the witnesses page for the service's administrators.

The checkpoint and key URLs are public by design: a checkpoint holds only the ledger's
origin, size and root hash, and the key is the public half. Neither reveals any record.
"""

from __future__ import annotations

import json
import logging
from uuid import UUID

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from safeshare.accounts.http import AuthenticatedHttpRequest
from safeshare.core.pagination import paginate
from safeshare.ledger import actions, keys, queries, witnessing
from safeshare.ledger.models import SignedCheckpoint

TEXT = "text/plain; charset=utf-8"
logger = logging.getLogger(__name__)


def _unavailable(message: str) -> HttpResponse:
    return HttpResponse(message + "\n", content_type=TEXT, status=503)


def _signed() -> SignedCheckpoint:
    """The latest checkpoint, signed first if the tree grew. One that could not be added
    to the checkpoint log is still a valid checkpoint: it is served, and the failure
    logged for the operator (sizes only)."""
    try:
        return actions.sign_checkpoint()
    except actions.CheckpointLogError as exc:
        logger.error("ledger.checkpoint_log_failed size=%d", exc.stored.size)
        return exc.stored


@login_not_required
def checkpoint(request: HttpRequest) -> HttpResponse:
    """The latest signed checkpoint, signing a new one first if the tree has grown."""
    if not keys.has_signer():
        return _unavailable(keys.MISSING_KEY_MESSAGE)
    try:
        stored = _signed()
    except (keys.SigningKeyMissing, actions.InconsistentCheckpoint) as exc:
        return _unavailable(str(exc))
    # The witnesses' cosignature lines follow the log's own signature (tlog-cosignature).
    return HttpResponse(witnessing.with_cosignatures(stored), content_type=TEXT)


@login_not_required
def checkpoint_at(request: HttpRequest, size: int) -> HttpResponse:
    stored = SignedCheckpoint.objects.filter(size=size).first()
    if stored is None:
        raise Http404("No checkpoint of that size")
    return HttpResponse(stored.note, content_type=TEXT)


@login_not_required
def key(request: HttpRequest) -> HttpResponse:
    """The verifier key witnesses and check-proof use (the public half only)."""
    try:
        return HttpResponse(keys.verifier().key_string() + "\n", content_type=TEXT)
    except keys.SigningKeyMissing as exc:
        return _unavailable(str(exc))


def proof(request: AuthenticatedHttpRequest, entry_id: UUID) -> HttpResponse:
    """The proof bundle of one entry, for users of the entry's organisation."""
    entry = queries.get_entry_for_user(request.user, entry_id)
    try:
        stored = _signed()
        verifier_key = keys.verifier().key_string()
    except (keys.SigningKeyMissing, actions.InconsistentCheckpoint) as exc:
        return _unavailable(str(exc))
    bundle = queries.proof_bundle(entry, stored, verifier_key)
    response = HttpResponse(json.dumps(bundle, indent=2) + "\n", content_type="application/json")
    response["Content-Disposition"] = (
        f'attachment; filename="safeshare-ledger-entry-{entry.sequence}.json"'
    )
    return response


def witnesses(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The administrators' witnesses page: each witness's latest cosignature, and what they
    refused or did not answer (a rolled-back or forked ledger shows here first)."""
    if not queries.can_see_witnesses(request.user):
        raise PermissionDenied
    rows = queries.witnesses_for(request.user)
    page = paginate(
        queries.witness_failures_for(request.user),
        queries.WITNESS_FAILURE_ORDER,
        request.GET,
        size=queries.WITNESS_FAILURES_PAGE_SIZE,
    )
    return render(
        request,
        "ledger/witnesses.html",
        {
            "witnesses": rows,
            "refusing": [row for row in rows if getattr(row, "refusing", False)],
            "page": page,
            "failures": list(page),
        },
    )
