"""Every change to the consent register: recording an entry, a draft relying on it, its
withdrawal and its review. Each takes the acting user as `actor=`, checks the rule
(consent/permissions.py) and does its work in one transaction with its ledger entry (ids
and codes only). Nothing is changed or deleted: each change is a new row."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from safeshare.accounts.models import User
from safeshare.consent import permissions
from safeshare.consent.models import (
    ConsentEntry,
    ConsentEvent,
    EntryStatus,
    EventKind,
    GivenBy,
    Reliance,
)
from safeshare.core.forms import LONG_TEXT, SHORT_TEXT, clean_text
from safeshare.decisions import actions as decision_actions
from safeshare.decisions.models import ConsentStatus, Decision
from safeshare.decisions.permissions import can_edit_draft
from safeshare.disclosures import notifications as disclosure_notifications
from safeshare.disclosures.models import Disclosure
from safeshare.ledger.changes import record_change
from safeshare.subjects.models import Person
from safeshare.vocabulary.models import ContactMethod, Purpose


class InvalidConsent(ValueError):
    """What the register refuses; `field` names the form field."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(message)


def _text(value: str, name: str, label: str, required: str, limit: int = LONG_TEXT) -> str:
    try:
        text = clean_text(value or "", label)
    except ValidationError as exc:
        raise InvalidConsent(name, " ".join(exc.messages)) from exc
    if required and not text:
        raise InvalidConsent(name, required)
    if len(text) > limit:
        raise InvalidConsent(name, f"{label} must be {limit:,} characters or fewer")
    return text


def _past(value: datetime.date | None, name: str, label: str) -> datetime.date:
    if value is None:
        raise InvalidConsent(name, f"Enter {label.lower()}")
    if value > timezone.localdate():
        raise InvalidConsent(name, f"{label} must be today or in the past")
    return value


def _who(kind: str, name: str, field: str) -> tuple[str, str]:
    if kind not in GivenBy.values:
        raise InvalidConsent(field, "Select who gave or refused consent")
    if kind == GivenBy.PARENTAL_RESPONSIBILITY:
        text = _text(
            name,
            f"{field}_name",
            "Name and relationship",
            "Enter the name and relationship of the person with parental responsibility",
            SHORT_TEXT,
        )
        return kind, text
    return kind, ""


def record_entry(
    *,
    actor: User,
    person: Person,
    status: str,
    given_by_kind: str,
    given_by_name: str = "",
    purpose: Purpose | None,
    scope: str,
    recipients: str,
    method: str,
    obtained_on: datetime.date | None,
    review_on: datetime.date | None = None,
    expires_on: datetime.date | None = None,
    explicit: bool = False,
) -> ConsentEntry:
    """Record consent given or refused. The same entry sent twice (a double submit) returns
    the first."""
    if not permissions.can_record(actor, person):
        raise PermissionDenied("You can only record consent for your organisation's people")
    if status not in EntryStatus.values:
        raise InvalidConsent("status", "Select whether consent was given or refused")
    kind, name = _who(given_by_kind, given_by_name, "given_by")
    if purpose is None or not purpose.active:
        raise InvalidConsent("purpose", "Select the purpose consent was asked for")
    scope_text = _text(
        scope, "scope", "What they agreed to", "Enter what they agreed to or refused"
    )
    recipients_text = _text(
        recipients, "recipients", "Who it may be shared with", "Enter who it may be shared with"
    )
    if method not in ContactMethod.values:
        raise InvalidConsent("method", "Select how consent was obtained")
    obtained = _past(obtained_on, "obtained_on", "Date consent was obtained")
    if review_on is not None and review_on <= obtained:
        raise InvalidConsent("review_on", "Review date must be after the date consent was obtained")
    if expires_on is not None and expires_on <= obtained:
        raise InvalidConsent(
            "expires_on", "Expiry date must be after the date consent was obtained"
        )
    values = {
        "organisation_id": person.organisation_id,
        "person": person,
        "status": status,
        "given_by_kind": kind,
        "given_by_name": name,
        "purpose": purpose,
        "scope": scope_text,
        "recipients": recipients_text,
        "method": method,
        "obtained_on": obtained,
        "review_on": review_on,
        "expires_on": expires_on,
        "explicit": bool(explicit),
        "recorded_by": actor,
    }
    with transaction.atomic():
        Person.objects.select_for_update().get(pk=person.pk)
        same = ConsentEntry.objects.filter(**values).first()
        if same is not None:
            return same
        entry = ConsentEntry.objects.create(**values)
        record_change(
            "consent.entry.recorded",
            actor=actor,
            obj=entry,
            payload={
                "person": str(person.pk),
                "status": status,
                "given_by": kind,
                "method": method,
                "explicit": bool(explicit),
                "obtained_on": obtained.isoformat(),
            },
        )
    return entry


