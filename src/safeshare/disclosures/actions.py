"""Every change to a disclosure: keyword-only `actor=`, a permission check, one transaction,
and the ledger entry in that same transaction.

A disclosure is written once, by `send_disclosure`; afterwards only new rows are added
(the read receipt, the acknowledgement, a revocation), each with its ledger entry.
"""

from __future__ import annotations

import contextlib
import datetime
import secrets
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from safeshare.accounts.models import User
from safeshare.core.forms import LONG_TEXT, clean_text
from safeshare.decisions.models import Decision, InformationItem
from safeshare.disclosures import notifications, permissions, queries
from safeshare.disclosures.models import (
    MAX_AVAILABLE_DAYS,
    DisclosedItem,
    Disclosure,
    ExpiryNotice,
    Receipt,
    Revocation,
)
from safeshare.ledger.changes import record_change

DEFAULT_DAYS = 30
MAX_DAYS = MAX_AVAILABLE_DAYS


class DisclosureError(ValueError):
    """What was asked cannot be sent or recorded (the message says why, for the user)."""


class AlreadyAcknowledged(DisclosureError):
    """The recipient acknowledged it before: once is the record."""


def _reference() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "DIS-" + "".join(secrets.choice(alphabet) for _ in range(8))


def expires_at(expires_on: datetime.date) -> datetime.datetime:
    """Available until the end of `expires_on` (local time): it expires as the next day starts."""
    next_day = datetime.datetime.combine(expires_on + datetime.timedelta(days=1), datetime.time.min)
    return timezone.make_aware(next_day)


def check_expiry(expires_on: datetime.date, today: datetime.date | None = None) -> None:
    today = today or timezone.localdate()
    if expires_on < today:
        raise DisclosureError("Expiry date must be today or in the future")
    if expires_on > today + datetime.timedelta(days=MAX_DAYS):
        raise DisclosureError(f"Expiry date must be no more than {MAX_DAYS} days from today")


def _show_path(disclosure: Disclosure) -> str:
    return reverse("disclosures:show", args=[disclosure.pk])


def send_disclosure(
    *,
    actor: User,
    decision: Decision,
    recipient: User,
    items: Sequence[InformationItem],
    message: str,
    expires_on: datetime.date,
) -> Disclosure:
    """Send chosen items of a finalised sharing decision to one named recipient. Exactly the
    same disclosure again (items, message and expiry, to the same person) while the first
    is still available returns the first (`repeated` is True): nothing is sent twice."""
    if not permissions.can_send(actor, decision):
        raise PermissionDenied("You cannot send information from this decision")
    recipient_organisation_id = recipient.organisation_id
    if recipient_organisation_id is None or not permissions.can_receive(
        recipient, decision.organisation_id
    ):
        raise PermissionDenied(
            "Send to an active safeshare user with a case role in another organisation"
        )
    chosen = list(items)
    if not chosen:
        raise DisclosureError("Select at least one piece of information to send")
    if len({item.pk for item in chosen}) != len(chosen) or any(
        item.decision_id != decision.pk for item in chosen
    ):
        raise DisclosureError("Send only information recorded in this decision, each once")
    message = clean_text(message or "", "Message")
    if len(message) > LONG_TEXT:
        raise DisclosureError(f"Message must be {LONG_TEXT} characters or fewer")
    check_expiry(expires_on)
    chosen.sort(key=lambda item: (item.position, str(item.pk)))
    with transaction.atomic():
        # Sends from one decision queue here (PostgreSQL's row lock; SQLite's immediate
        # transaction), so a double click, a resubmit or a second tab finds the first.
        Decision.objects.select_for_update().filter(pk=decision.pk).exists()
        repeated = same_still_available(
            decision, chosen, message, expires_at(expires_on), recipient=recipient
        )
        if repeated is not None:
            return repeated
        disclosure = Disclosure.objects.create(
            reference=_reference(),
            decision=decision,
            organisation_id=decision.organisation_id,
            sent_by=actor,
            sender_job_title=actor.job_title,
            sender_contact=actor.email,
            recipient=recipient,
            recipient_organisation_id=recipient_organisation_id,
            item_count=len(chosen),
            message=message,
            sent_at=timezone.now(),
            expires_at=expires_at(expires_on),
        )
        for position, item in enumerate(chosen, start=1):
            DisclosedItem.objects.create(disclosure=disclosure, item=item, position=position)
        record_change(
            "disclosures.disclosure.sent",
            actor=actor,
            obj=disclosure,
            payload={
                "disclosure": str(disclosure.pk),
                "reference": disclosure.reference,
                "decision": str(decision.pk),
                "recipient": str(recipient.pk),
                "recipient_organisation": str(recipient.organisation_id),
                "items": len(chosen),
                "expires_on": expires_on.isoformat(),
            },
        )
        notifications.notify(
            "sent", recipient, _show_path(disclosure), organisation_id=disclosure.organisation_id
        )
    return disclosure


