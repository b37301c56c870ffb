"""Requests: the ones the caller's organisation received or made, and raising one."""

from __future__ import annotations

from typing import Any, Literal
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from ninja import Router
from ninja import Status as Answer

from safeshare.accounts.http import AuthenticatedHttpRequest
from safeshare.accounts.models import Organisation, User
from safeshare.accounts.permissions import can_view_case_records
from safeshare.api.contract import answers, link
from safeshare.api.routers import common
from safeshare.api.routers.common import AFTER, IDEMPOTENCY_KEY, FieldError
from safeshare.api.schemas import (
    Id,
    IdempotencyKey,
    PurposeOut,
    RequestIn,
    RequestOut,
    RequestSummaryOut,
)
from safeshare.audit.actions import record_access, record_access_objects
from safeshare.requests import actions as request_actions
from safeshare.requests import permissions as request_permissions
from safeshare.requests.models import InformationRequest, Status
from safeshare.requests.queries import QUEUE_ORDER, get_request_for_user, incoming, outgoing
from safeshare.vocabulary.models import Purpose

router = Router(tags=["requests"])

StatusFilter = Literal["all", "open", "assigned", "answered", "withdrawn"]
_REQUEST_LINK = {
    "GetRequest": link("getRequest", "The request", request_id="$response.body#/id"),
}


def _summary_fields(user: User, info: InformationRequest) -> dict[str, Any]:
    outgoing_request = info.from_organisation_id == user.organisation_id
    return {
        "id": info.pk,
        "reference": info.reference,
        "direction": "outgoing" if outgoing_request else "incoming",
        "status": info.status,
        "urgency": info.urgency,
        "from_organisation": None
        if info.from_organisation is None
        else common.organisation(info.from_organisation),
        "to_organisation": common.organisation(info.to_organisation),
        "purpose_category": PurposeOut.model_validate(info.purpose_category),
        "received_at": info.received_at,
        "due_at": info.due_at,
        "overdue": info.is_overdue(),
        "response": info.response,
    }


def _request(user: User, info: InformationRequest) -> RequestOut:
    return RequestOut(
        **_summary_fields(user, info),
        subject_details=info.subject_details,
        purpose=info.purpose,
        information_needed=info.information_needed,
        why_needed=info.why_needed,
        statutory_basis=info.statutory_basis,
        statutory_basis_detail=info.statutory_basis_detail,
        answered_at=info.answered_at,
        withdrawn_at=info.withdrawn_at,
    )


@router.get(
    "",
    **answers(
        {200: list[RequestSummaryOut]},
        forbidden=True,
        paged=True,
        links={
            "GetRequest": link(
                "getRequest", "The first request listed", request_id="$response.body#/0/id"
            )
        },
    ),
    url_name="requests",
    operation_id="listRequests",
    summary="Requests your organisation received (incoming) or made (outgoing), earliest due "
    "first, 50 a page",
)
def requests_list(
    request: AuthenticatedHttpRequest,
    response: HttpResponse,
    direction: Literal["incoming", "outgoing"] = "incoming",
    status: StatusFilter | None = None,
    after: str | None = AFTER,
) -> list[RequestSummaryOut]:
    """Without `status`, the open ones (new or assigned), as the queue page shows."""
    if not can_view_case_records(request.user):
        raise PermissionDenied
    found = incoming(request.user) if direction == "incoming" else outgoing(request.user)
    if status is None:
        found = found.filter(status__in=[Status.OPEN, Status.ASSIGNED])
    elif status != "all":
        found = found.filter(status=status)
    rows = common.page(request, response, found, QUEUE_ORDER)
    record_access_objects(request, what=f"api.requests.{direction}", objs=rows)
    return [RequestSummaryOut(**_summary_fields(request.user, row)) for row in rows]


@router.post(
    "",
    **answers({201: RequestOut}, forbidden=True, links=_REQUEST_LINK),
    url_name="requests_create",
    operation_id="raiseRequest",
    summary="Ask another organisation for information",
)
def requests_create(
    request: AuthenticatedHttpRequest,
    payload: RequestIn,
    idempotency_key: IdempotencyKey = IDEMPOTENCY_KEY,
) -> Answer[RequestOut]:
    """The same action as the "Ask another organisation" page: the receiving managers are
    emailed a link, and the ledger records it. Nothing is written when the input is refused.
    A repeated Idempotency-Key answers with the request the first call made."""
    user: User = request.user
    if not request_permissions.can_raise_request(user):
        raise PermissionDenied

    def create() -> UUID:
        to = Organisation.objects.exclude(pk=user.organisation_pk())
        to_organisation = to.filter(pk=payload.to_organisation).first()
        if to_organisation is None:
            raise FieldError(
                "to_organisation", "Must be the id of another organisation in the partnership"
            )
        purpose = Purpose.objects.filter(active=True, pk=payload.purpose_category).first()
        if purpose is None:
            raise FieldError(
                "purpose_category", "Must be the id of one of the partnership's purposes"
            )
        created = request_actions.raise_request(
            actor=user,
            to_organisation=to_organisation,
            details={
                "subject_details": payload.subject_details,
                "purpose_category": purpose,
                "purpose": payload.purpose,
                "information_needed": payload.information_needed,
                "why_needed": payload.why_needed,
                "urgency": payload.urgency,
                "statutory_basis": payload.statutory_basis,
                "statutory_basis_detail": payload.statutory_basis_detail,
            },
        )
        return created.pk

    body = payload.model_dump(mode="json")
    created_id = common.once(request, idempotency_key, "raiseRequest", body, create)
    info = get_request_for_user(user, created_id)
    record_access(request, what="api.requests.create", obj=info)
    return Answer(201, _request(user, info))


@router.get(
    "/{request_id}",
    **answers({200: RequestOut}, not_found=True),
    url_name="request",
    operation_id="getRequest",
    summary="One request your organisation received or made",
)
def request_show(request: AuthenticatedHttpRequest, request_id: Id) -> RequestOut:
    info = get_request_for_user(request.user, request_id)
    record_access(request, what="api.requests.show", obj=info)
    return _request(request.user, info)
