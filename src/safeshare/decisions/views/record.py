"""The decisions list and the finalised record: show, print, amend, reconsider; and
discarding a draft."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from safeshare.accounts.http import AuthenticatedHttpRequest
from safeshare.audit.actions import record_access_many
from safeshare.core.pagination import paginate
from safeshare.decisions import actions, flow, forms, permissions, signoff
from safeshare.decisions.models import Review
from safeshare.decisions.presenters import decision_summary
from safeshare.decisions.queries import (
    LIST_ORDER,
    drafts_for_user,
    get_decision_for_user,
    recent_decisions_for_user,
)
from safeshare.decisions.views.common import (
    draft_or_record,
    draft_page,
    page_context,
    policy_unavailable,
)
from safeshare.ledger.queries import receipt_for

# A user's own unfinished drafts: shown newest first, this many at most.
DRAFTS_SHOWN = 50


def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    drafts = list(drafts_for_user(request.user)[: DRAFTS_SHOWN + 1])
    decisions = paginate(recent_decisions_for_user(request.user), LIST_ORDER, request.GET)
    listed = {p.pk: p for d in [*drafts[:DRAFTS_SHOWN], *decisions] for p in d.subjects.all()}
    record_access_many(request, what="decisions.decision.index", people=listed.values())
    return render(
        request,
        "decisions/index.html",
        {
            "drafts": drafts[:DRAFTS_SHOWN],
            "more_drafts": len(drafts) > DRAFTS_SHOWN,
            "decisions": decisions,
        },
    )


def show(request: AuthenticatedHttpRequest, decision_id: UUID) -> HttpResponse:
    decision = get_decision_for_user(request.user, decision_id)
    if decision.is_awaiting_sign_off:
        pending = signoff.open_sign_off(decision)
        return render(
            request,
            "decisions/awaiting.html",
            page_context(
                request,
                decision,
                "show",
                summary=decision_summary(decision, decision.explanation, draft=False),
                sign_off=pending,
                rule=signoff.rule_named(decision, pending.rule) if pending else None,
                can_sign_off=permissions.can_sign_off(request.user, decision),
            ),
        )
    if not decision.is_finalised:
        return redirect("decisions:tasks", decision_id=decision.pk)
    return render(
        request,
        "decisions/show.html",
        page_context(
            request,
            decision,
            "show",
            summary=decision_summary(decision, decision.explanation, draft=False),
            receipt=receipt_for(decision),
            can_amend=permissions.can_amend(request.user, decision),
            can_reconsider=permissions.can_reconsider(request.user, decision),
            can_withdraw=permissions.can_withdraw_consent(request.user, decision),
            approval=signoff.approval(decision),
            review=Review.objects.filter(decision=decision).select_related("reviewed_by").first(),
            can_review=permissions.can_review(request.user, decision),
        ),
    )


def print_view(request: AuthenticatedHttpRequest, decision_id: UUID) -> HttpResponse:
    decision = get_decision_for_user(request.user, decision_id)
    if not decision.is_finalised:
        raise Http404("Drafts are not printed")
    return render(
        request,
        "decisions/print.html",
        page_context(
            request,
            decision,
            "print",
            summary=decision_summary(decision, decision.explanation, draft=False),
        ),
    )


@require_POST
def amend(request: AuthenticatedHttpRequest, decision_id: UUID) -> HttpResponse:
    decision = get_decision_for_user(request.user, decision_id)
    if not permissions.can_record_decision(request.user):
        raise PermissionDenied("Your role cannot record decisions")
    if not decision.is_finalised:
        return redirect("decisions:tasks", decision_id=decision.pk)
    try:
        draft = actions.amend_decision(actor=request.user, decision=decision)
    except flow.PolicyUnavailable:
        return policy_unavailable(request)
    return redirect("decisions:section", decision_id=draft.pk, section="amendment")


def reconsider(request: AuthenticatedHttpRequest, decision_id: UUID) -> HttpResponse:
    decision = get_decision_for_user(request.user, decision_id)
    if not permissions.reconsiderable(decision):
        raise Http404("Only a decision not to share can be reconsidered")
    if not permissions.can_reconsider(request.user, decision):
        raise PermissionDenied("Your role cannot record decisions")
    form = (
        forms.ReconsiderForm(request.POST) if request.method == "POST" else forms.ReconsiderForm()
    )
    if form.is_bound and form.is_valid():
        try:
            draft = actions.reconsider_decision(
                actor=request.user,
                decision=decision,
                new_information=form.cleaned_data["new_information"],
            )
        except flow.PolicyUnavailable:
            return policy_unavailable(request)
        return redirect("decisions:tasks", decision_id=draft.pk)
    return render(
        request,
        "decisions/reconsider.html",
        page_context(request, decision, "reconsider", form=form),
    )


@require_POST
@draft_or_record
def discard(request: AuthenticatedHttpRequest, decision_id: UUID) -> HttpResponse:
    decision = draft_page(request, decision_id)
    actions.discard_draft(actor=request.user, decision=decision)
    messages.success(request, "Draft discarded")
    return redirect("decisions:index")
