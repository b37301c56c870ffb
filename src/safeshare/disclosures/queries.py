"""Every lookup of a disclosure goes through here: the one place that decides who sees one.

- The sending side: the case roles of the organisation that sent it (the deciding
  organisation) see what was sent, to whom, and what happened to it; never the
  recipient's side of anything else.
- The receiving side: only the named recipient, while they hold a case role in the
  organisation it was sent to, and only until it is revoked or expires. A revoked or
  expired disclosure stays in the recipient's list as a line without content; its page is
  a 404, as is anyone else's disclosure, so its existence is not revealed.

This is the "shared with" scope of docs/permissions.md: what a user sees beyond their own
organisation's records is exactly `disclosures_received(user)` that is still available.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from safeshare.accounts.models import User
from safeshare.accounts.permissions import can_view_case_records
from safeshare.core.planner import not_indexed
from safeshare.decisions.models import Decision, InformationItem
from safeshare.disclosures.models import MAX_AVAILABLE_DAYS, Disclosure, Receipt
from safeshare.subjects.models import Person


def _with_history(found: QuerySet[Disclosure]) -> QuerySet[Disclosure]:
    return found.select_related(
        "organisation",
        "recipient_organisation",
        "sent_by",
        "recipient",
        "revocation",
        "revocation__by",
    ).prefetch_related("receipts")


def available(
    found: QuerySet[Disclosure], now: datetime.datetime | None = None
) -> QuerySet[Disclosure]:
    """Neither revoked nor expired at `now`."""
    return found.filter(revocation__isnull=True, expires_at__gt=now or timezone.now())


def disclosures_sent_by(user: User) -> QuerySet[Disclosure]:
    """Everything the user's organisation sent, for its case roles."""
    if not can_view_case_records(user):
        return Disclosure.objects.none()
    return _with_history(Disclosure.objects.filter(organisation_id=user.organisation_pk()))


# "Shared with you", newest first (its index: disclosure_received).
RECEIVED_ORDER = ("-sent_at", "-id")


def disclosures_received(user: User) -> QuerySet[Disclosure]:
    """Everything sent to the user by name, while they are in the organisation it went to
    (revoked and expired ones included: the list shows them without content)."""
    if not can_view_case_records(user):
        return Disclosure.objects.none()
    return _with_history(
        Disclosure.objects.filter(
            recipient_id=user.pk, recipient_organisation_id=user.organisation_id
        )
    )


def _get(found: QuerySet[Disclosure], disclosure_id: UUID | str) -> Disclosure:
    try:
        return found.get(pk=disclosure_id)
    except (Disclosure.DoesNotExist, ValidationError, ValueError) as exc:
        raise Http404("No such disclosure") from exc


def get_disclosure_for_recipient(user: User, disclosure_id: UUID | str) -> Disclosure:
    """The content, for the named recipient only, while it is available; otherwise 404."""
    return _get(available(disclosures_received(user)), disclosure_id)


def get_disclosure_for_sender(user: User, disclosure_id: UUID | str) -> Disclosure:
    """A disclosure the user's organisation sent; another organisation's is a 404."""
    return _get(disclosures_sent_by(user), disclosure_id)


def sent_from_decision(user: User, decision: Decision) -> QuerySet[Disclosure]:
    """What the user's organisation sent from this decision, by the decision's index (the
    organisation's would walk everything it ever sent: core/planner.py)."""
    if not can_view_case_records(user):
        return Disclosure.objects.none()
    found = Disclosure.objects.annotate(sender=not_indexed("organisation_id")).filter(
        sender=user.organisation_id, decision=decision
    )
    return _with_history(found).order_by("sent_at")


def disclosures_of_decision(user: User, decision: Decision) -> list[Disclosure]:
    """For the decision page: what the user's organisation sent from this decision."""
    return list(sent_from_decision(user, decision))


def disclosures_answering(user: User, decisions: list[Decision]) -> dict[Any, list[Disclosure]]:
    """For a request's page: what was sent through safeshare from the decisions answering
    it, by decision, in one query. The answering organisation sees every disclosure it sent
    from them; the requesting side sees only those sent to someone in its own organisation
    (to whom, when, and what happened), never the content, which only the named recipient
    opens, on the disclosure's own page."""
    if not can_view_case_records(user) or not decisions:
        return {}
    own = [d.pk for d in decisions if d.organisation_id == user.organisation_id]
    others = [d.pk for d in decisions if d.organisation_id != user.organisation_id]
    found = Disclosure.objects.filter(
        Q(decision_id__in=own)
        | Q(decision_id__in=others, recipient_organisation_id=user.organisation_id)
    )
    shown: dict[Any, list[Disclosure]] = {d.pk: [] for d in decisions}
    for disclosure in _with_history(found).order_by("sent_at"):
        shown[disclosure.decision_id].append(disclosure)
    return shown


def unopened(user: User, now: datetime.datetime | None = None) -> QuerySet[Disclosure]:
    """Available disclosures the recipient has not opened yet.

    A disclosure is available for at most MAX_AVAILABLE_DAYS days after the day it was
    sent (disclosures.actions.check_expiry), so only those sent since then can count: the
    bound lets every page's header read the recipient's recent ones from the
    disclosure_received index, not all they were ever sent (issue 14)."""
    now = now or timezone.now()
    opened = Receipt.objects.filter(disclosure=OuterRef("pk"), kind=Receipt.Kind.OPENED)
    # Expiry is at the end of its day in local time: a day and a clock change of margin.
    recent = disclosures_received(user).filter(
        sent_at__gte=now - datetime.timedelta(days=MAX_AVAILABLE_DAYS + 2)
    )
    return available(recent, now).filter(~Exists(opened))


def unopened_count(user: User) -> int:
    """For the header."""
    return unopened(user).count()


@dataclass(frozen=True)
class Content:
    """What the recipient reads, the same on the page and in the API: who it is about,
    why it is shared (the sender's purpose and lawful basis), and the items sent."""

    decision: Decision
    subjects: list[Person]
    items: list[InformationItem]
    lawful_basis: list[tuple[str, str]]


def lawful_basis_summary(decision: Decision) -> list[tuple[str, str]]:
    """The sender's lawful basis, in summary: their decision, the bases they relied on, and
    consent as they recorded it."""
    bases = [
        b.get("title", "")
        for b in (decision.explanation or {}).get("lawful_bases", [])
        if b.get("accepted")
    ]
    rows = [
        ("Their decision", decision.get_outcome_display()),
        ("Lawful basis relied on", "; ".join(b for b in bases if b) or "Not recorded"),
    ]
    if decision.consent_status:
        consent = decision.get_consent_status_display()
        if decision.consent_not_sought_reason:
            consent += f": {decision.get_consent_not_sought_reason_display().lower()}"
        rows.append(("Consent", consent))
    return rows


def content_of(disclosure: Disclosure) -> Content:
    """The content of a disclosure already looked up through get_disclosure_for_recipient
    (this function checks nothing itself)."""
    decision = Decision.objects.select_related("purpose_category", "frozen_explanation").get(
        pk=disclosure.decision_id
    )
    subjects = list(decision.subjects.prefetch_related("identifiers"))
    items = [d.item for d in disclosure.disclosed_items.select_related("item", "item__about")]
    return Content(decision, subjects, items, lawful_basis_summary(decision))
