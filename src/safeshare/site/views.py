"""The service's own pages that draw on several apps: the home page (each role's starting
point). The top layer: it may import any app; no app imports it."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from safeshare.accounts.http import AuthenticatedHttpRequest
from safeshare.accounts.permissions import (
    can_administer,
    can_view_access_report,
    can_view_case_records,
)
from safeshare.audit.actions import record_access_many
from safeshare.decisions.queries import recent_decisions_for_user
from safeshare.figures.permissions import can_view_figures
from safeshare.site.tasks import tasks_for
from safeshare.subjects.permissions import can_import_people


def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    # Only case roles see names here; an auditor or administrator gets what they can do.
    recent = list(recent_decisions_for_user(request.user)[:10])
    # The list names the people each decision is about: that is a read of their record.
    people = {person.pk: person for decision in recent for person in decision.subjects.all()}
    record_access_many(request, what="core.home.recent_decisions", people=people.values())
    return render(
        request,
        "site/home.html",
        {
            "recent_decisions": recent,
            "tasks": tasks_for(request.user),
            "case_role": can_view_case_records(request.user),
            "can_view_access_report": can_view_access_report(request.user),
            "can_administer": can_administer(request.user),
            "can_import_people": can_import_people(request.user),
            "can_view_figures": can_view_figures(request.user),
        },
    )
