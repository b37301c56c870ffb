from __future__ import annotations

from collections.abc import Iterator
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, QueryDict, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse

from safeshare.accounts.http import AuthenticatedHttpRequest
from safeshare.accounts.permissions import can_view_access_report, can_view_case_records
from safeshare.audit.actions import record_access, record_access_many
from safeshare.core.pagination import paginate
from safeshare.decisions.queries import LIST_ORDER, ChronologyFilter, decisions_about_person
from safeshare.site import chronology
from safeshare.subjects import actions
from safeshare.subjects.forms import ChronologyFilterForm, PersonForm, SearchForm
from safeshare.subjects.models import Person
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


def _chronology_filters(
    request: AuthenticatedHttpRequest,
) -> tuple[ChronologyFilterForm, ChronologyFilter]:
    """The chronology's filters from the address bar, and what they choose (nothing when
    they are not valid: the form then shows why)."""
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
    return filters, chosen


def show(request: AuthenticatedHttpRequest, person_id: UUID) -> HttpResponse:
    person = get_person_for_user(request.user, person_id)
    record_access(request, what="subjects.person.show", person=person)
    filters, chosen = _chronology_filters(request)
    # The downloads carry the filters chosen (the empty ones left out), never the cursor.
    query = QueryDict(mutable=True)
    for key, values in request.GET.lists():
        if key not in {"after", "before"} and any(values):
            query.setlist(key, values)
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
            "export_query": query.urlencode() if filters.is_bound and filters.is_valid() else "",
            "can_view_access_log": can_view_access_report(request.user),
        },
    )


def _export(
    request: AuthenticatedHttpRequest, person_id: UUID, kind: str
) -> tuple[Person, ChronologyFilterForm, Iterator[chronology.Row]] | HttpResponse:
    """The person and the rows of their chronology the filters choose, the read recorded;
    or, when the filters are not valid, back to the page that says why."""
    if not can_view_case_records(request.user):
        raise PermissionDenied
    person = get_person_for_user(request.user, person_id)
    filters, chosen = _chronology_filters(request)
    if filters.is_bound and not filters.is_valid():
        return redirect(
            f"{reverse('subjects:show', args=[person.pk])}?{request.GET.urlencode()}#history"
        )
    record_access(request, what=f"subjects.person.chronology_{kind}", person=person)
    found = decisions_about_person(request.user, person, chosen)
    return person, filters, chronology.rows(found)


def _attachment(response: HttpResponseBase, name: str) -> HttpResponseBase:
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


def chronology_csv(request: AuthenticatedHttpRequest, person_id: UUID) -> HttpResponseBase:
    export = _export(request, person_id, "csv")
    if isinstance(export, HttpResponse):
        return export
    _person, _filters, found = export
    response = StreamingHttpResponse(
        chronology.csv_lines(found), content_type="text/csv; charset=utf-8"
    )
    return _attachment(response, chronology.file_name("csv"))


def chronology_pdf(request: AuthenticatedHttpRequest, person_id: UUID) -> HttpResponseBase:
    export = _export(request, person_id, "pdf")
    if isinstance(export, HttpResponse):
        return export
    person, filters, found = export
    document = chronology.pdf(
        person,
        list(person.identifiers.all()),
        found,
        chronology.filters_applied(filters),
        organisation=person.organisation.name,
    )
    response = HttpResponse(document, content_type="application/pdf")
    return _attachment(response, chronology.file_name("pdf"))


def new(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_add_person(request.user):
        raise PermissionDenied
    form = PersonForm(request.POST) if request.method == "POST" else PersonForm()
    if form.is_bound and form.is_valid():
        person = actions.add_person(actor=request.user, **form.cleaned_data)
        record_access(request, what="subjects.person.new", person=person)
        return redirect("subjects:show", person_id=person.pk)
    return render(request, "subjects/new.html", {"form": form})