def same_still_available(
    decision: Decision,
    items: Sequence[InformationItem],
    message: str,
    until: datetime.datetime,
    **recipient: object,
) -> Disclosure | None:
    """The disclosure of exactly these items, message and expiry from this decision to this
    recipient (`recipient=user`, or an outside contact's field), if one is still available:
    sending it again (a double click, the back button, a second tab) would only make a
    second copy of the same thing. Call it under the decision's row lock."""
    wanted = {item.pk for item in items}
    for earlier in queries.available(
        Disclosure.objects.filter(decision=decision, message=message, expires_at=until).filter(
            **recipient
        )
    ).prefetch_related("disclosed_items"):
        if {link.item_id for link in earlier.disclosed_items.all()} == wanted:
            earlier.repeated = True
            return earlier
    return None


def _still_available(disclosure: Disclosure) -> Disclosure:
    """The disclosure re-read under the transaction's lock: a revocation committed since
    the caller looked it up must stop the read receipt or acknowledgement too.

    PostgreSQL: the row lock that `revoke` also takes. SQLite: the IMMEDIATE transaction
    already holds the database's write lock, so nothing commits in between."""
    locked = Disclosure.objects.select_for_update().get(pk=disclosure.pk)
    if not locked.is_available():
        raise PermissionDenied("This disclosure has been revoked or has expired")
    return locked


def record_opened(*, actor: User, disclosure: Disclosure) -> Receipt | None:
    """The read receipt: written the first time the named recipient opens it, once."""
    if not permissions.can_open(actor, disclosure):
        raise PermissionDenied("You cannot open this disclosure")
    if Receipt.objects.filter(disclosure=disclosure, kind=Receipt.Kind.OPENED).exists():
        return None
    try:
        with transaction.atomic():
            locked = _still_available(disclosure)
            receipt = Receipt.objects.create(disclosure=locked, kind=Receipt.Kind.OPENED, by=actor)
            record_change(
                "disclosures.disclosure.opened",
                actor=actor,
                obj=receipt,
                payload={"disclosure": str(locked.pk), "reference": locked.reference},
            )
    except IntegrityError:
        # Opened at the same moment in another tab: that one is the receipt.
        return None
    return receipt


def open_disclosure(*, actor: User, disclosure_id: Any) -> Disclosure:
    """The disclosure for its named recipient, its read receipt written on the first
    opening (page or API). Another user's, a revoked or an expired one: Http404."""
    disclosure = queries.get_disclosure_for_recipient(actor, disclosure_id)
    if disclosure.opened is None:
        # Revoked a moment ago: no receipt, and the lookup below answers 404.
        with contextlib.suppress(PermissionDenied):
            record_opened(actor=actor, disclosure=disclosure)
        disclosure = queries.get_disclosure_for_recipient(actor, disclosure_id)
    return disclosure


def acknowledge(*, actor: User, disclosure: Disclosure) -> Receipt:
    """The recipient confirms they have received it; once."""
    if not permissions.can_open(actor, disclosure):
        raise PermissionDenied("You cannot acknowledge this disclosure")
    if Receipt.objects.filter(disclosure=disclosure, kind=Receipt.Kind.ACKNOWLEDGED).exists():
        raise AlreadyAcknowledged("You have already acknowledged receiving this information")
    try:
        with transaction.atomic():
            locked = _still_available(disclosure)
            receipt = Receipt.objects.create(
                disclosure=locked, kind=Receipt.Kind.ACKNOWLEDGED, by=actor
            )
            record_change(
                "disclosures.disclosure.acknowledged",
                actor=actor,
                obj=receipt,
                payload={"disclosure": str(locked.pk), "reference": locked.reference},
            )
    except IntegrityError as exc:
        raise AlreadyAcknowledged(
            "You have already acknowledged receiving this information"
        ) from exc
    return receipt


