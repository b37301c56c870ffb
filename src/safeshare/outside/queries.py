"""Read queries: which directory contacts a disclosure may go to outside safeshare, and
the link a token opens."""

from __future__ import annotations

from typing import Any

from safeshare.decisions.models import Decision
from safeshare.directory.models import ContactKind, ContactPoint, DirectoryPractitioner
from safeshare.outside.models import OutsideLink

NOT_OFFERED_REASON = (
    "Only verified, active directory contacts with a secure email address in another "
    "organisation are offered: an unverified or retired contact, a phone-only contact, or a "
    "practitioner who has a safeshare account (send to them in safeshare) is not."
)


def offered_contact_points(decision: Decision) -> list[ContactPoint]:
    return list(
        ContactPoint.objects.filter(
            kind=ContactKind.SECURE_EMAIL,
            active=True,
            verified_on__isnull=False,
            user__isnull=True,
        )
        .exclude(value="")
        .exclude(organisation_id=decision.organisation_id)
        .select_related("organisation")
    )


def offered_practitioners(decision: Decision) -> list[DirectoryPractitioner]:
    return list(
        DirectoryPractitioner.objects.filter(
            active=True, verified_on__isnull=False, user__isnull=True
        )
        .exclude(secure_email="")
        .exclude(organisation_id=decision.organisation_id)
        .select_related("organisation")
    )


def is_offered(contact: Any, decision: Decision) -> bool:
    if contact.organisation_id == decision.organisation_id or not contact.active:
        return False
    if contact.verified_on is None or contact.user_id is not None:
        return False
    if isinstance(contact, ContactPoint):
        return contact.kind == ContactKind.SECURE_EMAIL and bool(contact.value)
    if isinstance(contact, DirectoryPractitioner):
        return bool(contact.secure_email)
    return False


def link_by_token_hash(token_hash: str) -> OutsideLink:
    return OutsideLink.objects.select_related(
        "disclosure",
        "disclosure__organisation",
        "disclosure__sent_by",
        "disclosure__recipient_organisation",
        "disclosure__outside_contact",
        "disclosure__outside_practitioner",
    ).get(token_hash=token_hash)


def link_of(disclosure_id: Any) -> OutsideLink | None:
    return OutsideLink.objects.filter(disclosure_id=disclosure_id).first()
