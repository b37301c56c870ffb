from __future__ import annotations

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render

from safeshare.accounts.http import AuthenticatedHttpRequest
from safeshare.accounts.permissions import can_view_access_report, can_view_case_records
from safeshare.audit.actions import record_access, record_access_many
from safeshare.core.pagination import paginate
from safeshare.decisions.queries import LIST_ORDER, ChronologyFilter, decisions_about_person
from safeshare.subjects import actions
from safeshare.subjects.forms import ChronologyFilterForm, PersonForm, SearchForm
from safeshare.subjects.permissions import can_add_person
from safeshare.subjects.queries import get_person_for_user, search_people


def search(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_view_case_records(request.user):
        raise PermissionDenied
    # The search words travel in a POST body, never in the URL: a name is personal data.
    form = SearchForm(request.POST) if request.method == "POST" else SearchForm()
    results = None
    if form.is_bound and form.is_valid():
        results = list(search_people(request.user, form.cleaned_data["q"])[:50])
        record_access_many(request, what="subjects.person.search", people=results)
    return render(
        request,
        "subjects/search.html",
        {"form": form, "results": results, "can_add": can_add_person(request.user)},
    )


def show(request: AuthenticatedHttpRequest, person_id: UUID) -> HttpResponse:
    person = get_person_for_user(request.user, person_id)
    record_access(request, what="subjects.person.show", person=person)
    # The page's cursor (after, before) is not a filter: only the form's own fields bind it.
    chosen_filters = {k for k in request.GET if k not in {"after", "before"}}
    filters = ChronologyFilterForm(request.GET if chosen_filters else None)
    chosen = ChronologyFilter()
    if filters.is_bound and filters.is_valid():
        data = filters.cleaned_data
        chosen = ChronologyFilter(
            outcome=data["outcome"] or "",
            organisation_id=str(data["agency"].pk) if data["agency"] else "",
            date_from=data["date_from"],
            date_to=data["date_to"],
        )
    return render(
        request,
        "subjects/show.html",
        {
            "person": person,
            "identifiers": list(person.identifiers.all()),
            "decisions": paginate(
                decisions_about_person(request.user, person, chosen), LIST_ORDER, request.GET
            ),
            "filters": filters,
            "filtered": filters.is_bound,
            "can_view_access_log": can_view_access_report(request.user),
        },
    )


def new(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_add_person(request.user):
        raise PermissionDenied
    form = PersonForm(request.POST) if request.method == "POST" else PersonForm()
    if form.is_bound and form.is_valid():
        person = actions.add_person(actor=request.user, **form.cleaned_data)
        record_access(request, what="subjects.person.new", person=person)
        return redirect("subjects:show", person_id=person.pk)
    return render(request, "subjects/new.html", {"form": form})
