"""Administrators see every available guidance policy and choose the one new decisions
follow (issue 5: "policy file activated" is a ledger event)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from safeshare import guidance
from safeshare.accounts.http import AuthenticatedHttpRequest
from safeshare.guidance import Policy, PolicyError
from safeshare.policies import actions, selection
from safeshare.policies.forms import ActivateForm
from safeshare.policies.models import PolicyActivation
from safeshare.policies.permissions import can_manage_policies


def _require_manage(request: AuthenticatedHttpRequest) -> None:
    if not can_manage_policies(request.user):
        raise PermissionDenied


def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_manage(request)
    # The list is what is on disk now: an administrator who has just added or corrected a
    # file sees it here (and a changed active file is reported) without a restart.
    guidance.clear_caches()
    policies: list[Policy] = []
    load_error = ""
    try:
        policies = selection.available()
    except PolicyError as exc:
        load_error = str(exc)
    activation = selection.latest_activation()
    problem = selection.problem() if activation is not None else None
    fallback: Policy | None = None
    fallback_error = ""
    if activation is None:
        try:
            fallback = selection.fallback()
        except PolicyError as exc:
            fallback_error = str(exc)
    rows: list[dict[str, Any]] = []
    for policy in policies:
        if activation is not None:
            active = (policy.id, policy.version) == (activation.policy_id, activation.version)
        else:
            active = fallback is not None and fallback.ref == policy.ref
        rows.append(
            {
                "policy": policy,
                "active": active,
                "changed": active and problem is not None and problem.kind == "changed",
            }
        )
    return render(
        request,
        "policies/index.html",
        {
            "rows": rows,
            "load_error": load_error,
            "activation": activation,
            "problem": problem,
            "fallback": fallback,
            "fallback_error": fallback_error,
            "env_policy": settings.SAFESHARE_POLICY or "",
            "history": list(
                PolicyActivation.objects.select_related("activated_by").order_by(
                    "-activated_at", "-id"
                )[:100]
            ),
        },
    )


def activate(request: AuthenticatedHttpRequest, policy_id: str, version: str) -> HttpResponse:
    _require_manage(request)
    try:
        policy = selection.find(policy_id, version)
    except PolicyError as exc:
        raise Http404("No such policy") from exc
    form = ActivateForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            actions.activate_policy(
                actor=request.user,
                policy_id=policy.id,
                version=policy.version,
                reason=form.cleaned_data["reason"],
            )
        except actions.InvalidActivation as invalid:
            form.add_error("reason" if invalid.field == "reason" else None, invalid.message)
        else:
            messages.success(
                request,
                f"{policy.title} ({policy.id} version {policy.version}) is now the policy "
                "new decisions follow",
            )
            return redirect("policies:index")
    return render(
        request,
        "policies/activate.html",
        {"policy": policy, "form": form, "current": selection.latest_activation()},
    )
