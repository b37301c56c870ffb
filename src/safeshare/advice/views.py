"""Asking for advice from a draft, the adviser's queue, and a request with its answer."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from safeshare.accounts.http import AuthenticatedHttpRequest
from safeshare.accounts.models import User
from safeshare.accounts.permissions import can_view_case_records
from safeshare.advice import actions, permissions
from safeshare.advice.anonymise import adviser_view
from safeshare.advice.forms import AnswerForm, AskForm
from safeshare.advice.queries import (
    QUEUE_ORDER,
    get_request_for_user,
    queue_for,
    waited_text,
)
from safeshare.audit.actions import record_access
from safeshare.core.forms import posted
from safeshare.core.pagination import paginate
from safeshare.decisions import flow
from safeshare.decisions.queries import get_decision_for_user


def _colleagues(user: User) -> list[User]:
    """Who can be asked by name: the active case-role members of the organisation."""
    found = User.objects.filter(organisation_id=user.organisation_pk(), is_active=True).exclude(
        pk=user.pk
    )
    return [
        u for u in found.order_by("last_name", "first_name") if permissions.can_be_asked(u, user)
    ]


def ask(request: AuthenticatedHttpRequest, decision_id: UUID) -> HttpResponse:
    """Ask for advice about a draft (from any page of it, and from "I'm not sure")."""
    decision = get_decision_for_user(request.user, decision_id)
    if decision.is_finalised:
        return redirect("decisions:show", decision_id=decision.pk)
    if not permissions.can_ask(request.user, decision):
        raise PermissionDenied("You cannot ask for advice about this decision")
    initial = {}
    asked_about = request.GET.get("question", "")
    if asked_about:
        question = flow.policy_named(decision.policy_id).question_for(asked_about, decision.answers)
        if question is not None:
            initial["question"] = f"I am not sure how to answer \u201c{question.text}\u201d. "
    form = AskForm(
        _colleagues(request.user),
        posted(request),
        initial=initial,
        needs_urgency=not decision.urgency,
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            made = actions.ask_advice(
                actor=request.user,
                decision=decision,
                adviser_kind=data["adviser_kind"],
                question=data["question"],
                share_identities=bool(data["share_identities"]),
                colleague=data["colleague"],
                urgency=data.get("urgency") or "",
            )
        except actions.InvalidAdvice as invalid:
            form.add_error(invalid.field if invalid.field in form.fields else None, invalid.message)
        else:
            return redirect("advice:asked", request_id=made.pk)
    subjects = list(decision.subjects.all())
    for person in subjects:
        record_access(request, what="advice.request.ask", person=person, obj=decision)
    return render(
        request,
        "advice/ask.html",
        {"decision": decision, "subjects": subjects, "form": form},
    )


def asked(request: AuthenticatedHttpRequest, request_id: UUID) -> HttpResponse:
    """The confirmation: sent, to whom, and what happens next. Shows no person."""
    found = get_request_for_user(request.user, request_id)
    return render(request, "advice/asked.html", {"advice": found})


def queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Requests waiting for the user's advice, urgent first, then the longest waiting."""
    if not can_view_case_records(request.user):
        raise PermissionDenied
    rows = paginate(queue_for(request.user), QUEUE_ORDER, request.GET)
    now = timezone.now()
    return render(
        request,
        "advice/queue.html",
        {
            "rows": [{"advice": r, "waited": waited_text(r.asked_at, now)} for r in rows],
            "page": rows,
        },
    )


def show(request: AuthenticatedHttpRequest, request_id: UUID) -> HttpResponse:
    """A request as its adviser sees it (anonymised unless the practitioner shared the
    person's identity), with the answer form while it waits."""
    found = get_request_for_user(request.user, request_id)
    can_answer = permissions.can_answer(request.user, found)
    form = AnswerForm(posted(request))
    if request.method == "POST":
        if not permissions.is_addressed_to(request.user, found):
            raise PermissionDenied("This request for advice is not addressed to you")
        if form.is_valid():
            try:
                actions.answer_advice(
                    actor=request.user, request=found, answer=form.cleaned_data["answer"]
                )
            except actions.InvalidAdvice as invalid:
                form.add_error("answer", invalid.message)
            except actions.AdviceClosed as closed:
                messages.info(request, str(closed))
                return redirect("advice:show", request_id=found.pk)
            else:
                messages.success(request, "Your advice has been added to the draft")
                return redirect("advice:show", request_id=found.pk)
    view = adviser_view(found, found.decision) if found.decision is not None else None
    if view is not None:
        # Only a request shared with the person's identity shows them: each is recorded.
        for person in view.people_shown:
            record_access(request, what="advice.request.show", person=person, obj=found)
    return render(
        request,
        "advice/show.html",
        {
            "advice": found,
            "view": view,
            "form": form,
            "can_answer": can_answer,
            "waited": waited_text(found.asked_at, found.answered_at or timezone.now()),
            "is_asker": found.asked_by_id == request.user.pk,
        },
    )
