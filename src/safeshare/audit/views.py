"""Information governance: who has viewed a person's record, and the organisation's
access report."""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render

from safeshare.accounts.http import AuthenticatedHttpRequest
from safeshare.accounts.permissions import can_view_access_report
from safeshare.audit import queries
from safeshare.audit.actions import record_access, record_access_many
from safeshare.audit.forms import ReportFilterForm
from safeshare.audit.queries import RECORD_ORDER
from safeshare.core.pagination import paginate
from safeshare.subjects.queries import get_person_for_user


def person_views(request: AuthenticatedHttpRequest, person_id: UUID) -> HttpResponse:
    # Scope first: another agency's person is a 404 to everyone, IG lead or not.
    person = get_person_for_user(request.user, person_id)
    if not can_view_access_report(request.user):
        raise PermissionDenied
    # Read the page before recording this view, so the rows do not include it.
    page = paginate(queries.views_of_person(request.user, person), RECORD_ORDER, request.GET)
    record_access(request, what="audit.person.views", person=person)
    return render(request, "audit/person_views.html", {"person": person, "page": page})


def report(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_view_access_report(request.user):
        raise PermissionDenied
    viewers = queries.viewers_for_report(request.user)
    chosen = {k for k in request.GET if k not in {"after", "before"}}
    form = ReportFilterForm(request.GET if chosen else None, viewers=viewers)
    sources = queries.access_report(request.user)
    if form.is_bound and form.is_valid():
        sources = queries.access_report(
            request.user,
            date_from=form.cleaned_data["date_from"],
            date_to=form.cleaned_data["date_to"],
            viewer=form.cleaned_data["viewer"],
        )
    elif form.is_bound:
        sources = [source.none() for source in sources]
    page = paginate(sources, RECORD_ORDER, request.GET)
    people = {r.person_id: r.person for r in page if r.person is not None}
    record_access_many(request, what="audit.report", people=people.values())
    return render(request, "audit/report.html", {"form": form, "page": page})
