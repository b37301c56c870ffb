"""The API: django-ninja under /api/v1/, read-only apart from raising a request and
acknowledging a disclosure.

Every operation runs as the token's user and goes through the same scoped queries
(subjects.queries, decisions.queries, requests.queries, disclosures.queries) and
permission predicates as the pages: another organisation's record answers 404, a role
that may not use a page gets 403 here too. Every operation that returns a person's data writes the read-audit records the
page would, named "api.<operation>", in the same request. docs/api.md describes it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any, Literal
from uuid import UUID

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver
from ninja import NinjaAPI
from ninja import Status as Answer
from ninja.errors import AuthenticationError, Throttled
from ninja.errors import ValidationError as NinjaValidationError
from ninja.params import functions as parameters

from safeshare.accounts.models import Organisation
from safeshare.accounts.permissions import can_view_case_records
from safeshare.api import actions as api_actions
from safeshare.api.auth import TokenAuth, TokenRateLimit
from safeshare.api.contract import answers, for_caller, link
from safeshare.api.schemas import (
    ChronologyEntryOut,
    DecisionOut,
    DisclosureOut,
    DisclosureSummaryOut,
    ErrorOut,
    Id,
    IdempotencyKey,
    IdentifierOut,
    ItemOut,
    LabelledOut,
    LawfulBasisOut,
    OrganisationOut,
    PersonOut,
    PersonRefOut,
    PolicyOut,
    PurposeOut,
    ReceiptOut,
    RecipientOut,
    RequestIn,
    RequestOut,
    RequestSummaryOut,
    SearchIn,
    SenderOut,
)
from safeshare.audit.actions import (
    record_access,
    record_access_many,
    record_access_objects,
    record_denied,
)
from safeshare.core.pagination import InvalidCursor, paginate
from safeshare.decisions.models import Decision, InformationItem
from safeshare.decisions.queries import LIST_ORDER, decisions_about_person, get_decision_for_user
from safeshare.disclosures import actions as disclosure_actions
from safeshare.disclosures import queries as disclosure_queries
from safeshare.disclosures.models import Disclosure
from safeshare.ledger import actions as ledger_actions
from safeshare.ledger import keys
from safeshare.ledger.queries import receipt_for
from safeshare.requests import actions as request_actions
from safeshare.requests import permissions as request_permissions
from safeshare.requests.models import InformationRequest, Status
from safeshare.requests.queries import QUEUE_ORDER, get_request_for_user, incoming, outgoing
from safeshare.subjects.models import Person
from safeshare.subjects.queries import get_person_for_user, search_people
from safeshare.vocabulary.models import Purpose

SEARCH_LIMIT = 50

UNAUTHORISED = "Send a current API token in the header: Authorization: Bearer <token>"
KEY_REUSED = {
    "field": "Idempotency-Key",
    "type": "idempotency_key_reused",
    "message": f"This Idempotency-Key was used for a different request in the last {api_actions.IDEMPOTENCY_KEY_HOURS} hours: send a new key for each new request",
}


def _docs_for_signed_in(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The OpenAPI document is for signed-in users (the session's second factor is checked
    by SecondFactorMiddleware) and token holders; anyone else gets 401. Each gets it as
    they should read it (contract.for_caller): the ids their raised requests may name."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user: Any = request.user
        if not user.is_authenticated:
            user = TokenAuth()(request)
            if user is None:
                return _unauthorised(request)
        document = api.get_openapi_schema(path_params=kwargs)
        return _json(request, for_caller(document, user), 200)

    return wrapped


api = NinjaAPI(
    title="safeshare API",
    version="1",
    description="Read a person's records and decisions, and raise requests, with a personal API token. See docs/api.md.",
    urls_namespace="api",
    auth=TokenAuth(),
    openapi_url="/openapi.json",
    # No Swagger page: it loads from a CDN, which the content security policy refuses.
    docs_url=None,
    docs_decorator=_docs_for_signed_in,
    throttle=[TokenRateLimit()],
)


# --- Errors ---------------------------------------------------------------------------------


class NoSuchPage(Exception):
    """A page cursor (`after`) this list did not give out."""


class FieldError(Exception):
    """Input that passed the schema but names something that cannot be used."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


