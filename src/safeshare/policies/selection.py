"""The policy new decisions follow: the most recent activation, checked against its file.

Without any activation, SAFESHARE_POLICY (or the engine's default) is followed, as before
activations existed. With one, the file must still be there and still hash to the sha256
recorded when it was activated: if it was edited or removed since, no new decision starts
(`PolicyUnavailable`) until an administrator activates a policy again. Decisions record
the sha256 of the file they followed, so following a different file silently would make
that record say something the administrator never chose.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from safeshare import guidance
from safeshare.guidance import Policy, PolicyError
from safeshare.policies.models import PolicyActivation


@dataclass(frozen=True)
class PolicyProblem:
    activation: PolicyActivation
    kind: str  # "changed" or "missing"
    detail: str

    @property
    def message(self) -> str:
        a = self.activation
        when = a.activated_at.strftime("%-d %B %Y")
        if self.kind == "changed":
            return (
                f"The file for {a.policy_id} version {a.version}, activated on {when}, has "
                "changed since it was activated. New decisions cannot be started until an "
                "administrator checks the file and activates a policy again."
            )
        return (
            f"The file for {a.policy_id} version {a.version}, activated on {when}, can no "
            "longer be found. New decisions cannot be started until an administrator "
            "activates a policy again."
        )


class PolicyUnavailable(Exception):
    """The active policy's file changed or disappeared after it was activated."""

    def __init__(self, problem: PolicyProblem) -> None:
        self.problem = problem
        super().__init__(problem.message)


def _dirs() -> tuple[Path, ...]:
    return tuple(settings.SAFESHARE_POLICY_DIRS)


def available() -> list[Policy]:
    """The shipped policies and those in SAFESHARE_POLICY_DIRS. Raises PolicyError when a
    partnership file cannot be read."""
    return guidance.available_policies(_dirs())


def fallback() -> Policy:
    """What new decisions follow when no policy has been activated: SAFESHARE_POLICY, or
    the engine's default."""
    return guidance.load_policy(settings.SAFESHARE_POLICY, extra_dirs=_dirs())


def find(policy_id: str, version: str) -> Policy:
    return guidance.load_policy(policy_id, version=version, extra_dirs=_dirs())


def latest_activation() -> PolicyActivation | None:
    return (
        PolicyActivation.objects.select_related("activated_by")
        .order_by("-activated_at", "-id")
        .first()
    )


def file_sha256(path: str) -> str | None:
    """The sha256 of the file as it is on disk now (parsed policies are cached)."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None


def check(activation: PolicyActivation) -> Policy:
    """The activated policy, if its file is still the one that was activated."""
    try:
        policy = find(activation.policy_id, activation.version)
    except PolicyError as exc:
        raise PolicyUnavailable(PolicyProblem(activation, "missing", str(exc))) from exc
    on_disk = file_sha256(policy.path)
    if on_disk is None:
        raise PolicyUnavailable(PolicyProblem(activation, "missing", f"{policy.path} is gone"))
    if on_disk != activation.sha256 or policy.sha256 != activation.sha256:
        raise PolicyUnavailable(
            PolicyProblem(activation, "changed", f"{policy.path} now has sha256 {on_disk}")
        )
    return policy


def current_policy() -> Policy:
    """The policy new decisions follow. Raises PolicyUnavailable (see the module's note)."""
    activation = latest_activation()
    if activation is None:
        return fallback()
    return check(activation)


def problem() -> PolicyProblem | None:
    """What is wrong with the active policy's file, for the policies page."""
    activation = latest_activation()
    if activation is None:
        return None
    try:
        check(activation)
    except PolicyUnavailable as unavailable:
        return unavailable.problem
    return None
