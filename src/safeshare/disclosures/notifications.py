"""Emails about disclosures. Never any personal data: no names of the people it is about,
no purpose, no message; only what happened and a link (an opaque id) to sign in and see it."""

from __future__ import annotations

from typing import Any

from safeshare.accounts.models import User
from safeshare.core.notifications import notify_after_commit

SUBJECTS = {
    "sent": "Information has been shared with you securely in safeshare",
    "revoked": "Information shared with you in safeshare has been withdrawn",
    "expiring_recipient": "Information shared with you in safeshare expires soon",
    "expiring_sender": "Information you shared in safeshare expires soon",
    "expired_recipient": "Information shared with you in safeshare has expired",
    "expired_sender": "Information you shared in safeshare has expired",
    "consent_withdrawn": "Consent for information shared with you in safeshare was withdrawn",
}

BODIES = {
    "sent": (
        "Another organisation in the partnership has shared information with you securely. "
        "Only you can open it, and it is available for a limited time."
    ),
    "revoked": (
        "The organisation that shared information with you in safeshare has withdrawn it. "
        "It is no longer available. Delete any copy you made, following your organisation's "
        "rules."
    ),
    "expiring_recipient": (
        "Information another organisation shared with you securely expires within "
        "{days} days. After that you cannot open it."
    ),
    "expiring_sender": (
        "Information you shared securely with another organisation expires within {days} "
        "days. If they still need it after that, send it again."
    ),
    "expired_recipient": (
        "Information another organisation shared with you securely has expired and can no "
        "longer be opened. Delete any copy you made, following your organisation's rules."
    ),
    "expired_sender": (
        "Information you shared securely with another organisation has expired: the "
        "recipient can no longer open it."
    ),
    "consent_withdrawn": (
        "The consent that information shared with you in safeshare relied on has been "
        "withdrawn. Sign in to see what this means for how you use it."
    ),
}


def notify(kind: str, user: User, path: str, *, organisation_id: Any, **values: object) -> None:
    """Send after the transaction commits, so a rolled-back change sends nothing. If the
    mail server fails, the disclosure is recorded either way; the header count still
    shows it."""
    notify_after_commit(
        app="disclosures",
        kind=kind,
        subject=SUBJECTS[kind],
        text=BODIES[kind].format(**values),
        users=[user],
        path=path,
        organisation_id=organisation_id,
    )
