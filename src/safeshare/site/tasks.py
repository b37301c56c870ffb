""" "Your tasks" on the home page (issue 17): what is waiting for the signed-in user, each
a count read in one query from the app that owns it, with a link to the list that shows
it. The home page and nothing else builds them; each app's header item keeps its own
count (site/context_processors.py).

A task a user's role cannot do is not listed; one they can do with nothing waiting is
listed as "None", so that the page says the same things every time it is opened."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from safeshare.accounts.models import User
from safeshare.accounts.permissions import can_view_case_records
from safeshare.advice.permissions import can_advise
from safeshare.advice.queries import waiting_count
from safeshare.consent import queries as consent_queries
from safeshare.consent.permissions import can_use_register
from safeshare.decisions.permissions import can_record_decision, can_see_sign_offs
from safeshare.decisions.queries import drafts_for_user, reviews_due_count, sign_off_count
from safeshare.families import queries as families_queries
from safeshare.requests.queries import assigned_count


@dataclass(frozen=True)
class Task:
    text: str
    count: int
    url: str


@dataclass(frozen=True)
class _Kind:
    text: str
    applies: Callable[[User], bool]
    count: Callable[[User], int]
    url: Callable[[], str]


KINDS: tuple[_Kind, ...] = (
    _Kind(
        "Advice asked of you",
        can_advise,
        waiting_count,
        lambda: reverse("advice:queue"),
    ),
    _Kind(
        "Sign-offs waiting",
        can_see_sign_offs,
        sign_off_count,
        lambda: reverse("decisions:sign_off_queue"),
    ),
    _Kind(
        "Reviews due after the event",
        can_see_sign_offs,
        reviews_due_count,
        lambda: reverse("decisions:reviews"),
    ),
    _Kind(
        "Requests assigned to you",
        can_view_case_records,
        assigned_count,
        lambda: reverse("requests:incoming") + "?mine=on",
    ),
    _Kind(
        "Families to tell",
        can_view_case_records,
        families_queries.due_count,
        lambda: reverse("families:to_tell") + "?due=on",
    ),
    _Kind(
        "Your draft decisions",
        can_record_decision,
        lambda user: drafts_for_user(user).count(),
        lambda: reverse("decisions:index"),
    ),
    _Kind(
        "Consents to review",
        can_use_register,
        consent_queries.due_count,
        lambda: reverse("consent:due"),
    ),
)


def tasks_for(user: User) -> list[Task]:
    """The user's tasks, in a fixed order: one count query per task their role has."""
    return [Task(kind.text, kind.count(user), kind.url()) for kind in KINDS if kind.applies(user)]