def _consent_values(entry: ConsentEntry) -> dict[str, object]:
    scope = f"{entry.scope}\n\nShared with: {entry.recipients}"
    detail = f"From the consent register, recorded {entry.recorded_at:%-d %B %Y}."
    if entry.explicit:
        detail += " Explicit consent, for special category information (UK GDPR Art 9(2)(a))."
    return {
        "consent_status": ConsentStatus.GIVEN,
        "consent_from": entry.given_by_display[:200],
        "consent_asked_on": entry.obtained_on,
        "consent_method": entry.method,
        "consent_scope": scope[:LONG_TEXT],
        "consent_not_sought_reason": "",
        "consent_detail": detail,
    }


def rely_on_entry(*, actor: User, decision: Decision, entry: ConsentEntry) -> Reliance:
    """A draft takes its consent from the register: its consent section is filled from the
    entry (decisions.actions.update_section) and the reliance recorded. Choosing the same
    entry again (a double submit) returns the reliance already there."""
    if not permissions.can_rely(actor, decision, entry):
        raise PermissionDenied("This draft cannot rely on this consent")
    if not decision.subjects.filter(pk=entry.person_id).exists():
        raise InvalidConsent(
            "entry", "Select consent given by or for someone this decision is about"
        )
    with transaction.atomic():
        locked = Decision.objects.select_for_update().get(pk=decision.pk)
        latest = (
            Reliance.objects.filter(decision_id=locked.pk).order_by("-recorded_at", "-id").first()
        )
        if latest is not None and latest.entry_id == entry.pk:
            return latest
        reliance = Reliance.objects.create(entry=entry, decision=locked, recorded_by=actor)
        decision_actions.update_section(
            actor=actor, decision=locked, section="consent", values=_consent_values(entry)
        )
        record_change(
            "consent.reliance.recorded",
            actor=actor,
            obj=reliance,
            payload={"entry": str(entry.pk), "decision": str(locked.pk)},
        )
    return reliance


def carry_reliance(*, actor: User, draft: Decision, original_id: Any) -> Reliance | None:
    """A draft that amends or reconsiders a decision carries the consent the original relied
    on (its consent section is already a copy): the register then sees the new draft too,
    and a later withdrawal reaches it. Called from the draft's creation (consent/signals.py),
    inside its transaction; nothing when the original relied on no entry."""
    latest = (
        Reliance.objects.filter(decision_id=original_id).order_by("-recorded_at", "-id").first()
    )
    if latest is None:
        return None
    reliance = Reliance.objects.create(entry_id=latest.entry_id, decision=draft, recorded_by=actor)
    record_change(
        "consent.reliance.recorded",
        actor=actor,
        obj=reliance,
        payload={
            "entry": str(latest.entry_id),
            "decision": str(draft.pk),
            "carried_from": str(original_id),
        },
    )
    return reliance


@dataclass
class Withdrawn:
    """What a withdrawal reached: the decisions flagged and the recipients told."""

    event: ConsentEvent
    finalised: list[Decision] = field(default_factory=list)
    drafts: list[Decision] = field(default_factory=list)
    disclosures: list[Disclosure] = field(default_factory=list)
    repeated: bool = False


def _relying(entry: ConsentEntry) -> list[Decision]:
    """Decisions whose latest reliance is this entry."""
    found = []
    for decision in Decision.objects.filter(
        pk__in=Reliance.objects.filter(entry=entry).values("decision_id")
    ).order_by("started_at", "id"):
        latest = (
            Reliance.objects.filter(decision_id=decision.pk).order_by("-recorded_at", "-id").first()
        )
        if latest is not None and latest.entry_id == entry.pk:
            found.append(decision)
    return found


