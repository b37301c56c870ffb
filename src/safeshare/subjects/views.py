from __future__ import annotations

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from safeshare.accounts.permissions import can_add_person, can_view_case_records
from safeshare.decisions.queries import decisions_about_person
from safeshare.subjects import actions
from safeshare.subjects.forms import PersonForm, SearchForm
from safeshare.subjects.queries import get_person_for_user, search_people


def search(request: HttpRequest) -> HttpResponse:
    if not can_view_case_records(request.user):
        raise PermissionDenied
    # The search words travel in a POST body, never in the URL: a name is personal data.
    form = SearchForm(request.POST) if request.method == "POST" else SearchForm()
    results = None
    if form.is_bound and form.is_valid():
        results = list(search_people(request.user, form.cleaned_data["q"])[:50])
    return render(
        request,
        "subjects/search.html",
        {"form": form, "results": results, "can_add": can_add_person(request.user)},
    )


def show(request: HttpRequest, person_id: UUID) -> HttpResponse:
    person = get_person_for_user(request.user, person_id)
    return render(
        request,
        "subjects/show.html",
        {
            "person": person,
            "identifiers": list(person.identifiers.all()),
            "decisions": decisions_about_person(request.user, person),
        },
    )


def new(request: HttpRequest) -> HttpResponse:
    if not can_add_person(request.user):
        raise PermissionDenied
    form = PersonForm(request.POST) if request.method == "POST" else PersonForm()
    if form.is_bound and form.is_valid():
        person = actions.add_person(actor=request.user, **form.cleaned_data)
        return redirect("subjects:show", person_id=person.pk)
    return render(request, "subjects/new.html", {"form": form})