def _json(request: HttpRequest, body: dict[str, Any], status: int) -> HttpResponse:
    return api.create_response(request, body, status=status)


# The lists that grow are read a page at a time (core/pagination.py, keyset: a page costs
# the same at ten rows or ten million); the next page's address is in the Link header.
AFTER = parameters.Query(
    None,
    min_length=1,
    max_length=500,
    pattern=r"^[A-Za-z0-9_-]+$",
    description=(
        "Where the page starts: leave it out for the first page, then follow the address "
        'in the previous answer\'s `Link: <...>; rel="next"` header (it sets this). A '
        "value the list did not give out is answered with 404."
    ),
)


def _page(
    request: HttpRequest,
    response: HttpResponse,
    sources: Any,
    ordering: tuple[str, ...],
) -> list[Any]:
    params = {name: value for name, value in request.GET.items() if name != "before"}
    try:
        page = paginate(sources, ordering, params, strict=True)
    except InvalidCursor as exc:
        # 404, not 422: any string of the cursor's alphabet is schema-valid, but only the
        # ones the list gave out name a page (as an id names a record).
        raise NoSuchPage from exc
    if page.next is not None:
        response["Link"] = f'<{request.build_absolute_uri(request.path)}?{page.next}>; rel="next"'
    return page.rows


def _unauthorised(request: HttpRequest) -> HttpResponse:
    response = _json(request, {"detail": UNAUTHORISED}, 401)
    response["WWW-Authenticate"] = 'Bearer realm="safeshare"'
    return response


def _denied(request: HttpRequest) -> None:
    """As audit.middleware.DeniedAccessMiddleware does for pages (ninja answers the
    exception itself, so the middleware never sees it)."""
    match = request.resolver_match
    object_id = next((str(v) for v in (match.kwargs.values() if match else [])), "")
    record_denied(
        request, what=f"denied:{match.view_name}" if match else "denied", object_id=object_id
    )


@api.exception_handler(AuthenticationError)
def on_unauthorised(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _unauthorised(request)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    _denied(request)
    return _json(request, {"detail": "Not found"}, 404)


@api.exception_handler(NoSuchPage)
def on_no_such_page(request: HttpRequest, exc: NoSuchPage) -> HttpResponse:
    return _json(
        request,
        {
            "detail": "There is no such page of this list: leave out after for the first "
            "page, or follow the Link header of the previous page"
        },
        404,
    )


@api.exception_handler(PermissionDenied)
def on_forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    _denied(request)
    return _json(request, {"detail": "Your role cannot do this"}, 403)


@api.exception_handler(Throttled)
def on_throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    # ninja adds Retry-After (the seconds to the next minute) to this answer.
    limit = settings.SAFESHARE_API_CALLS_PER_MINUTE
    return _json(
        request,
        {
            "detail": f"Too many calls with this token: it may make {limit:,} a minute. Wait for the time in the Retry-After header, then try again"
        },
        429,
    )


@api.exception_handler(RequestDataTooBig)
def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return _json(
        request,
        {
            "detail": f"The request body is larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE:,} bytes"
        },
        400,
    )


def _field_of(loc: Iterable[Any]) -> str:
    """("body", "payload", "purpose") -> "purpose"; ("query", "direction") -> "direction";
    ("header", "Idempotency-Key") -> "Idempotency-Key"."""
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "header"}:
        source = parts.pop(0)
        if source == "body" and parts[:1] == ["payload"]:
            parts.pop(0)
    return ".".join(parts) or "body"


def _message(field: str, error: dict[str, Any]) -> str:
    """pydantic's own messages, where they do not name the field, in words that do."""
    kind = error.get("type")
    if kind == "missing" and error.get("msg") == "Field required":
        return f"Enter {field}"
    if kind == "extra_forbidden":
        return f"{field} is not a field of this operation: check its spelling"
    if kind == "literal_error":
        return f"{field} must be {error.get('ctx', {}).get('expected', 'one of the codes listed')}"
    return str(error.get("msg", "Invalid"))


