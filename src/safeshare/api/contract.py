"""What the OpenAPI document says beyond each operation's schemas, kept beside it so that
the document states everything the server may answer (issue 13):

- every status an operation can answer, each with its error body ({"detail": ...});
- OpenAPI links from search results, lists and creations to the reads of what they return
  (a client, and Schemathesis' stateful phase, can follow them);
- for the caller, the ids a raised request may name (the organisations they can ask, the
  partnership's active purposes), so that a body the document allows is one the server
  takes.
"""

from __future__ import annotations

import copy
from typing import Any

from django.conf import settings

from safeshare.accounts.models import Organisation, User
from safeshare.api.schemas import ErrorOut, ValidationErrorOut
from safeshare.vocabulary.models import Purpose

_ANSWERS: dict[int, str] = {
    400: (
        "The request cannot be read: a body that is not JSON or is larger than {max_bytes:,} "
        "bytes; or, from the web server itself (as an HTML page), a request line or headers "
        "over its limits (gunicorn: 4,094 bytes for the request line)"
    ),
    401: "No token, or not a current one (unknown, revoked, expired, or its user's sessions were ended)",
    403: "Your role cannot do this (as on the pages)",
    404: "No such record, or not one you may see",
    409: "Already done",
    422: "Input refused, naming each field; nothing was written",
    503: "No ledger signing key is configured",
    429: "Too many calls with this token this minute (SAFESHARE_API_CALLS_PER_MINUTE); nothing was done",
}
_HEADERS: dict[int, dict[str, Any]] = {
    401: {
        "WWW-Authenticate": {
            "description": 'Always `Bearer realm="safeshare"`',
            "schema": {"type": "string"},
        }
    },
    429: {
        "Retry-After": {
            "description": "Seconds until the next minute, when the token may call again",
            "schema": {"type": "integer", "minimum": 1, "maximum": 60},
        }
    },
}

# A list read a page at a time (core/pagination.py): the next page's address, when there
# is one, as RFC 8288's Link header (as GitHub's API does); the last page has none.
PAGE_HEADERS: dict[str, Any] = {
    "Link": {
        "description": (
            'The next page, when there is one: `<URL>; rel="next"` (RFC 8288). Follow it '
            "until an answer has no Link header. Pages hold up to 50 rows."
        ),
        "schema": {"type": "string", "pattern": '^<[^>]+>; rel="next"$'},
    }
}


PAGE_NOT_FOUND = "No such page: `after` is not a cursor this list gave out"


def answers(
    ok: dict[int, Any],
    *,
    forbidden: bool = False,
    not_found: bool = False,
    conflict: str = "",
    invalid: bool = True,
    links: dict[str, dict[str, Any]] | None = None,
    content: dict[int, dict[str, Any]] | None = None,
    paged: bool = False,
) -> dict[str, Any]:
    """The `response` and `openapi_extra` arguments of an operation: its success answers
    (`ok`), 401 and 429 (every operation needs a token, and counts against its limit), and
    those of the refusals it can make: `forbidden` 403,
    `not_found` 404, `conflict` 409 (described), `invalid` 422 (it takes any input).
    400 is every operation's: the web server refuses an over-long request line to any.
    `links` go on the first success answer; `content` replaces an answer's media types;
    `paged`: a list read a page at a time, its first answer documents the `Link` header."""
    statuses: dict[int, Any] = {**ok, 400: ErrorOut, 401: ErrorOut, 429: ErrorOut}
    if forbidden:
        statuses[403] = ErrorOut
    if not_found or paged:
        statuses[404] = ErrorOut
    if conflict:
        statuses[409] = ErrorOut
    if invalid:
        statuses[422] = ValidationErrorOut
    extra: dict[int, dict[str, Any]] = {}
    for status in statuses:
        if status in _ANSWERS:
            description = conflict if status == 409 else _ANSWERS[status]
            if status == 404 and paged:
                description = (
                    PAGE_NOT_FOUND
                    if not not_found
                    else f"{description}; or {PAGE_NOT_FOUND[0].lower()}{PAGE_NOT_FOUND[1:]}"
                )
            extra[status] = {
                "description": description.format(max_bytes=settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
            }
        if status in _HEADERS:
            extra[status]["headers"] = _HEADERS[status]
    if links:
        extra.setdefault(min(ok), {})["links"] = links
    if paged:
        extra.setdefault(min(ok), {})["headers"] = PAGE_HEADERS
    extra[400]["content"] = {
        "application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}},
        "text/html": {"schema": {"type": "string"}},
    }
    for status, media in (content or {}).items():
        extra.setdefault(status, {})["content"] = media
    return {"response": dict(sorted(statuses.items())), "openapi_extra": {"responses": extra}}


def link(operation_id: str, description: str, **parameters: str) -> dict[str, Any]:
    """An OpenAPI link: call `operation_id` with parameters taken from this answer, each a
    runtime expression such as "$response.body#/0/id"."""
    return {"operationId": operation_id, "parameters": parameters, "description": description}


def for_caller(document: dict[str, Any], user: User) -> dict[str, Any]:
    """The document as `user` should read it: a raised request's `to_organisation` is one
    of the other organisations (by id, named), and its `purpose_category` one of the
    active purposes, exactly as raiseRequest checks them."""
    document = copy.deepcopy(document)
    fields = document["components"]["schemas"]["RequestIn"]["properties"]
    others = Organisation.objects.exclude(pk=user.organisation_pk()).order_by("name")
    fields["to_organisation"]["oneOf"] = [
        {"const": str(pk), "title": name} for pk, name in others.values_list("pk", "name")
    ]
    purposes = Purpose.objects.filter(active=True).order_by("pk")
    fields["purpose_category"]["oneOf"] = [
        {"const": pk, "title": name} for pk, name in purposes.values_list("pk", "name")
    ]
    return document
