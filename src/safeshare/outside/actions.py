"""Sending a disclosure to a verified directory contact with no account, and everything
the outside recipient does with it (docs/adr/0021-outside-recipients.md).

The link's token and the one-time code are returned once, to be emailed, texted or
phoned; only their hashes are stored, and neither is ever written to a log or the ledger.
Every step appends its ledger entry in the same transaction. A wrong code is counted
under the link's row lock (and by an UPDATE bounded in SQL), so no race allows a sixth.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from safeshare.accounts.models import User
from safeshare.core.forms import LONG_TEXT, clean_text
from safeshare.core.notifications import notify_after_commit
from safeshare.decisions.models import Decision, InformationItem
from safeshare.directory.models import ContactPoint, DirectoryPractitioner
from safeshare.disclosures import permissions as disclosure_permissions
from safeshare.disclosures.actions import (
    DisclosureError,
    check_expiry,
    expires_at,
    same_still_available,
)
from safeshare.disclosures.actions import _reference as disclosure_reference
from safeshare.disclosures.models import DisclosedItem, Disclosure
from safeshare.ledger.changes import record_change
from safeshare.outside import queries
from safeshare.outside.models import MAX_LINK_DAYS, MAX_WRONG_CODES, CodeChannel, OutsideLink

OutsideContact = ContactPoint | DirectoryPractitioner

SESSION_KEY = "safeshare_outside_links"

SUBJECTS = {
    "link": "Information has been shared with you securely",
    "locked": "A secure link you sent has been locked after too many wrong codes",
}
BODIES = {
    "link": (
        "A partner organisation has shared information with you securely. Open the link "
        "and enter the code you receive separately, by text message or phone call. The "
        "link works for a limited time."
    ),
    "locked": (
        "Someone entered a wrong code 5 times for information you shared with a recipient "
        "outside safeshare. The link is locked. Sign in to see it and decide what to do."
    ),
}


class OutsideError(ValueError):
    """What was asked cannot be done (the message says why, for the person)."""


class Unavailable(OutsideError):
    """Revoked, expired or locked: nothing of the disclosure is shown."""


class WrongCode(OutsideError):
    """The code did not match; `remaining` tries are left (0: now locked)."""

    def __init__(self, message: str, remaining: int) -> None:
        super().__init__(message)
        self.remaining = remaining


@dataclass(frozen=True)
class Issued:
    disclosure: Disclosure
    link: OutsideLink
    token: str  # for the emailed link only
    code: str | None  # shown once to the sender to phone; None when it was texted
    repeated: bool = False  # the same was already sent and is still available: nothing sent


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def hash_code(link_id: Any, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{link_id}:{code}".encode(), hashlib.sha256).hexdigest()


def _mobile(contact: OutsideContact) -> str:
    phone = contact.phone.replace(" ", "") if isinstance(contact, DirectoryPractitioner) else ""
    return phone if phone.startswith("07") and len(phone) == 11 and phone.isdigit() else ""


def link_path(token: str) -> str:
    return reverse("outside:code", args=[token])


def send_to_outside(
    *,
    actor: User,
    decision: Decision,
    contact: OutsideContact,
    items: Sequence[InformationItem],
    message: str,
    expires_on: datetime.date,
) -> Issued:
    """Send chosen items of a finalised decision to a verified directory contact with no
    account: the disclosure, its link (emailed) and its one-time code (texted when the
    contact has a mobile number, otherwise returned once for the sender to phone)."""
    if not disclosure_permissions.can_send(actor, decision):
        raise PermissionDenied("You cannot send information from this decision")
    if not queries.is_offered(contact, decision):
        raise PermissionDenied(
            "Send only to a verified, active directory contact with a secure email address "
            "in another organisation"
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
    now = timezone.now()
    token = secrets.token_urlsafe(32)
    code = f"{secrets.randbelow(10**6):06d}"
    mobile = _mobile(contact)
    outside = (
        {"outside_contact": contact}
        if isinstance(contact, ContactPoint)
        else {"outside_practitioner": contact}
    )
    with transaction.atomic():
        # Sends from one decision queue on its row lock: a double click, a resubmit or a
        # second tab finds the first and sends nothing again (no second link or code).
        Decision.objects.select_for_update().filter(pk=decision.pk).exists()
        repeated = same_still_available(
            decision, chosen, message, expires_at(expires_on), **outside
        )
        if repeated is not None:
            return Issued(
                disclosure=repeated,
                link=OutsideLink.objects.get(disclosure=repeated),
                token="",
                code=None,
                repeated=True,
            )
        disclosure = Disclosure.objects.create(
            reference=disclosure_reference(),
            decision=decision,
            organisation_id=decision.organisation_id,
            sent_by=actor,
            sender_job_title=actor.job_title,
            sender_contact=actor.email,
            recipient=None,
            outside_contact=contact if isinstance(contact, ContactPoint) else None,
            outside_practitioner=contact if isinstance(contact, DirectoryPractitioner) else None,
            recipient_organisation_id=contact.organisation_id,
            item_count=len(chosen),
            message=message,
            sent_at=now,
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
                "outside_contact": f"{contact._meta.label_lower}:{contact.pk}",
                "recipient_organisation": str(contact.organisation_id),
                "items": len(chosen),
                "expires_on": expires_on.isoformat(),
            },
        )
        link = OutsideLink(
            disclosure=disclosure,
            token_hash=hash_token(token),
            code_channel=CodeChannel.SMS if mobile else CodeChannel.PHONE,
            created_at=now,
            expires_at=min(disclosure.expires_at, now + datetime.timedelta(days=MAX_LINK_DAYS)),
        )
        link.code_hash = hash_code(link.pk, code)
        link.save()
        record_change(
            "outside.link.issued",
            actor=actor,
            obj=link,
            payload={
                "disclosure": str(disclosure.pk),
                "expires_at": link.expires_at.isoformat(),
                "code_channel": link.code_channel,
            },
        )
        email = contact.value if isinstance(contact, ContactPoint) else contact.secure_email
        notify_after_commit(
            app="outside",
            kind="link",
            subject=SUBJECTS["link"],
            text=BODIES["link"],
            users=[
                SimpleNamespace(
                    email=email, is_active=True, organisation_id=decision.organisation_id
                )
            ],
            path=link_path(token),
            organisation_id=decision.organisation_id,
        )
        if mobile:
            from safeshare.messaging.outbox import send_code

            send_code(mobile, code, organisation_id=decision.organisation_id, kind="outside_code")
            record_change(
                "outside.code.sent",
                actor=actor,
                obj=link,
                payload={"disclosure": str(disclosure.pk), "channel": "sms"},
            )
    return Issued(disclosure=disclosure, link=link, token=token, code=None if mobile else code)


def record_code_phoned(*, actor: User, link: OutsideLink) -> OutsideLink:
    """The sender records "I phoned the code to NAME"; once."""
    disclosure = link.disclosure
    if not disclosure_permissions.is_sender_side(actor, disclosure) or actor.pk != (
        disclosure.sent_by_id
    ):
        raise PermissionDenied("Only the sender can record phoning the code")
    with transaction.atomic():
        locked = OutsideLink.objects.select_for_update().get(pk=link.pk)
        if locked.code_channel != CodeChannel.PHONE:
            raise OutsideError("The code was sent by text message")
        if locked.code_phoned_at is not None:
            raise OutsideError("You have already recorded phoning the code")
        now = timezone.now()
        OutsideLink.objects.filter(pk=locked.pk).update(code_phoned_by=actor, code_phoned_at=now)
        record_change(
            "outside.code.phoned",
            actor=actor,
            obj=locked,
            payload={"disclosure": str(disclosure.pk), "phoned_to": disclosure.outside_name},
        )
    locked.refresh_from_db()
    return locked


def check_available(link: OutsideLink, now: datetime.datetime | None = None) -> None:
    disclosure = link.disclosure
    if link.is_locked:
        raise Unavailable("locked")
    if disclosure.revoked is not None:
        raise Unavailable("revoked")
    if link.is_expired(now) or disclosure.is_expired(now):
        raise Unavailable("expired")


def link_for_token(token: str) -> OutsideLink:
    """The link the token opens, or OutsideLink.DoesNotExist (a tampered token)."""
    return queries.link_by_token_hash(hash_token(token))


def enter_code(*, token: str, code: str, session: Any) -> OutsideLink:
    """Link and code together open the disclosure for this browser session. A wrong
    code is counted atomically; the fifth locks the link and tells the sender."""
    link = link_for_token(token)
    check_available(link)
    code = (code or "").strip().replace(" ", "")
    outcome: str
    with transaction.atomic():
        locked = (
            OutsideLink.objects.select_for_update().select_related("disclosure").get(pk=link.pk)
        )
        check_available(locked)
        if hmac.compare_digest(hash_code(locked.pk, code), locked.code_hash):
            outcome = "right"
        else:
            # Bounded in SQL: even without the row lock no sixth try is counted.
            counted = OutsideLink.objects.filter(
                pk=locked.pk, locked_at__isnull=True, wrong_codes__lt=MAX_WRONG_CODES
            ).update(wrong_codes=F("wrong_codes") + 1)
            locked.refresh_from_db()
            if not counted:
                raise Unavailable("locked")
            record_change(
                "outside.code.wrong",
                actor=None,
                obj=locked,
                payload={"disclosure": str(locked.disclosure_id), "wrong": locked.wrong_codes},
                organisation=locked.disclosure.organisation,
            )
            outcome = "wrong"
            if locked.wrong_codes >= MAX_WRONG_CODES:
                OutsideLink.objects.filter(pk=locked.pk).update(locked_at=timezone.now())
                record_change(
                    "outside.link.locked",
                    actor=None,
                    obj=locked,
                    payload={"disclosure": str(locked.disclosure_id)},
                    organisation=locked.disclosure.organisation,
                )
                notify_after_commit(
                    app="outside",
                    kind="locked",
                    subject=SUBJECTS["locked"],
                    text=BODIES["locked"],
                    users=[locked.disclosure.sent_by],
                    path=reverse("disclosures:sent", args=[locked.disclosure_id]),
                    organisation_id=locked.disclosure.organisation_id,
                )
                outcome = "locked"
    if outcome == "right":
        opened = list(session.get(SESSION_KEY, []))
        if str(locked.pk) not in opened:
            opened.append(str(locked.pk))
        session[SESSION_KEY] = opened
        if hasattr(session, "cycle_key"):
            session.cycle_key()
        return locked
    remaining = MAX_WRONG_CODES - locked.wrong_codes
    if outcome == "locked":
        raise Unavailable("locked")
    raise WrongCode(
        f"The code is not right. You have {remaining} more "
        f"{'try' if remaining == 1 else 'tries'} before the link is locked",
        remaining,
    )


def link_in_session(token: str, session: Any) -> OutsideLink:
    """The link, if this session entered its code; PermissionDenied otherwise (a
    tampered token raises OutsideLink.DoesNotExist); Unavailable if it is no longer."""
    link = link_for_token(token)
    if str(link.pk) not in session.get(SESSION_KEY, []):
        raise PermissionDenied("Enter the code first")
    check_available(link)
    return link


def record_opened(*, link: OutsideLink) -> OutsideLink:
    """The first time the outside recipient sees the content: opened_at and its entry."""
    if link.opened_at is not None:
        return link
    with transaction.atomic():
        locked = (
            OutsideLink.objects.select_for_update().select_related("disclosure").get(pk=link.pk)
        )
        check_available(locked)
        if locked.opened_at is None:
            OutsideLink.objects.filter(pk=locked.pk).update(opened_at=timezone.now())
            record_change(
                "outside.disclosure.opened",
                actor=None,
                obj=locked,
                payload={"disclosure": str(locked.disclosure_id)},
                organisation=locked.disclosure.organisation,
            )
    locked.refresh_from_db()
    return locked


def acknowledge(*, link: OutsideLink) -> tuple[OutsideLink, bool]:
    """The outside recipient confirms receipt; once. Returns (link, newly acknowledged):
    a second submit is safe and records nothing more."""
    with transaction.atomic():
        locked = (
            OutsideLink.objects.select_for_update().select_related("disclosure").get(pk=link.pk)
        )
        check_available(locked)
        if locked.acknowledged_at is not None:
            return locked, False
        OutsideLink.objects.filter(pk=locked.pk).update(acknowledged_at=timezone.now())
        record_change(
            "outside.disclosure.acknowledged",
            actor=None,
            obj=locked,
            payload={"disclosure": str(locked.disclosure_id)},
            organisation=locked.disclosure.organisation,
        )
    locked.refresh_from_db()
    return locked, True


def record_downloaded(*, link: OutsideLink, at: datetime.datetime) -> None:
    with transaction.atomic():
        record_change(
            "outside.disclosure.downloaded",
            actor=None,
            obj=link,
            payload={"disclosure": str(link.disclosure_id), "at": at.isoformat()},
            organisation=link.disclosure.organisation,
        )
