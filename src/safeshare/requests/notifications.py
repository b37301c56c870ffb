"""Emails about requests. Never any personal data in an email: only what happened and a
link to sign in and see it (the link carries an opaque id)."""

from __future__ import annotations

from safeshare.core.notifications import notifier

SUBJECTS = {
    "new": "New request for information in safeshare",
    "assigned": "A request for information has been assigned to you in safeshare",
    "response": "Your request for information has a response in safeshare",
    "new_information": "New information on a request in safeshare",
    "overdue": "A request for information is overdue in safeshare",
}

BODIES = {
    "new": "Your organisation has received a new request for information.",
    "assigned": "A request for information has been assigned to you.",
    "response": "A request for information that you made has been answered.",
    "new_information": "The requester has added new information to a request your organisation declined or is handling. You may need to reconsider the decision.",
    "overdue": "A request for information received by your team is past its due date and has been escalated to you.",
}


# Send after the transaction commits, so a rolled-back change sends nothing. If the
# mail server fails, the request is recorded either way; the queue and its header count
# still show it.
notify = notifier("requests", SUBJECTS, BODIES)
