from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import Resolver404, resolve

from safeshare.accounts.permissions import (
    can_administer,
    can_view_access_report,
    can_view_case_records,
)
from safeshare.advice.permissions import can_advise
from safeshare.advice.queries import waiting_count
from safeshare.consent import queries as consent_queries
from safeshare.consent.permissions import can_use_register
from safeshare.decisions.permissions import can_see_sign_offs
from safeshare.decisions.queries import sign_off_count
from safeshare.families import queries as families_queries
from safeshare.ledger.queries import can_see_witnesses, refusing_witness_count
from safeshare.messaging.permissions import can_see_failed_messages
from safeshare.messaging.queries import failed_count
from safeshare.requests.queries import queue_counts
from safeshare.subject_access.permissions import can_handle_subject_access


def service(request: HttpRequest) -> dict[str, Any]:
    """Service name, phase and the navigation for the header."""
    try:
        current = resolve(request.path_info).namespace
    except Resolver404:
        current = ""
    user = getattr(request, "user", None)
    navigation: list[dict[str, Any]] = []
    if user is not None and user.is_authenticated:
        navigation = [{"text": "Home", "url": "site:home", "active": current == "site"}]
        if can_view_case_records(user):
            navigation += [
                {"text": "People", "url": "subjects:search", "active": current == "subjects"},
                {
                    "text": "Decisions",
                    "url": "decisions:index",
                    "active": current == "decisions",
                },
            ]
        if can_view_case_records(user):
            counts = queue_counts(user)
            label = "Requests"
            if counts["open"]:
                label = f"Requests ({counts['open']} open{', ' + str(counts['overdue']) + ' overdue' if counts['overdue'] else ''})"
            navigation.append(
                {"text": label, "url": "requests:incoming", "active": current == "requests"}
            )
        if can_view_case_records(user):
            # Managers and IG leads advise by role; anyone may be asked by name, and sees
            # the link while something waits for them. The count is one query.
            waiting = waiting_count(user)
            if waiting or can_advise(user):
                navigation.append(
                    {
                        "text": f"Advice ({waiting} waiting)" if waiting else "Advice",
                        "url": "advice:queue",
                        "active": current == "advice",
                    }
                )
        if can_view_case_records(user):
            # Families to tell whose review date has come: one count query.
            due = families_queries.due_count(user)
            navigation.append(
                {
                    "text": f"Families to tell ({due} due)" if due else "Families to tell",
                    "url": "families:to_tell",
                    "active": current == "families",
                }
            )
        if can_use_register(user):
            # Consents whose review date has come (the register's due list): one count
            # query, and the link only while there are some.
            consents_due = consent_queries.due_count(user)
            if consents_due:
                navigation.append(
                    {
                        "text": f"Consents to review ({consents_due})",
                        "url": "consent:due",
                        "active": request.path_info.startswith("/consent/due"),
                    }
                )
        if can_see_sign_offs(user):
            # Managers sign off what the policy's sign_off rules hold back: one query.
            waiting_sign_off = sign_off_count(user)
            navigation.append(
                {
                    "text": f"Sign-off ({waiting_sign_off})" if waiting_sign_off else "Sign-off",
                    "url": "decisions:sign_off_queue",
                    "active": request.path_info.startswith(
                        ("/decisions/sign-off/", "/decisions/reviews/")
                    ),
                }
            )
        if can_view_case_records(user) or can_administer(user):
            navigation.append(
                {"text": "Directory", "url": "directory:index", "active": current == "directory"}
            )
            navigation.append(
                {"text": "Agreements", "url": "agreements:index", "active": current == "agreements"}
            )
        if can_view_access_report(user):
            navigation.append(
                {"text": "Access report", "url": "audit:report", "active": current == "audit"}
            )
        if can_handle_subject_access(user):
            navigation.append(
                {
                    "text": "Subject access",
                    "url": "subject_access:index",
                    "active": current == "subject_access",
                }
            )
        if can_see_failed_messages(user):
            # Messages from the organisation that could not be delivered: one count query,
            # and the link only while there are some (messaging/views.py).
            undelivered = failed_count(user)
            if undelivered:
                navigation.append(
                    {
                        "text": f"Messages not delivered ({undelivered})",
                        "url": "messaging:failed",
                        "active": current == "messaging",
                    }
                )
        if can_see_witnesses(user):
            # Ledger witnesses whose latest answer was a refusal or none at all: one count
            # query, and the link only while there are some (ledger/views.py witnesses).
            refusing = refusing_witness_count(user)
            if refusing:
                navigation.append(
                    {
                        "text": f"Witness refusals ({refusing})",
                        "url": "ledger:witnesses",
                        "active": request.path_info.startswith("/ledger/witnesses/"),
                    }
                )
        if user.is_staff:
            navigation.append({"text": "Administration", "url": "admin:index", "active": False})
    return {
        "service_name": settings.SAFESHARE_SERVICE_NAME,
        "service_phase": settings.SAFESHARE_PHASE,
        "service_navigation": navigation,
        "demo_mode": settings.SAFESHARE_DEMO,
        "session_idle_seconds": settings.SESSION_COOKIE_AGE,
        "session_warning_seconds": settings.SESSION_WARNING_SECONDS,
    }
