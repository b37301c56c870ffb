"""Emails about telling the family later: what is due and a link, never a name, the reason
or anything said (core/notifications.py)."""

from __future__ import annotations

from safeshare.core.notifications import notifier

SUBJECTS = {
    "review_due": "A decision about telling a family is due for review in safeshare",
}

BODIES = {
    "review_due": "The date to review whether a person or family can be told about an "
    "information sharing decision has come.",
}


notify = notifier("families", SUBJECTS, BODIES)
