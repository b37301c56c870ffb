"""Recording that consent a finalised decision relied on was withdrawn: the questions,
check and confirm, then the confirmation."""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from safeshare.accounts.http import AuthenticatedHttpRequest
from safeshare.decisions import actions, forms, permissions
from safeshare.decisions.models import Decision
from safeshare.decisions.queries import get_decision_for_user
from safeshare.decisions.views.common import page_context
from safeshare.vocabulary.models import ContactMethod

WITHDRAWAL_SESSION_KEY = "safeshare_consent_withdrawal"


def _withdrawal_decision(request: AuthenticatedHttpRequest, decision_id: UUID) -> Decision:
    """A finalised decision that relied on consent; anything else has no consent to
    withdraw (404). The organisation is scoped by the lookup."""
    decision = get_decision_for_user(request.user, decision_id)
    if not permissions.withdrawable(decision):
        raise Http404("No consent to withdraw on this decision")
    if not permissions.can_record_consent_withdrawal(request.user):
        raise PermissionDenied("Your role cannot record consent withdrawal")
    return decision


def _already_withdrawn(request: AuthenticatedHttpRequest, decision: Decision) -> HttpResponse:
    withdrawal = decision.withdrawal
    assert withdrawal is not None
    return render(
        request,
        "decisions/withdrawal_refused.html",
        page_context(
            request,
            decision,
            "consent_withdrawal_refused",
            message=actions.AlreadyWithdrawn(withdrawal).message,
        ),
        status=409,
    )


def _stored_withdrawal(
    request: AuthenticatedHttpRequest, decision: Decision
) -> dict[str, str] | None:
    stored: dict[str, dict[str, str]] = request.session.get(WITHDRAWAL_SESSION_KEY, {})
    return stored.get(str(decision.pk))


def withdraw_consent(request: AuthenticatedHttpRequest, decision_id: UUID) -> HttpResponse:
    """Record that consent was withdrawn: the questions, then check and confirm."""
    decision = _withdrawal_decision(request, decision_id)
    if decision.withdrawal is not None:
        return _already_withdrawn(request, decision)
    subjects = list(decision.subjects.all())
    if request.method == "POST":
        form = forms.ConsentWithdrawalForm(decision, subjects, request.POST)
        if form.is_valid():
            kept = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
            stored = dict(request.session.get(WITHDRAWAL_SESSION_KEY, {}))
            stored[str(decision.pk)] = kept
            request.session[WITHDRAWAL_SESSION_KEY] = stored
            return redirect("decisions:withdraw_consent_check", decision_id=decision.pk)
    else:
        previous = _stored_withdrawal(request, decision)
        form = forms.ConsentWithdrawalForm(decision, subjects, previous)
    return render(
        request,
        "decisions/withdraw_consent.html",
        page_context(request, decision, "consent_withdrawal_form", form=form),
    )


def withdraw_consent_check(request: AuthenticatedHttpRequest, decision_id: UUID) -> HttpResponse:
    decision = _withdrawal_decision(request, decision_id)
    if decision.withdrawal is not None:
        return _already_withdrawn(request, decision)
    subjects = list(decision.subjects.all())
    form = forms.ConsentWithdrawalForm(decision, subjects, _stored_withdrawal(request, decision))
    if not form.is_bound or not form.is_valid():
        return redirect("decisions:withdraw_consent", decision_id=decision.pk)
    data = form.cleaned_data
    if request.method == "POST":
        try:
            actions.record_consent_withdrawal(
                actor=request.user,
                decision=decision,
                withdrawn_by_person=data["withdrawn_by_person"],
                withdrawn_by_name=data.get("withdrawn_by_name") or "",
                withdrawn_on=data["withdrawn_on"],
                method=data["method"],
                next_steps=data["next_steps"],
            )
        except actions.AlreadyWithdrawn:
            decision = get_decision_for_user(request.user, decision.pk)
            return _already_withdrawn(request, decision)
        except actions.InvalidWithdrawal:
            # The stored answers no longer pass (the date rule, say): ask again.
            return redirect("decisions:withdraw_consent", decision_id=decision.pk)
        stored = dict(request.session.get(WITHDRAWAL_SESSION_KEY, {}))
        stored.pop(str(decision.pk), None)
        request.session[WITHDRAWAL_SESSION_KEY] = stored
        return redirect("decisions:consent_withdrawn", decision_id=decision.pk)
    who = (
        data["withdrawn_by_person"].full_name
        if data["withdrawn_by_person"] is not None
        else data["withdrawn_by_name"]
    )
    rows = [
        ("Who withdrew consent", who, "id_withdrawn_by_0"),
        ("Date consent was withdrawn", f"{data['withdrawn_on']:%-d %B %Y}", "id_withdrawn_on_0"),
        ("How they told you", dict(ContactMethod.choices)[data["method"]], "id_method_0"),
        ("What happens now", data["next_steps"], "id_next_steps"),
    ]
    return render(
        request,
        "decisions/withdraw_consent_check.html",
        page_context(request, decision, "consent_withdrawal_check", rows=rows),
    )


def consent_withdrawn(request: AuthenticatedHttpRequest, decision_id: UUID) -> HttpResponse:
    """The confirmation: what was recorded, and what to do next."""
    decision = get_decision_for_user(request.user, decision_id)
    if decision.withdrawal is None:
        raise Http404("Consent withdrawal has not been recorded for this decision")
    return render(
        request,
        "decisions/consent_withdrawn.html",
        page_context(
            request,
            decision,
            "consent_withdrawal_done",
            withdrawal=decision.withdrawal,
            can_amend=permissions.can_amend(request.user, decision),
        ),
    )