def withdraw_entry(
    *,
    actor: User,
    entry: ConsentEntry,
    by_kind: str,
    by_name: str = "",
    withdrawn_on: datetime.date | None,
    method: str,
    reason: str,
) -> Withdrawn:
    """Consent withdrawn (UK GDPR Art 7(3)): the entry gets its withdrawal, every finalised
    decision that relied on it gets decisions' own withdrawal record (its flag and its
    prompt to consider another lawful basis), a draft relying on it has its consent section
    say so where the actor may change it (and is flagged on its pages either way), and the
    recipient of each disclosure still available from those decisions is told. Once per
    entry: sending it again returns what was done."""
    if not permissions.can_change(actor, entry):
        raise PermissionDenied("You cannot record consent withdrawal for this entry")
    kind, name = _who(by_kind, by_name, "by")
    on = _past(withdrawn_on, "withdrawn_on", "Date consent was withdrawn")
    if on < entry.obtained_on:
        raise InvalidConsent(
            "withdrawn_on",
            "Date consent was withdrawn must be on or after the date it was obtained, "
            f"{entry.obtained_on:%-d %B %Y}",
        )
    if method not in ContactMethod.values:
        raise InvalidConsent("method", "Select how they told you consent was withdrawn")
    why = _text(reason, "reason", "What happens now", "Enter what happens now consent is withdrawn")
    now = timezone.now()
    with transaction.atomic():
        locked = ConsentEntry.objects.select_for_update().get(pk=entry.pk)
        existing = ConsentEvent.objects.filter(entry=locked, kind=EventKind.WITHDRAWN).first()
        if existing is not None:
            return Withdrawn(event=existing, repeated=True)
        if not permissions.can_withdraw(actor, locked):
            raise InvalidConsent("entry", "Only consent that was given can be withdrawn")
        event = ConsentEvent.objects.create(
            entry=locked,
            kind=EventKind.WITHDRAWN,
            by_kind=kind,
            by_name=name,
            happened_on=on,
            method=method,
            note=why,
            recorded_by=actor,
        )
        result = Withdrawn(event=event)
        for decision in _relying(locked):
            if not decision.is_finalised:
                result.drafts.append(decision)
                if can_edit_draft(actor, decision):
                    decision_actions.update_section(
                        actor=actor,
                        decision=decision,
                        section="consent",
                        values={
                            "consent_status": ConsentStatus.WITHDRAWN,
                            "consent_detail": f"Consent in the register was withdrawn on {on:%-d %B %Y}.",
                        },
                    )
                continue
            result.finalised.append(decision)
            if decision.consent_status == ConsentStatus.GIVEN and decision.withdrawal is None:
                person_withdrew = kind == GivenBy.PERSON
                decision_actions.record_consent_withdrawal(
                    actor=actor,
                    decision=decision,
                    withdrawn_on=max(on, decision.consent_asked_on or on),
                    method=method,
                    next_steps=why,
                    withdrawn_by_person=locked.person if person_withdrew else None,
                    withdrawn_by_name=""
                    if person_withdrew
                    else f"{name}, parental responsibility"[:SHORT_TEXT],
                )
            for disclosure in (
                Disclosure.objects.filter(
                    decision=decision, revocation__isnull=True, expires_at__gt=now
                )
                .select_related("recipient")
                .order_by("sent_at", "id")
            ):
                result.disclosures.append(disclosure)
                if disclosure.recipient is not None:
                    disclosure_notifications.notify(
                        "consent_withdrawn",
                        disclosure.recipient,
                        reverse("disclosures:show", args=[disclosure.pk]),
                        organisation_id=disclosure.organisation_id,
                    )
        record_change(
            "consent.entry.withdrawn",
            actor=actor,
            obj=event,
            payload={
                "entry": str(locked.pk),
                "withdrawn_on": on.isoformat(),
                "method": method,
                "by": kind,
                "decisions": len(result.finalised),
                "drafts": len(result.drafts),
                "recipients_told": len(result.disclosures),
            },
        )
    return result


def review_entry(
    *,
    actor: User,
    entry: ConsentEntry,
    reviewed_on: datetime.date | None,
    note: str,
    next_review_on: datetime.date | None = None,
) -> ConsentEvent:
    """Record that the consent was checked and still stands, and when to check it next.
    The same review sent twice returns the first."""
    if not permissions.can_change(actor, entry):
        raise PermissionDenied("You cannot review this consent")
    on = _past(reviewed_on, "reviewed_on", "Date of the review")
    text = _text(note, "note", "What the review found", "Enter what the review found")
    if next_review_on is not None and next_review_on <= on:
        raise InvalidConsent(
            "next_review_on", "Next review date must be after the date of the review"
        )
    with transaction.atomic():
        locked = ConsentEntry.objects.select_for_update().get(pk=entry.pk)
        same = ConsentEvent.objects.filter(
            entry=locked,
            kind=EventKind.REVIEWED,
            happened_on=on,
            note=text,
            next_review_on=next_review_on,
            recorded_by=actor,
        ).first()
        if same is not None:
            return same
        fresh = ConsentEntry.objects.prefetch_related("events").get(pk=locked.pk)
        if not permissions.can_review(actor, fresh):
            raise InvalidConsent("entry", "Only consent that is still given can be reviewed")
        event = ConsentEvent.objects.create(
            entry=locked,
            kind=EventKind.REVIEWED,
            happened_on=on,
            note=text,
            next_review_on=next_review_on,
            recorded_by=actor,
        )
        record_change(
            "consent.entry.reviewed",
            actor=actor,
            obj=event,
            payload={
                "entry": str(locked.pk),
                "reviewed_on": on.isoformat(),
                "next_review_on": next_review_on.isoformat() if next_review_on else None,
            },
        )
    return event
