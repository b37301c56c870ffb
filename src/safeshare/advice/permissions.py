"""Who may ask for advice, answer it and see it (docs/permissions.md, "Advice").

The actions in advice/actions.py call these and refuse whatever the caller; the views call
them only to decide what to offer. Nobody outside the decision's organisation sees a
request: every lookup is scoped (advice/queries.py) and answers 404.
"""

from __future__ import annotations

from safeshare.accounts.models import User
from safeshare.accounts.permissions import can_view_case_records
from safeshare.advice.models import KIND_FOR_ROLE, ROLE_FOR_KIND, AdviceRequest, AdviserKind
from safeshare.decisions.models import Decision
from safeshare.decisions.permissions import can_edit_draft


def can_ask(user: User, decision: Decision) -> bool:
    """Ask for advice about a draft: whoever may change the draft's pages (its author, or a
    colleague carrying it on: decisions.permissions.can_edit_draft)."""
    return can_edit_draft(user, decision)


def can_be_asked(candidate: User, asker: User) -> bool:
    """Who may be named as the colleague to ask: an active member of the asker's
    organisation with a case role, not the asker."""
    return bool(
        candidate.is_active
        and candidate.has_case_role
        and candidate.organisation_id == asker.organisation_id
        and candidate.pk != asker.pk
    )


def can_advise(user: User) -> bool:
    """Has a queue of advice by role: managers (designated safeguarding leads) and
    information governance leads. Anyone with a case role may be asked by name."""
    return can_view_case_records(user) and user.role in KIND_FOR_ROLE


def is_addressed_to(user: User, request: AdviceRequest) -> bool:
    """The request is addressed to this user: by role (a manager or IG lead of the
    organisation, as asked) or by name. Never the asker: nobody advises themselves."""
    if not can_view_case_records(user) or request.organisation_id != user.organisation_id:
        return False
    if user.pk == request.asked_by_id:
        return False
    if request.adviser_kind == AdviserKind.COLLEAGUE:
        return request.colleague_id == user.pk
    return bool(user.role == ROLE_FOR_KIND[AdviserKind(request.adviser_kind)])


def can_see(user: User, request: AdviceRequest) -> bool:
    """See a request: the advisers it is addressed to, and the colleagues who may carry the
    draft on (its asker among them) — on their own organisation's request only."""
    if not can_view_case_records(user) or request.organisation_id != user.organisation_id:
        return False
    if is_addressed_to(user, request) or user.pk == request.asked_by_id:
        return True
    return request.decision is not None and can_edit_draft(user, request.decision)


def can_answer(user: User, request: AdviceRequest) -> bool:
    """Answer: an adviser it is addressed to, while it waits and its draft is a draft."""
    return (
        is_addressed_to(user, request)
        and request.is_waiting
        and request.decision is not None
        and not request.decision.is_finalised
    )
