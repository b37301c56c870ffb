"""Messages not delivered: the owning organisation's administrator only (a 403 to every
case role, the auditor and another organisation's practitioner; sign in first)."""

from __future__ import annotations

from django.urls import reverse

from tests.access import Rule

RULES = {
    "messaging:failed": [
        Rule("get", lambda w: reverse("messaging:failed"), 403, 403, roles={"administrator": 200})
    ],
}