@api.exception_handler(NinjaValidationError)
def on_invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = []
    for error in exc.errors:
        field = _field_of(error.get("loc", ()))
        kind = str(error.get("type", "invalid"))
        errors.append({"field": field, "message": _message(field, error), "type": kind})
    return _json(request, {"detail": errors}, 422)


@api.exception_handler(api_actions.KeyReused)
def on_key_reused(request: HttpRequest, exc: api_actions.KeyReused) -> HttpResponse:
    return _json(request, {"detail": [KEY_REUSED]}, 422)


@api.exception_handler(FieldError)
def on_field_error(request: HttpRequest, exc: FieldError) -> HttpResponse:
    return _json(
        request, {"detail": [{"field": exc.field, "message": exc.message, "type": "invalid"}]}, 422
    )


@api.exception_handler(Exception)
def on_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    # Django's 500 handling and logging, never a traceback in the response (ninja returns
    # one with DEBUG on, and it may hold personal data).
    raise exc


# --- Building responses -----------------------------------------------------------------------


def _organisation(org: Organisation) -> OrganisationOut:
    return OrganisationOut(id=org.pk, name=org.name)


def _purpose(purpose: Purpose | None) -> PurposeOut | None:
    return None if purpose is None else PurposeOut(id=purpose.pk, name=purpose.name)


def _person(person: Person) -> PersonOut:
    return PersonOut(
        id=person.pk,
        kind=person.kind,
        given_names=person.given_names,
        family_name=person.family_name,
        known_as=person.known_as,
        date_of_birth=person.date_of_birth,
        identifiers=[IdentifierOut(kind=i.kind, value=i.value) for i in person.identifiers.all()],
    )


def _person_ref(person: Person) -> PersonRefOut:
    return PersonRefOut(
        id=person.pk,
        given_names=person.given_names,
        family_name=person.family_name,
        date_of_birth=person.date_of_birth,
    )


def _item(item: InformationItem) -> ItemOut:
    return ItemOut(
        id=item.pk,
        position=item.position,
        text=item.text,
        nature=item.nature,
        opinion_of=item.opinion_of,
        currency=item.currency,
        relates_to=item.relates_to,
        source=item.source,
        about_person_id=item.about_id,
        special_category=item.special_category,
        identifies_third_party=item.identifies_third_party,
    )


def _lawful_bases(explanation: Any) -> list[LawfulBasisOut]:
    found = explanation.get("lawful_bases", []) if isinstance(explanation, dict) else []
    return [
        LawfulBasisOut(
            id=str(b.get("id", "")),
            title=str(b.get("title", "")),
            family=str(b.get("family", "")),
            accepted=bool(b.get("accepted", False)),
        )
        for b in found
        if isinstance(b, dict)
    ]


def _decision(decision: Decision, subjects: list[Person]) -> DecisionOut:
    receipt = receipt_for(decision)
    return DecisionOut(
        id=decision.pk,
        status=decision.status,
        organisation=_organisation(decision.organisation),
        started_at=decision.started_at,
        decided_at=decision.decided_at,
        outcome=decision.outcome,
        outcome_title=decision.get_outcome_display() if decision.outcome else "",
        policy=PolicyOut(
            id=decision.policy_id, version=decision.policy_version, sha256=decision.policy_sha256
        ),
        subjects=[_person_ref(p) for p in subjects],
        purpose_category=_purpose(decision.purpose_category),
        purpose=decision.purpose,
        urgency=decision.urgency,
        items=[_item(item) for item in decision.items.all()],
        recipient=RecipientOut(
            organisation_id=decision.recipient_organisation_id,
            organisation=decision.recipient_organisation_display,
            name=decision.recipient_name,
            role=decision.recipient_role,
            contact=decision.recipient_contact,
            verification=decision.recipient_verification,
            channel=decision.channel,
            shared_at=decision.shared_at,
        ),
        lawful_bases=_lawful_bases(decision.explanation),
        ledger_receipt=None
        if receipt is None
        else ReceiptOut(
            entry_id=receipt.entry_id,
            sequence=receipt.sequence,
            event_type=receipt.event_type,
            time=receipt.time,
            leaf_hash=receipt.leaf_hash,
            checkpoint_size=receipt.checkpoint_size,
        ),
    )


