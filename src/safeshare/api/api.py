"""The API: django-ninja under /api/v1/, read-only apart from raising a request and
acknowledging a disclosure.

Every operation runs as the token's user and goes through the same scoped queries
(subjects.queries, decisions.queries, requests.queries, disclosures.queries) and
permission predicates as the pages: another organisation's record answers 404, a role
that may not use a page gets 403 here too. Every operation that returns a person's data writes the read-audit records the
page would, named "api.<operation>", in the same request. docs/api.md describes it.

This module holds the NinjaAPI (its token auth, rate limit, document and error answers)
and mounts the operations, one Router per domain in safeshare.api.routers.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from safeshare.accounts.http import user_of
from safeshare.api import actions as api_actions
from safeshare.api.auth import TokenAuth, TokenRateLimit
from safeshare.api.contract import for_caller
from safeshare.api.routers import decisions, disclosures, ledger, people, requests
from safeshare.api.routers.common import FieldError, NoSuchPage
from safeshare.audit.actions import record_denied

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
        user = user_of(request) or TokenAuth()(request)
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


def _json(request: HttpRequest, body: dict[str, Any], status: int) -> HttpResponse:
    return api.create_response(request, body, status=status)


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


# --- Operations -------------------------------------------------------------------------------

# In this order: it is the document's and the URL patterns' order.
api.add_router("/people", people.router)
api.add_router("/decisions", decisions.router)
api.add_router("/requests", requests.router)
api.add_router("/disclosures", disclosures.router)
api.add_router("/ledger", ledger.router)


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
