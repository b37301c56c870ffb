"""The review reminders: none before the review date; on it, the practitioner and the
organisation's managers are emailed a link, once per review date; a later review's date is
reminded again when it comes; told is never reminded."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from safeshare.accounts.models import User
from safeshare.decisions.models import Decision
from safeshare.families import actions
from safeshare.families.jobs import remind_reviews
from safeshare.families.models import ToTell
from safeshare.jobs.registry import get
from safeshare.subjects.models import Person
from tests.families.conftest import not_told

pytestmark = pytest.mark.django_db


def _at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def test_the_job_is_registered_hourly() -> None:
    job = get("families.review_reminders")
    assert job.every == datetime.timedelta(hours=1)


def test_reminded_on_the_review_date_once(
    practitioner: User,
    manager: User,
    person: Person,
    django_capture_on_commit_callbacks: Any,
) -> None:
    practitioner.email = "teacher@school.example"
    practitioner.save()
    review_on = timezone.localdate() + datetime.timedelta(days=3)
    decision = not_told(practitioner, person, review_on)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_reviews(now=_at(review_on - datetime.timedelta(days=1), 23)) == 0
        assert remind_reviews(now=_at(review_on, 0)) == 1
        assert remind_reviews(now=_at(review_on, 1)) == 0  # once
        assert remind_reviews(now=_at(review_on + datetime.timedelta(days=2))) == 0
    assert sorted(m.to[0] for m in mail.outbox) == sorted([practitioner.email, manager.email])
    link = reverse("families:told", args=[decision.pk])
    for message in mail.outbox:
        assert link in message.body
        assert "Lily" not in message.body and "Morgan" not in message.body
        assert "risk" not in message.body
    assert ToTell.objects.get(decision=decision).reminded_for == review_on


def test_a_deferral_is_reminded_on_its_own_date_and_told_is_not(
    practitioner: User, manager: User, decision: Decision, django_capture_on_commit_callbacks: Any
) -> None:
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_reviews(now=timezone.now()) == 1
    next_on = today + datetime.timedelta(days=7)
    actions.record_review(
        actor=practitioner,
        decision=decision,
        reason="risk_of_harm",
        detail="Still unsafe",
        next_review_on=next_on,
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_reviews(now=_at(next_on - datetime.timedelta(days=1))) == 0
        assert remind_reviews(now=_at(next_on)) == 1
        assert remind_reviews(now=_at(next_on, 12)) == 0
    actions.record_told(
        actor=manager,
        decision=decision,
        told_on=today,
        method="phone",
        told_by="Dana Lead",
        what_was_said="About the referral",
    )
    ToTell.objects.filter(decision=decision).update(reminded_for=None)
    assert remind_reviews(now=_at(next_on)) == 0
