"""Every change to the families to tell: a finalised decision put on the list (the service's
own, when the decision is recorded), "told on ..." recorded later, and a review that found it
still not safe to tell. Each recording takes the acting user as `actor=`, checks the rule
(families/permissions.py) and does its work in one transaction with its ledger entry (ids
and codes only)."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from safeshare.accounts.models import Role, User
from safeshare.core.forms import LONG_TEXT, SHORT_TEXT, clean_text
from safeshare.decisions.models import Decision, NotInformedReason
from safeshare.families import permissions
from safeshare.families.models import ClosedWhy, Review, Told, ToTell
from safeshare.ledger.changes import record_change
from safeshare.vocabulary.models import ContactMethod

# How far ahead a review may put the next one: a year, so nobody drops off the list.
LONGEST_DEFERRAL = datetime.timedelta(days=366)


class InvalidTelling(ValueError):
    """What the service refuses in a told or review record; `field` names the form field."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(message)


class AlreadyTold(ValueError):
    """They have been told already: the record is written once."""

    def __init__(self, told: Told) -> None:
        self.told = told
        super().__init__(f"Already recorded as told on {told.told_on:%-d %B %Y}")


def _text(value: str, field: str, label: str, required: str, limit: int) -> str:
    try:
        text = clean_text(value or "", label)
    except ValidationError as exc:
        raise InvalidTelling(field, " ".join(exc.messages)) from exc
    if not text:
        raise InvalidTelling(field, required)
    if len(text) > limit:
        raise InvalidTelling(field, f"{label} must be {limit:,} characters or fewer")
    return text


def open_to_tell(decision: Decision) -> ToTell | None:
    """Put a finalised decision whose person or family was not told on the list, with its
    review date (once); a correction takes the corrected decision's place. Called on the
    decision's end (families/signals.py); not an event of the record, so no ledger entry."""
    if not decision.is_finalised:
        return None
    if decision.supersedes_id:
        ToTell.objects.filter(decision_id=decision.supersedes_id, closed_at__isnull=True).update(
            closed_at=timezone.now(), closed_why=ClosedWhy.CORRECTED
        )
    if decision.subject_informed is not False:
        return None
    row, _ = ToTell.objects.get_or_create(
        decision_id=decision.pk,
        defaults={
            "organisation_id": decision.organisation_id,
            "review_on": decision.inform_review_on or timezone.localdate(),
        },
    )
    return row


def _decision_date(decision: Decision) -> datetime.date:
    assert decision.decided_at is not None
    return timezone.localdate(decision.decided_at)


def record_told(
    *,
    actor: User,
    decision: Decision,
    told_on: datetime.date | None,
    method: str,
    told_by: str,
    what_was_said: str,
) -> Told:
    """Record that the person or family was told, after the decision. Once per decision:
    the same record sent again (a double submit) returns it; a different one is refused
    (AlreadyTold)."""
    if not permissions.can_record(actor, decision):
        raise PermissionDenied("You cannot record that this family was told")
    who = _text(told_by, "told_by", "Who told them", "Enter who told them", SHORT_TEXT)
    said = _text(
        what_was_said,
        "what_was_said",
        "What they were told",
        "Enter what they were told",
        LONG_TEXT,
    )
    if method not in ContactMethod.values:
        raise InvalidTelling("method", "Select how they were told")
    if told_on is None:
        raise InvalidTelling("told_on", "Enter the date they were told")
    if told_on > timezone.localdate():
        raise InvalidTelling("told_on", "Date they were told must be today or in the past")
    decided_on = _decision_date(decision)
    if told_on < decided_on:
        raise InvalidTelling(
            "told_on",
            f"Date they were told must be on or after the date of the decision, {decided_on:%-d %B %Y}",
        )
    with transaction.atomic():
        locked = Decision.objects.select_for_update().get(pk=decision.pk)
        existing = Told.objects.filter(decision=locked).first()
        if existing is not None:
            same = (existing.told_on, existing.method, existing.told_by, existing.what_was_said)
            if existing.recorded_by_id == actor.pk and same == (told_on, method, who, said):
                return existing
            raise AlreadyTold(existing)
        told = Told.objects.create(
            decision=locked,
            organisation_id=locked.organisation_id,
            told_on=told_on,
            method=method,
            told_by=who,
            what_was_said=said,
            recorded_by=actor,
        )
        ToTell.objects.filter(decision=locked, closed_at__isnull=True).update(
            closed_at=timezone.now(), closed_why=ClosedWhy.TOLD
        )
        record_change(
            "families.told.recorded",
            actor=actor,
            obj=told,
            payload={"decision": str(locked.pk), "method": method},
        )
    return told


def record_review(
    *,
    actor: User,
    decision: Decision,
    reason: str,
    detail: str,
    next_review_on: datetime.date | None,
) -> Review:
    """Record a review that found it still not safe (or not yet practicable) to tell them,
    and the next date to review it. The same review sent twice on one day (a double
    submit) returns the first."""
    if not permissions.can_record(actor, decision):
        raise PermissionDenied("You cannot review telling this family")
    if reason not in NotInformedReason.values:
        raise InvalidTelling("reason", "Select why they still cannot be told")
    text = _text(detail, "detail", "Why not yet", "Enter why they still cannot be told", LONG_TEXT)
    today = timezone.localdate()
    if next_review_on is None:
        raise InvalidTelling("next_review_on", "Enter the date of the next review")
    if next_review_on <= today:
        raise InvalidTelling("next_review_on", "Date of the next review must be in the future")
    if next_review_on > today + LONGEST_DEFERRAL:
        raise InvalidTelling(
            "next_review_on", "Date of the next review must be within a year of today"
        )
    with transaction.atomic():
        locked = Decision.objects.select_for_update().get(pk=decision.pk)
        if Told.objects.filter(decision=locked).exists():
            raise AlreadyTold(Told.objects.get(decision=locked))
        again = Review.objects.filter(
            decision=locked,
            recorded_by=actor,
            reviewed_on=today,
            reason=reason,
            detail=text,
            next_review_on=next_review_on,
        ).first()
        if again is not None:
            return again
        review = Review.objects.create(
            decision=locked,
            organisation_id=locked.organisation_id,
            reviewed_on=today,
            reason=reason,
            detail=text,
            next_review_on=next_review_on,
            recorded_by=actor,
        )
        row = open_to_tell(locked)
        if row is not None:
            ToTell.objects.filter(pk=row.pk).update(review_on=next_review_on)
        record_change(
            "families.review.deferred",
            actor=actor,
            obj=review,
            payload={"decision": str(locked.pk), "reason": reason},
        )
    return review


def people_to_remind(row: ToTell) -> list[User]:
    """Who hears that a review date has come: the practitioner who made the decision, whoever
    recorded it, and the organisation's managers (active accounts)."""
    decision = row.decision
    ids = [pk for pk in (decision.decided_by_id, decision.recorded_by_id) if pk is not None]
    found = User.objects.filter(organisation_id=row.organisation_id, is_active=True)
    return list(found.filter(pk__in=ids) | found.filter(role=Role.MANAGER))
