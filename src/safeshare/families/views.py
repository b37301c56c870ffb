"""The list of families to tell, and recording "told on ..." or a review of a decision on it."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from safeshare.accounts.http import AuthenticatedHttpRequest
from safeshare.audit.actions import record_access, record_access_many
from safeshare.core.forms import posted
from safeshare.core.pagination import paginate
from safeshare.decisions.models import Decision
from safeshare.families import actions, permissions
from safeshare.families.forms import ReviewForm, ToldForm
from safeshare.families.queries import (
    LIST_ORDER,
    current_review_on,
    get_decision_to_tell,
    reviews_of,
    to_tell_for,
    told_of,
)


def to_tell(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Everyone on the user's list not yet told, the soonest review date first; "due now"
    keeps those whose review date has come."""
    if not permissions.can_view_list(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    due_only = request.GET.get("due") == "on"
    rows = paginate(
        to_tell_for(request.user, due_on=today if due_only else None), LIST_ORDER, request.GET
    )
    listed = {p.pk: p for row in rows for p in row.decision.subjects.all()}
    record_access_many(request, what="families.to_tell.index", people=listed.values())
    return render(
        request,
        "families/to_tell.html",
        {
            "rows": [{"row": r, "due": r.review_on <= today} for r in rows],
            "page": rows,
            "due_only": due_only,
            "whole_organisation": permissions.sees_whole_organisation(request.user),
            "today": today,
        },
    )


def _page(
    request: AuthenticatedHttpRequest, decision: Decision, template: str, what: str, **extra: Any
) -> HttpResponse:
    subjects = list(decision.subjects.all())
    for person in subjects:
        record_access(request, what=what, person=person, obj=decision)
    return render(
        request,
        template,
        {
            "decision": decision,
            "subjects": subjects,
            "review_on": current_review_on(decision),
            "reviews": reviews_of(decision),
            **extra,
        },
    )


def told(request: AuthenticatedHttpRequest, decision_id: UUID) -> HttpResponse:
    """Record that the person or family was told (once per decision)."""
    decision = get_decision_to_tell(request.user, decision_id)
    if not permissions.can_record(request.user, decision):
        raise PermissionDenied("You cannot record that this family was told")
    existing = told_of(decision)
    form = ToldForm(posted(request))
    if existing is None and form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            actions.record_told(
                actor=request.user,
                decision=decision,
                told_on=data["told_on"],
                method=data["method"],
                told_by=data["told_by"],
                what_was_said=data["what_was_said"],
            )
        except actions.InvalidTelling as invalid:
            form.add_error(invalid.field if invalid.field in form.fields else None, invalid.message)
        except actions.AlreadyTold as already:
            messages.info(request, str(already))
            return redirect("decisions:show", decision_id=decision.pk)
        else:
            messages.success(
                request, f"Recorded that they were told on {data['told_on']:%-d %B %Y}"
            )
            return redirect("decisions:show", decision_id=decision.pk)
    elif existing is not None and request.method == "POST":
        # A second submit after the first was recorded: nothing more to write.
        messages.info(request, f"Already recorded as told on {existing.told_on:%-d %B %Y}")
        return redirect("decisions:show", decision_id=decision.pk)
    return _page(
        request, decision, "families/told.html", "families.told.form", form=form, told=existing
    )


def review(request: AuthenticatedHttpRequest, decision_id: UUID) -> HttpResponse:
    """Record a review that found it still not safe to tell them, and the next review date."""
    decision = get_decision_to_tell(request.user, decision_id)
    if not permissions.can_record(request.user, decision):
        raise PermissionDenied("You cannot review telling this family")
    existing = told_of(decision)
    if existing is not None:
        messages.info(request, f"Already recorded as told on {existing.told_on:%-d %B %Y}")
        return redirect("decisions:show", decision_id=decision.pk)
    form = ReviewForm(posted(request))
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            actions.record_review(
                actor=request.user,
                decision=decision,
                reason=data["reason"],
                detail=data["detail"],
                next_review_on=data["next_review_on"],
            )
        except actions.InvalidTelling as invalid:
            form.add_error(invalid.field if invalid.field in form.fields else None, invalid.message)
        except actions.AlreadyTold as already:
            messages.info(request, str(already))
            return redirect("decisions:show", decision_id=decision.pk)
        else:
            messages.success(
                request,
                f"Review recorded. The next review is on {data['next_review_on']:%-d %B %Y}",
            )
            return redirect("families:to_tell")
    return _page(request, decision, "families/review.html", "families.review.form", form=form)
