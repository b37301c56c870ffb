from __future__ import annotations

from typing import Any, NamedTuple

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from safeshare import guidance


@login_not_required
def health(request: HttpRequest) -> HttpResponse:
    """For load balancers and as the load test's baseline: the cost of a request through
    gunicorn and the middleware alone. It reads nothing, so it says only that this process
    answers, not that the database does."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


class CitedSource(NamedTuple):
    """A policy's or the catalogue's citations, for the about page's list of sources."""

    title: str
    citations: list[guidance.Citation]

    @property
    def unverified(self) -> int:
        return sum(not c.verified for c in self.citations)


def _cited_sources() -> list[CitedSource]:
    """Every policy in use and the lawful-basis catalogue, with the citations each relies on
    (verified or not, as the files mark them: docs/guidance.md)."""
    try:
        policies = guidance.available_policies(settings.SAFESHARE_POLICY_DIRS)
    except guidance.PolicyError:
        # A broken partnership file is reported where policies are managed; the shipped
        # policies are still worth listing here.
        policies = guidance.available_policies()
    sources = [
        CitedSource(f"{p.title} (policy {p.id}, version {p.version})", list(p.citations.values()))
        for p in policies
    ]
    catalogue = guidance.catalogue()
    sources.append(CitedSource(catalogue.title, [b.citation for b in catalogue.bases.values()]))
    return sources


@login_not_required
def about(request: HttpRequest) -> HttpResponse:
    sources = _cited_sources()
    context: dict[str, Any] = {
        "sources": sources,
        "citation_count": sum(len(s.citations) for s in sources),
        "unverified_count": sum(s.unverified for s in sources),
    }
    return render(request, "core/about.html", context)


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
