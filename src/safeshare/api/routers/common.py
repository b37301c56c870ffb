"""What more than one router uses: the refusals the API's error handlers answer, paging,
the Idempotency-Key, and the answers' shared parts (an organisation, a purpose, a person,
an information item)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.http import HttpResponse
from ninja.params import functions as parameters

from safeshare.accounts.http import AuthenticatedHttpRequest
from safeshare.accounts.models import Organisation
from safeshare.api import actions as api_actions
from safeshare.api.schemas import IdentifierOut, ItemOut, OrganisationOut, PersonOut, PurposeOut
from safeshare.core.pagination import InvalidCursor, paginate
from safeshare.decisions.models import InformationItem
from safeshare.subjects.models import Person
from safeshare.vocabulary.models import Purpose

# --- Refusals (answered by safeshare.api.api's error handlers) ------------------------------


class NoSuchPage(Exception):
    """A page cursor (`after`) this list did not give out."""


class FieldError(Exception):
    """Input that passed the schema but names something that cannot be used."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


# --- Pages ----------------------------------------------------------------------------------

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


def page(
    request: AuthenticatedHttpRequest,
    response: HttpResponse,
    sources: Any,
    ordering: tuple[str, ...],
) -> list[Any]:
    params = {name: value for name, value in request.GET.items() if name != "before"}
    try:
        found = paginate(sources, ordering, params, strict=True)
    except InvalidCursor as exc:
        # 404, not 422: any string of the cursor's alphabet is schema-valid, but only the
        # ones the list gave out name a page (as an id names a record).
        raise NoSuchPage from exc
    if found.next is not None:
        response["Link"] = f'<{request.build_absolute_uri(request.path)}?{found.next}>; rel="next"'
    return found.rows


# --- Idempotency-Key ------------------------------------------------------------------------

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


def once(
    request: AuthenticatedHttpRequest,
    key: str | None,
    operation: str,
    body: Any,
    create: Callable[[], UUID],
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


# --- Shared parts of the answers ------------------------------------------------------------


def organisation(org: Organisation) -> OrganisationOut:
    return OrganisationOut.model_validate(org)


def purpose(found: Purpose | None) -> PurposeOut | None:
    return None if found is None else PurposeOut.model_validate(found)


def person(found: Person) -> PersonOut:
    return PersonOut(
        id=found.pk,
        kind=found.kind,
        given_names=found.given_names,
        family_name=found.family_name,
        known_as=found.known_as,
        date_of_birth=found.date_of_birth,
        identifiers=[IdentifierOut.model_validate(i) for i in found.identifiers.all()],
    )


def item(found: InformationItem) -> ItemOut:
    return ItemOut(
        id=found.pk,
        position=found.position,
        text=found.text,
        nature=found.nature,
        opinion_of=found.opinion_of,
        currency=found.currency,
        relates_to=found.relates_to,
        source=found.source,
        about_person_id=found.about_id,
        special_category=found.special_category,
        identifies_third_party=found.identifies_third_party,
    )
