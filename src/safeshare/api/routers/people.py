"""People: search an organisation's records, read a person and their chronology."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from ninja import Router

from safeshare.accounts.http import AuthenticatedHttpRequest
from safeshare.accounts.permissions import can_view_case_records
from safeshare.api.contract import answers, link
from safeshare.api.routers import common
from safeshare.api.routers.common import AFTER
from safeshare.api.schemas import ChronologyEntryOut, Id, PersonOut, SearchIn
from safeshare.audit.actions import record_access, record_access_many
from safeshare.decisions.queries import LIST_ORDER, decisions_about_person
from safeshare.subjects.queries import get_person_for_user, search_people

SEARCH_LIMIT = 50

router = Router(tags=["people"])

_PERSON_LINKS = {
    "GetPerson": link("getPerson", "The first person found", person_id="$response.body#/0/id"),
    "GetPersonChronology": link(
        "getPersonChronology",
        "The first person's chronology",
        person_id="$response.body#/0/id",
    ),
}


@router.post(
    "/search",
    **answers({200: list[PersonOut]}, forbidden=True, links=_PERSON_LINKS),
    url_name="people_search",
    operation_id="searchPeople",
    summary="Find people in your organisation's records by name or identifier",
)
def people_search(request: AuthenticatedHttpRequest, payload: SearchIn) -> list[PersonOut]:
    """The words travel in the body, never in the URL: a name is personal data."""
    if not can_view_case_records(request.user):
        raise PermissionDenied
    found = list(search_people(request.user, payload.query)[:SEARCH_LIMIT])
    record_access_many(request, what="api.people.search", people=found)
    return [common.person(p) for p in found]


@router.get(
    "/{person_id}",
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
)
def person(request: AuthenticatedHttpRequest, person_id: Id) -> PersonOut:
    found = get_person_for_user(request.user, person_id)
    record_access(request, what="api.people.show", person=found)
    return common.person(found)


@router.get(
    "/{person_id}/decisions",
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
)
def person_decisions(
    request: AuthenticatedHttpRequest,
    response: HttpResponse,
    person_id: Id,
    after: str | None = AFTER,
) -> list[ChronologyEntryOut]:
    found = get_person_for_user(request.user, person_id)
    decisions = common.page(
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
            organisation=common.organisation(d.organisation),
            recipient_organisation_id=d.recipient_organisation_id,
            recipient_organisation=d.recipient_organisation_display,
            purpose_category=common.purpose(d.purpose_category),
        )
        for d in decisions
    ]
