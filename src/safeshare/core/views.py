from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_not_required
def health(request: HttpRequest) -> HttpResponse:
    """For load balancers and as the load test's baseline: the cost of a request through
    gunicorn and the middleware alone. It reads nothing, so it says only that this process
    answers, not that the database does."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


@login_not_required
def about(request: HttpRequest) -> HttpResponse:
    return render(request, "core/about.html")


@login_not_required
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


def _error(request: HttpRequest, status: int, title: str, body: str) -> HttpResponse:
    return render(request, "core/error.html", {"title": title, "body": body}, status=status)


@login_not_required
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(
        request, 400, "Sorry, there is a problem with that request", "Go back and try again."
    )


@login_not_required
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(
        request,
        403,
        "You cannot do that",
        "Your role does not allow this. Ask your organisation's safeguarding lead or "
        "administrator if you think it should.",
    )


@login_not_required
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(
        request,
        404,
        "Page not found",
        "If you typed the web address, check it is correct. If you followed a link to a "
        "record, it may belong to another organisation or may not exist.",
    )


@login_not_required
def server_error(request: HttpRequest) -> HttpResponse:
    return _error(
        request,
        500,
        "Sorry, there is a problem with the service",
        "Nothing you saved before this page has been lost. Try again later. If you were "
        "recording a decision, your draft is kept: find it under Decisions.",
    )
