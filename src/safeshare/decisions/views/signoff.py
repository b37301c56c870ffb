"""Sign-off and review after the event (decisions/signoff.py): the manager's queue, the
approve-or-return page, the reviews list and the review page."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from safeshare.accounts.http import AuthenticatedHttpRequest
from safeshare.audit.actions import record_access_many
from safeshare.core.forms import posted
from safeshare.core.pagination import paginate
from safeshare.decisions import permissions, signoff
from safeshare.decisions.forms import ReturnForm, ReviewForm
from safeshare.decisions.models import Review
from safeshare.decisions.presenters import decision_summary
from safeshare.decisions.queries import (
    REVIEW_ORDER,
    SIGN_OFF_ORDER,
    get_decision_for_user,
    reviews_for,
    sign_off_queue_for,
)
from safeshare.decisions.views.common import page_context


def _manager_only(request: AuthenticatedHttpRequest) -> None:
    if not permissions.can_see_sign_offs(request.user):
        raise PermissionDenied("Only managers sign off and review decisions")


def queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Decisions waiting for sign-off, the longest waiting first."""
    _manager_only(request)
    rows = paginate(sign_off_queue_for(request.user), SIGN_OFF_ORDER, request.GET)
    record_access_many(
        request,
        what="decisions.sign_off.queue",
        people={p.pk: p for r in rows for p in r.decision.subjects.all()}.values(),
    )
    return render(request, "decisions/sign_off_queue.html", {"rows": rows, "page": rows})


def sign_off(request: AuthenticatedHttpRequest, decision_id: UUID) -> HttpResponse:
    """Approve a decision, or return it with reasons."""
    _manager_only(request)
    decision = get_decision_for_user(request.user, decision_id)
    form = ReturnForm(posted(request) if request.POST.get("action") == "return" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "approve":
                decision = signoff.approve(actor=request.user, decision=decision)
                messages.success(request, "Decision signed off")
                return redirect("decisions:show", decision_id=decision.pk)
            if action == "return" and form.is_valid():
                signoff.return_for_changes(
                    actor=request.user, decision=decision, reasons=form.cleaned_data["reasons"]
                )
                messages.success(request, "Decision returned to the practitioner")
                return redirect("decisions:sign_off_queue")
        except signoff.InvalidSignOff as invalid:
            if invalid.field == "decision":
                messages.info(request, invalid.message)
                return redirect("decisions:show", decision_id=decision.pk)
            form.add_error(invalid.field if invalid.field in form.fields else None, invalid.message)
    if not decision.is_awaiting_sign_off:
        return redirect("decisions:show", decision_id=decision.pk)
    pending = signoff.open_sign_off(decision)
    return render(
        request,
        "decisions/sign_off.html",
        page_context(
            request,
            decision,
            "sign_off",
            summary=decision_summary(decision, decision.explanation, draft=False),
            sign_off=pending,
            rule=signoff.rule_named(decision, pending.rule) if pending else None,
            can_sign_off=permissions.can_sign_off(request.user, decision),
            form=form,
        ),
    )


def reviews(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Urgent shares to review after the event, the earliest due first, overdue marked."""
    _manager_only(request)
    rows = paginate(reviews_for(request.user), REVIEW_ORDER, request.GET)
    record_access_many(
        request,
        what="decisions.review.index",
        people={p.pk: p for r in rows for p in r.decision.subjects.all()}.values(),
    )
    today = timezone.localdate()
    return render(
        request,
        "decisions/reviews.html",
        {"rows": [{"review": r, "overdue": r.is_overdue(today)} for r in rows], "page": rows},
    )


def review(request: AuthenticatedHttpRequest, decision_id: UUID) -> HttpResponse:
    """Record the review after the event (once)."""
    _manager_only(request)
    decision = get_decision_for_user(request.user, decision_id)
    found = Review.objects.filter(decision=decision).select_related("reviewed_by").first()
    if found is None:
        return redirect("decisions:show", decision_id=decision.pk)
    form = ReviewForm(posted(request))
    if request.method == "POST" and found.reviewed_at is None and form.is_valid():
        try:
            signoff.record_review(
                actor=request.user, decision=decision, notes=form.cleaned_data["notes"]
            )
        except signoff.InvalidSignOff as invalid:
            form.add_error(invalid.field if invalid.field in form.fields else None, invalid.message)
        else:
            messages.success(request, "Review recorded")
            return redirect("decisions:show", decision_id=decision.pk)
    return render(
        request,
        "decisions/review.html",
        page_context(
            request,
            decision,
            "review",
            summary=decision_summary(decision, decision.explanation, draft=False),
            review=found,
            rule=signoff.rule_named(decision, found.rule),
            overdue=found.is_overdue(timezone.localdate()),
            can_review=permissions.can_review(request.user, decision),
            form=form,
        ),
    )
