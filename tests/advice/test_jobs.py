"""Reminding advisers: urgent requests after an hour, others after a working day; once per
request; a link only."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core import mail

from safeshare.accounts.models import User
from safeshare.advice import actions
from safeshare.advice.jobs import remind_advisers
from safeshare.advice.models import AdviceRequest, AdviserKind
from safeshare.core.workdays import LONDON
from safeshare.decisions.models import Decision
from safeshare.ledger.verify import verify_ledger

pytestmark = pytest.mark.django_db

# A Wednesday in a week with no bank holiday.
WEDNESDAY = datetime.datetime(2026, 11, 4, 10, 0, tzinfo=LONDON)


def _asked(practitioner: User, draft: Decision, urgency: str, at: datetime.datetime) -> Any:
    request = actions.ask_advice(
        actor=practitioner,
        decision=draft,
        adviser_kind=AdviserKind.MANAGER,
        question=f"{urgency} question",
    )
    AdviceRequest.objects.filter(pk=request.pk).update(
        urgency=urgency, priority={"urgent": 1, "standard": 2}[urgency], asked_at=at
    )
    return request


def test_reminders_wait_for_each_threshold_and_go_once(
    practitioner: User, manager: User, draft: Decision, django_capture_on_commit_callbacks: Any
) -> None:
    urgent = _asked(practitioner, draft, "urgent", WEDNESDAY)
    standard = _asked(practitioner, draft, "standard", WEDNESDAY)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_advisers(now=WEDNESDAY + datetime.timedelta(minutes=59)) == 0
        assert remind_advisers(now=WEDNESDAY + datetime.timedelta(hours=1)) == 1
        assert remind_advisers(now=WEDNESDAY + datetime.timedelta(hours=2)) == 0  # once
        # A working day: Thursday 10:00.
        assert remind_advisers(now=WEDNESDAY + datetime.timedelta(hours=23)) == 0
        assert remind_advisers(now=WEDNESDAY + datetime.timedelta(hours=24)) == 1
        assert remind_advisers(now=WEDNESDAY + datetime.timedelta(days=5)) == 0
    assert [m.to for m in mail.outbox] == [["dsl@school.example"], ["dsl@school.example"]]
    bodies = [m.body for m in mail.outbox]
    assert f"/advice/{urgent.pk}/" in bodies[0] and f"/advice/{standard.pk}/" in bodies[1]
    assert not any("question" in body for body in bodies)


def test_a_reminder_is_not_an_event_of_the_record(
    practitioner: User, manager: User, draft: Decision
) -> None:
    request = actions.ask_advice(
        actor=practitioner, decision=draft, adviser_kind=AdviserKind.MANAGER, question="Share?"
    )
    assert remind_advisers(now=request.asked_at + datetime.timedelta(hours=2)) == 1
    request.refresh_from_db()
    assert request.reminded_at is not None
    # reminded_at is left out of the record's digest: the ledger still verifies.
    report = verify_ledger()
    assert report.ok, report.lines()


def test_a_standard_request_made_on_friday_waits_over_the_weekend(
    practitioner: User, manager: User, draft: Decision
) -> None:
    friday = WEDNESDAY + datetime.timedelta(days=2)
    _asked(practitioner, draft, "standard", friday)
    assert remind_advisers(now=friday + datetime.timedelta(days=2)) == 0  # Sunday
    assert remind_advisers(now=friday + datetime.timedelta(days=3)) == 1  # Monday


def test_answered_requests_are_not_reminded(
    practitioner: User, manager: User, draft: Decision
) -> None:
    request = _asked(practitioner, draft, "urgent", WEDNESDAY)
    actions.answer_advice(actor=manager, request=request, answer="Share.")
    assert remind_advisers(now=WEDNESDAY + datetime.timedelta(days=3)) == 0