def revoke(*, actor: User, disclosure: Disclosure, reason: str) -> Revocation:
    """The sending organisation withdraws it: the recipient can no longer open it."""
    if not permissions.is_sender_side(actor, disclosure):
        raise PermissionDenied("You cannot revoke this disclosure")
    reason = clean_text(reason or "", "Reason")
    if not reason:
        raise DisclosureError("Enter why you are revoking the disclosure")
    if len(reason) > LONG_TEXT:
        raise DisclosureError(f"Reason must be {LONG_TEXT} characters or fewer")
    with transaction.atomic():
        # Two people revoking at once: the second waits here, then finds the first's.
        locked = Disclosure.objects.select_for_update().get(pk=disclosure.pk)
        if Revocation.objects.filter(disclosure=locked).exists():
            raise DisclosureError("This disclosure has already been revoked")
        if locked.is_expired():
            raise DisclosureError("This disclosure has expired: it can no longer be opened")
        revocation = Revocation.objects.create(disclosure=locked, by=actor, reason=reason)
        record_change(
            "disclosures.disclosure.revoked",
            actor=actor,
            obj=revocation,
            payload={"disclosure": str(locked.pk), "reference": locked.reference},
        )
        if locked.recipient is not None:
            notifications.notify(
                "revoked",
                locked.recipient,
                reverse("disclosures:received"),
                organisation_id=locked.organisation_id,
            )
    return revocation


# The sender and the recipient are told once when a disclosure has this many days or
# fewer left (unless it was sent for no longer than that), and once when it has expired.
EXPIRY_NOTICE_DAYS = 3
# An expired disclosure is told about only this long after: the first run of the job on
# an old database does not mail everyone about everything that ever expired.
EXPIRED_NOTICE_WITHIN = datetime.timedelta(days=7)


def send_expiry_notices(*, now: datetime.datetime | None = None) -> int:
    """The scheduled job (safeshare.jobs): tell the sender and the recipient, by a link
    only, that a disclosure expires within EXPIRY_NOTICE_DAYS days or has expired; once
    per disclosure and kind (an ExpiryNotice row claims it), none for a revoked one. A
    system action: no actor. How many notices were sent."""
    now = now or timezone.now()
    soon = datetime.timedelta(days=EXPIRY_NOTICE_DAYS)
    live = Disclosure.objects.filter(revocation__isnull=True)
    due = {
        ExpiryNotice.Kind.EXPIRING: live.filter(
            expires_at__gt=now, expires_at__lte=now + soon, sent_at__lt=F("expires_at") - soon
        ),
        ExpiryNotice.Kind.EXPIRED: live.filter(
            expires_at__lte=now, expires_at__gt=now - EXPIRED_NOTICE_WITHIN
        ),
    }
    count = 0
    for kind, disclosures in due.items():
        pending = disclosures.exclude(expiry_notices__kind=kind).values_list("pk", flat=True)
        for pk in list(pending):
            count += _send_expiry_notice(pk, kind, now)
    return count


def _send_expiry_notice(pk: Any, kind: str, now: datetime.datetime) -> int:
    try:
        with transaction.atomic():
            disclosure = Disclosure.objects.select_related("sent_by", "recipient").get(pk=pk)
            ExpiryNotice.objects.create(disclosure=disclosure, kind=kind, at=now)
            record_change(
                f"disclosures.disclosure.{kind}_notice",
                actor=None,
                obj=disclosure,
                payload={"disclosure": str(disclosure.pk), "reference": disclosure.reference},
                organisation=disclosure.organisation,
            )
            # Each only while still in the organisation the disclosure names.
            if (
                disclosure.recipient is not None
                and disclosure.recipient.organisation_id == disclosure.recipient_organisation_id
            ):
                path = (
                    _show_path(disclosure)
                    if kind == ExpiryNotice.Kind.EXPIRING
                    else reverse("disclosures:received")
                )
                notifications.notify(
                    f"{kind}_recipient",
                    disclosure.recipient,
                    path,
                    organisation_id=disclosure.organisation_id,
                    days=EXPIRY_NOTICE_DAYS,
                )
            if disclosure.sent_by.organisation_id == disclosure.organisation_id:
                notifications.notify(
                    f"{kind}_sender",
                    disclosure.sent_by,
                    reverse("disclosures:sent", args=[disclosure.pk]),
                    organisation_id=disclosure.organisation_id,
                    days=EXPIRY_NOTICE_DAYS,
                )
    except IntegrityError:
        return 0  # another run told them first
    return 1
