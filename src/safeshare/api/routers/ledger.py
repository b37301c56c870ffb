"""The ledger: its latest signed checkpoint."""

from __future__ import annotations

from django.http import HttpResponse
from ninja import Router

from safeshare.accounts.http import AuthenticatedHttpRequest
from safeshare.api.contract import answers
from safeshare.ledger import actions as ledger_actions
from safeshare.ledger import keys

router = Router(tags=["ledger"])

_NOTE = {"text/plain": {"schema": {"type": "string"}}}


@router.get(
    "/checkpoint",
    **answers(
        {200: None, 503: None},
        invalid=False,
        content={200: _NOTE, 503: _NOTE},
    ),
    url_name="ledger_checkpoint",
    operation_id="getLedgerCheckpoint",
    summary="The latest signed checkpoint of the ledger (a signed note, plain text)",
)
def ledger_checkpoint(request: AuthenticatedHttpRequest) -> HttpResponse:
    """As the public /ledger/checkpoint: signs a new checkpoint first if the tree has grown."""
    text = "text/plain; charset=utf-8"
    if not keys.has_signer():
        return HttpResponse(keys.MISSING_KEY_MESSAGE + "\n", content_type=text, status=503)
    try:
        stored = ledger_actions.sign_checkpoint()
    except (keys.SigningKeyMissing, ledger_actions.InconsistentCheckpoint) as exc:
        return HttpResponse(str(exc) + "\n", content_type=text, status=503)
    return HttpResponse(stored.note, content_type=text)
