"""Disclosures shared with the caller by name: the list, reading one, acknowledging it."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from ninja import Router
from ninja import Status as Answer

from safeshare.accounts.http import AuthenticatedHttpRequest
from safeshare.accounts.permissions import can_view_case_records
from safeshare.api.contract import answers, link
from safeshare.api.routers import common
from safeshare.api.routers.common import AFTER, IDEMPOTENCY_KEY
from safeshare.api.schemas import (
    DisclosureOut,
    DisclosureSummaryOut,
    ErrorOut,
    Id,
    IdempotencyKey,
    LabelledOut,
    SenderOut,
)
from safeshare.audit.actions import record_access
from safeshare.disclosures import actions as disclosure_actions
from safeshare.disclosures import queries as disclosure_queries
from safeshare.disclosures.models import Disclosure

router = Router(tags=["disclosures"])

ALREADY_ACKNOWLEDGED = "You have already acknowledged receiving this information"


def _disclosure_summary(disclosure: Disclosure) -> dict[str, Any]:
    opened, acknowledged, revoked = disclosure.opened, disclosure.acknowledged, disclosure.revoked
    return {
        "id": disclosure.pk,
        "reference": disclosure.reference,
        "status": disclosure.status_now.value,
        "from_organisation": common.organisation(disclosure.organisation),
        "sent_by": disclosure.sender_display,
        "sent_at": disclosure.sent_at,
        "available_until": disclosure.available_until,
        "opened_at": None if opened is None else opened.at,
        "acknowledged_at": None if acknowledged is None else acknowledged.at,
        "revoked_at": None if revoked is None else revoked.at,
    }


def _disclosure(disclosure: Disclosure, content: disclosure_queries.Content) -> DisclosureOut:
    decision = content.decision
    return DisclosureOut(
        **_disclosure_summary(disclosure),
        subjects=[common.person(p) for p in content.subjects],
        purpose_category=common.purpose(decision.purpose_category),
        purpose=decision.purpose,
        lawful_basis=[LabelledOut(label=k, value=v) for k, v in content.lawful_basis],
        items=[common.item(item) for item in content.items],
        message=disclosure.message,
        sender=SenderOut(
            name=disclosure.sent_by.display_name(),
            role=disclosure.sender_job_title,
            organisation=common.organisation(disclosure.organisation),
            contact=disclosure.sender_contact,
        ),
    )


def _disclosure_links(pointer: str, which: str) -> dict[str, dict[str, Any]]:
    return {
        "GetDisclosure": link(
            "getDisclosure", f"Read {which}", disclosure_id=f"$response.body#{pointer}"
        ),
        "AcknowledgeDisclosure": link(
            "acknowledgeDisclosure",
            f"Acknowledge {which}",
            disclosure_id=f"$response.body#{pointer}",
        ),
    }


@router.get(
    "/received",
    **answers(
        {200: list[DisclosureSummaryOut]},
        forbidden=True,
        paged=True,
        links=_disclosure_links("/0/id", "the newest"),
    ),
    url_name="disclosures_received",
    operation_id="listDisclosuresReceived",
    summary="Information shared with you by name: newest first, revoked and expired "
    "included, 50 a page",
)
def disclosures_received(
    request: AuthenticatedHttpRequest, response: HttpResponse, after: str | None = AFTER
) -> list[DisclosureSummaryOut]:
    """As the "Shared with you" page: no one's personal data, so no access records."""
    if not can_view_case_records(request.user):
        raise PermissionDenied
    found = disclosure_queries.disclosures_received(request.user)
    rows = common.page(request, response, found, disclosure_queries.RECEIVED_ORDER)
    return [DisclosureSummaryOut(**_disclosure_summary(d)) for d in rows]


@router.get(
    "/{disclosure_id}",
    **answers(
        {200: DisclosureOut},
        not_found=True,
        links={"AcknowledgeDisclosure": _disclosure_links("/id", "it")["AcknowledgeDisclosure"]},
    ),
    url_name="disclosure",
    operation_id="getDisclosure",
    summary="Information shared with you: who it is about, why, and the items sent",
)
def disclosure(request: AuthenticatedHttpRequest, disclosure_id: Id) -> DisclosureOut:
    """For its named recipient only, until it is revoked or expires (404 otherwise, as the
    page). The first reading, here or on the page, is the read receipt the sender sees."""
    found = disclosure_actions.open_disclosure(actor=request.user, disclosure_id=disclosure_id)
    content = disclosure_queries.content_of(found)
    for person in content.subjects:
        record_access(request, what="api.disclosures.show", person=person, obj=found)
    return _disclosure(found, content)


@router.post(
    "/{disclosure_id}/acknowledge",
    **answers(
        {200: DisclosureSummaryOut},
        not_found=True,
        conflict=ALREADY_ACKNOWLEDGED + " (without an Idempotency-Key, or with a new one)",
        links={"GetDisclosure": _disclosure_links("/id", "it")["GetDisclosure"]},
    ),
    url_name="disclosure_acknowledge",
    operation_id="acknowledgeDisclosure",
    summary="Tell the sender you have received it (once)",
)
def disclosure_acknowledge(
    request: AuthenticatedHttpRequest,
    disclosure_id: Id,
    idempotency_key: IdempotencyKey = IDEMPOTENCY_KEY,
) -> DisclosureSummaryOut | Answer[ErrorOut]:
    """A repeated Idempotency-Key answers as the first call did (200), where a second
    acknowledgement without one answers 409."""
    found = disclosure_queries.get_disclosure_for_recipient(request.user, disclosure_id)

    def create() -> UUID:
        disclosure_actions.acknowledge(actor=request.user, disclosure=found)
        return found.pk

    try:
        common.once(request, idempotency_key, "acknowledgeDisclosure", {}, create)
    except disclosure_actions.AlreadyAcknowledged:
        return Answer(409, ErrorOut(detail=ALREADY_ACKNOWLEDGED))
    found = disclosure_queries.get_disclosure_for_recipient(request.user, disclosure_id)
    return DisclosureSummaryOut(**_disclosure_summary(found))
