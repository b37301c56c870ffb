"""Emails about advice: what happened and a link, never the question, the answer or anyone's
name (core/notifications.py)."""

from __future__ import annotations

from safeshare.core.notifications import notifier

SUBJECTS = {
    "asked": "You have been asked for advice in safeshare",
    "answered": "Your request for advice has been answered in safeshare",
    "reminder": "A request for advice is waiting for you in safeshare",
}

BODIES = {
    "asked": "A colleague has asked for your advice about an information sharing decision.",
    "answered": "The advice you asked for about an information sharing decision has been given.",
    "reminder": "A request for your advice about an information sharing decision is still waiting.",
}


notify = notifier("advice", SUBJECTS, BODIES)
