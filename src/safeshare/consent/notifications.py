"""Emails about the consent register: what happened and a link, never a name or purpose
(core/notifications.py)."""

from __future__ import annotations

from safeshare.core.notifications import notifier

SUBJECTS = {
    "review": "A consent entry is due for review in safeshare",
    "expiry": "A consent entry has expired in safeshare",
}

BODIES = {
    "review": "A consent entry you recorded has reached its review date. Check it is still "
    "current with the person, and record the review.",
    "expiry": "A consent entry you recorded has reached its expiry date. It can no longer be "
    "relied on: ask again if consent is still needed.",
}


notify = notifier("consent", SUBJECTS, BODIES)