def _summary_fields(user: Any, info: InformationRequest) -> dict[str, Any]:
    outgoing_request = info.from_organisation_id == user.organisation_id
    return {
        "id": info.pk,
        "reference": info.reference,
        "direction": "outgoing" if outgoing_request else "incoming",
        "status": info.status,
        "urgency": info.urgency,
        "from_organisation": None
        if info.from_organisation is None
        else _organisation(info.from_organisation),
        "to_organisation": _organisation(info.to_organisation),
        "purpose_category": PurposeOut(
            id=info.purpose_category.pk, name=info.purpose_category.name
        ),
        "received_at": info.received_at,
        "due_at": info.due_at,
        "overdue": info.is_overdue(),
        "response": info.response,
    }


def _request(user: Any, info: InformationRequest) -> RequestOut:
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


def _disclosure_summary(disclosure: Disclosure) -> dict[str, Any]:
    opened, acknowledged, revoked = disclosure.opened, disclosure.acknowledged, disclosure.revoked
    return {
        "id": disclosure.pk,
        "reference": disclosure.reference,
        "status": disclosure.status_now.value,
        "from_organisation": _organisation(disclosure.organisation),
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
        subjects=[_person(p) for p in content.subjects],
        purpose_category=_purpose(decision.purpose_category),
        purpose=decision.purpose,
        lawful_basis=[LabelledOut(label=k, value=v) for k, v in content.lawful_basis],
        items=[_item(item) for item in content.items],
        message=disclosure.message,
        sender=SenderOut(
            name=disclosure.sent_by.display_name(),
            role=disclosure.sender_job_title,
            organisation=_organisation(disclosure.organisation),
            contact=disclosure.sender_contact,
        ),
    )


# --- People -----------------------------------------------------------------------------------

_PERSON_LINKS = {
    "GetPerson": link("getPerson", "The first person found", person_id="$response.body#/0/id"),
    "GetPersonChronology": link(
        "getPersonChronology",
        "The first person's chronology",
        person_id="$response.body#/0/id",
    ),
}


@api.post(
    "/people/search",
    **answers({200: list[PersonOut]}, forbidden=True, links=_PERSON_LINKS),
    url_name="people_search",
    operation_id="searchPeople",
    summary="Find people in your organisation's records by name or identifier",
    tags=["people"],
)
def people_search(request: HttpRequest, payload: SearchIn) -> list[PersonOut]:
    """The words travel in the body, never in the URL: a name is personal data."""
    if not can_view_case_records(request.user):
        raise PermissionDenied
    found = list(search_people(request.user, payload.query)[:SEARCH_LIMIT])
    record_access_many(request, what="api.people.search", people=found)
    return [_person(p) for p in found]


@api.get(
    "/people/{person_id}",
    **answers(
        {200: PersonOut},
        not_found=True,
        links={
            "GetPersonChronology": link(
                "getPersonChronology", "Their chronology", person_id="$response.body#/id"
            )
        },
    ),
    url_name="person",
    operation_id="getPerson",
    summary="One person, with their identifiers",
    tags=["people"],
)
def person(request: HttpRequest, person_id: Id) -> PersonOut:
    found = get_person_for_user(request.user, person_id)
    record_access(request, what="api.people.show", person=found)
    return _person(found)


@api.get(
    "/people/{person_id}/decisions",
    **answers(
        {200: list[ChronologyEntryOut]},
        not_found=True,
        paged=True,
        links={
            "GetDecision": link(
                "getDecision", "The newest decision", decision_id="$response.body#/0/decision_id"
            )
        },
    ),
    url_name="person_decisions",
    operation_id="getPersonChronology",
    summary="A person's chronology: the finalised decisions about them, newest first, 50 a page",
    tags=["people"],
)
def person_decisions(
    request: HttpRequest, response: HttpResponse, person_id: Id, after: str | None = AFTER
) -> list[ChronologyEntryOut]:
    found = get_person_for_user(request.user, person_id)
    decisions = _page(
        request,
        response,
        decisions_about_person(request.user, found).select_related("purpose_category"),
        LIST_ORDER,
    )
    record_access(request, what="api.people.decisions", person=found)
    return [
        ChronologyEntryOut(
            decision_id=d.pk,
            decided_at=d.decided_at,
            outcome=d.outcome,
            outcome_title=d.get_outcome_display(),
            organisation=_organisation(d.organisation),
            recipient_organisation_id=d.recipient_organisation_id,
            recipient_organisation=d.recipient_organisation_display,
            purpose_category=_purpose(d.purpose_category),
        )
        for d in decisions
    ]


