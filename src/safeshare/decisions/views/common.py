"""What every page of a decision shares: the draft a page edits (a finalised one sends
its visitors to the read-only record), the read audit of its subjects, and the page shown
when the guidance policy is unavailable."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from safeshare.accounts.http import AuthenticatedHttpRequest
from safeshare.audit.actions import record_access
from safeshare.decisions import flow, permissions
from safeshare.decisions.models import Decision, DecisionStatus
from safeshare.decisions.queries import get_decision_for_user


def policy_unavailable(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The active guidance policy's file changed or went after it was activated: no new
    decision starts on a file nobody chose (safeshare.policies)."""
    return render(request, "decisions/policy_unavailable.html", status=503)


def draft_page(request: AuthenticatedHttpRequest, decision_id: UUID) -> Decision:
    """The draft for a page of the record; a finalised one is read-only (redirected)."""
    decision = get_decision_for_user(request.user, decision_id)
    if decision.status != DecisionStatus.DRAFT:
        # Finalised, or waiting for sign-off: the record page shows it, read-only.
        raise Finalised(decision)
    if request.method == "POST" and not permissions.can_record_decision(request.user):
        raise PermissionDenied("Your role cannot record decisions")
    return decision


class Finalised(Exception):
    def __init__(self, decision: Decision) -> None:
        self.decision = decision


def draft_or_record(view: Any) -> Any:
    """Pages of a draft send a finalised decision's visitors to the read-only record."""

    def wrapped(request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            response: HttpResponse = view(request, *args, **kwargs)
        except Finalised as finalised:
            return redirect("decisions:show", decision_id=finalised.decision.pk)
        return response

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def page_context(
    request: AuthenticatedHttpRequest, decision: Decision, what: str, **extra: Any
) -> dict[str, Any]:
    """Every page of a decision shows its subjects' data: each view is recorded for each
    person, in this request (read audit)."""
    subjects = list(decision.subjects.all())
    for person in subjects:
        record_access(request, what=f"decisions.decision.{what}", person=person, obj=decision)
    return {"decision": decision, "subjects": subjects, **extra}


def first_question_url(decision: Decision) -> str:
    evaluation = flow.next_step(flow.policy_for(decision), decision.answers)
    question = evaluation.next_question or next(iter(flow.policy_for(decision).questions.values()))
    return reverse("decisions:question", args=[decision.pk, question.id])
