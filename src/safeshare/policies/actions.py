"""Activating a guidance policy: the only change this app makes, with its ledger entry."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from safeshare import guidance
from safeshare.accounts.models import User
from safeshare.core.forms import clean_text
from safeshare.guidance import PolicyError
from safeshare.ledger.actions import append_entry
from safeshare.policies import selection
from safeshare.policies.models import PolicyActivation
from safeshare.policies.permissions import can_manage_policies

REASON_MAX = 5000


class InvalidActivation(ValueError):
    """The activation was refused; `field` names the part of the form that was wrong."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(message)


def activate_policy(*, actor: User, policy_id: str, version: str, reason: str) -> PolicyActivation:
    """Make this policy (as its file reads now) the one new decisions follow. Decisions
    already started keep the policy they started with."""
    if not can_manage_policies(actor):
        raise PermissionDenied("Only an administrator can choose the guidance policy")
    try:
        reason = clean_text(reason or "", "Reason")
    except ValidationError as exc:
        raise InvalidActivation("reason", " ".join(exc.messages)) from exc
    if not reason:
        raise InvalidActivation("reason", "Enter why you are activating this policy")
    if len(reason) > REASON_MAX:
        raise InvalidActivation("reason", f"Reason must be {REASON_MAX} characters or fewer")
    # Read the files again: the administrator activates what is on disk now, not a copy
    # parsed before someone edited it.
    guidance.clear_caches()
    try:
        policy = selection.find(policy_id, version)
    except PolicyError as exc:
        raise InvalidActivation(
            "policy", f"No policy {policy_id} version {version}: {exc}"
        ) from exc
    if selection.file_sha256(policy.path) != policy.sha256:
        raise InvalidActivation("policy", "The policy file changed while it was read: try again")
    with transaction.atomic():
        activation = PolicyActivation.objects.create(
            policy_id=policy.id,
            version=policy.version,
            sha256=policy.sha256,
            title=policy.title[:300],
            reason=reason,
            activated_by=actor,
        )
        append_entry(
            event_type="policies.policy.activated",
            actor=actor,
            organisation=actor.organisation,
            obj=activation,
            payload={"policy": policy.id, "version": policy.version, "sha256": policy.sha256},
        )
    return activation