# --- Decisions --------------------------------------------------------------------------------


@api.get(
    "/decisions/{decision_id}",
    **answers(
        {200: DecisionOut},
        not_found=True,
        links={
            "GetPerson": link(
                "getPerson",
                "The first person it is about",
                person_id="$response.body#/subjects/0/id",
            )
        },
    ),
    url_name="decision",
    operation_id="getDecision",
    summary="A decision record of your organisation, finalised or draft",
    tags=["decisions"],
)
def decision(request: HttpRequest, decision_id: Id) -> DecisionOut:
    found = get_decision_for_user(request.user, decision_id)
    subjects = list(found.subjects.all())
    for subject in subjects:
        record_access(request, what="api.decisions.show", person=subject, obj=found)
    return _decision(found, subjects)


# --- Requests ---------------------------------------------------------------------------------

StatusFilter = Literal["all", "open", "assigned", "answered", "withdrawn"]
_REQUEST_LINK = {
    "GetRequest": link("getRequest", "The request", request_id="$response.body#/id"),
}


@api.get(
    "/requests",
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
    tags=["requests"],
)
def requests_list(
    request: HttpRequest,
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
    rows = _page(request, response, found, QUEUE_ORDER)
    record_access_objects(request, what=f"api.requests.{direction}", objs=rows)
    return [RequestSummaryOut(**_summary_fields(request.user, row)) for row in rows]


# ninja declares a header parameter by its default value.
IDEMPOTENCY_KEY = parameters.Header(
    None,
    alias="Idempotency-Key",
    description=(
        "Optional: a new key of your own for each new request (a UUID will do). Repeating a call "
        f"with the same key within {api_actions.IDEMPOTENCY_KEY_HOURS} hours answers as the first "
        "call did, without doing it again; the same key with a different request is refused (422)."
    ),
)


def _once(
    request: HttpRequest, key: str | None, operation: str, body: Any, create: Callable[[], UUID]
) -> UUID:
    """`create()` (an action, returning the id of what it made or acted on), once per
    Idempotency-Key: with a key already used for this same request, the first call's id
    without running it again (docs/api.md)."""
    if key is None:
        return create()
    return api_actions.once(
        actor=request.user,
        key=key,
        request=api_actions.request_hash(operation, request.path, body),
        create=create,
    )


@api.post(
    "/requests",
    **answers({201: RequestOut}, forbidden=True, links=_REQUEST_LINK),
    url_name="requests_create",
    operation_id="raiseRequest",
    summary="Ask another organisation for information",
    tags=["requests"],
)
def requests_create(
    request: HttpRequest,
    payload: RequestIn,
    idempotency_key: IdempotencyKey = IDEMPOTENCY_KEY,
) -> Answer[RequestOut]:
    """The same action as the "Ask another organisation" page: the receiving managers are
    emailed a link, and the ledger records it. Nothing is written when the input is refused.
    A repeated Idempotency-Key answers with the request the first call made."""
    user: Any = request.user
    if not request_permissions.can_raise_request(user):
        raise PermissionDenied

    def create() -> UUID:
        to = Organisation.objects.exclude(pk=user.organisation_id)
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
    created_id = _once(request, idempotency_key, "raiseRequest", body, create)
    info = get_request_for_user(user, created_id)
    record_access(request, what="api.requests.create", obj=info)
    return Answer(201, _request(user, info))


@api.get(
    "/requests/{request_id}",
    **answers({200: RequestOut}, not_found=True),
    url_name="request",
    operation_id="getRequest",
    summary="One request your organisation received or made",
    tags=["requests"],
)
def request_show(request: HttpRequest, request_id: Id) -> RequestOut:
    info = get_request_for_user(request.user, request_id)
    record_access(request, what="api.requests.show", obj=info)
    return _request(request.user, info)


# --- Disclosures shared with you -------------------------------------------------------------

ALREADY_ACKNOWLEDGED = "You have already acknowledged receiving this information"


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


@api.get(
    "/disclosures/received",
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
    tags=["disclosures"],
)
def disclosures_received(
    request: HttpRequest, response: HttpResponse, after: str | None = AFTER
) -> list[DisclosureSummaryOut]:
    """As the "Shared with you" page: no one's personal data, so no access records."""
    if not can_view_case_records(request.user):
        raise PermissionDenied
    found = disclosure_queries.disclosures_received(request.user)
    rows = _page(request, response, found, disclosure_queries.RECEIVED_ORDER)
    return [DisclosureSummaryOut(**_disclosure_summary(d)) for d in rows]


@api.get(
    "/disclosures/{disclosure_id}",
    **answers(
        {200: DisclosureOut},
        not_found=True,
        links={"AcknowledgeDisclosure": _disclosure_links("/id", "it")["AcknowledgeDisclosure"]},
    ),
    url_name="disclosure",
    operation_id="getDisclosure",
    summary="Information shared with you: who it is about, why, and the items sent",
    tags=["disclosures"],
)
def disclosure(request: HttpRequest, disclosure_id: Id) -> DisclosureOut:
    """For its named recipient only, until it is revoked or expires (404 otherwise, as the
    page). The first reading, here or on the page, is the read receipt the sender sees."""
    found = disclosure_actions.open_disclosure(actor=request.user, disclosure_id=disclosure_id)
    content = disclosure_queries.content_of(found)
    for person in content.subjects:
        record_access(request, what="api.disclosures.show", person=person, obj=found)
    return _disclosure(found, content)


@api.post(
    "/disclosures/{disclosure_id}/acknowledge",
    **answers(
        {200: DisclosureSummaryOut},
        not_found=True,
        conflict=ALREADY_ACKNOWLEDGED + " (without an Idempotency-Key, or with a new one)",
        links={"GetDisclosure": _disclosure_links("/id", "it")["GetDisclosure"]},
    ),
    url_name="disclosure_acknowledge",
    operation_id="acknowledgeDisclosure",
    summary="Tell the sender you have received it (once)",
    tags=["disclosures"],
)
def disclosure_acknowledge(
    request: HttpRequest,
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
        _once(request, idempotency_key, "acknowledgeDisclosure", {}, create)
    except disclosure_actions.AlreadyAcknowledged:
        return Answer(409, ErrorOut(detail=ALREADY_ACKNOWLEDGED))
    found = disclosure_queries.get_disclosure_for_recipient(request.user, disclosure_id)
    return DisclosureSummaryOut(**_disclosure_summary(found))


# --- Ledger -----------------------------------------------------------------------------------

_NOTE = {"text/plain": {"schema": {"type": "string"}}}


@api.get(
    "/ledger/checkpoint",
    **answers(
        {200: None, 503: None},
        invalid=False,
        content={200: _NOTE, 503: _NOTE},
    ),
    url_name="ledger_checkpoint",
    operation_id="getLedgerCheckpoint",
    summary="The latest signed checkpoint of the ledger (a signed note, plain text)",
    tags=["ledger"],
)
def ledger_checkpoint(request: HttpRequest) -> HttpResponse:
    """As the public /ledger/checkpoint: signs a new checkpoint first if the tree has grown."""
    text = "text/plain; charset=utf-8"
    if not keys.has_signer():
        return HttpResponse(keys.MISSING_KEY_MESSAGE + "\n", content_type=text, status=503)
    try:
        stored = ledger_actions.sign_checkpoint()
    except (keys.SigningKeyMissing, ledger_actions.InconsistentCheckpoint) as exc:
        return HttpResponse(str(exc) + "\n", content_type=text, status=503)
    return HttpResponse(stored.note, content_type=text)


# --- URLs -------------------------------------------------------------------------------------


def urls() -> tuple[list[URLResolver | URLPattern], str, str]:
    """The API's URL patterns for `path("api/v1/", ...)`. They are exempt from the
    sign-in redirect (LoginRequiredMiddleware): the token is checked instead, and a
    request without one gets 401 JSON, not the sign-in page."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback.login_required = False  # type: ignore[attr-defined]
    return patterns, app_name, namespace
