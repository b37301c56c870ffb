"""The shared sending of notification emails: after commit, to active addresses only, and
(without the messaging app's outbox) a failing mail server logged without any address."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import pytest
from django.core import mail
from django.db import transaction

from safeshare.core import notifications
from safeshare.core.notifications import notify_after_commit

pytestmark = pytest.mark.django_db


@dataclass
class Someone:
    email: str
    is_active: bool = True


def _notify(users: list[Someone]) -> None:
    notify_after_commit(
        app="requests",
        kind="new",
        subject="Something happened in safeshare",
        text="Something happened.",
        users=users,
        path="/requests/some-id/",
        organisation_id=None,
    )


def test_it_sends_one_email_to_each_active_address_after_commit(
    django_capture_on_commit_callbacks: Any,
) -> None:
    people = [Someone("b@example.org"), Someone("a@example.org"), Someone("b@example.org")]
    people += [Someone(""), Someone("gone@example.org", is_active=False)]
    with django_capture_on_commit_callbacks(execute=True):
        _notify(people)
        assert mail.outbox == []
    assert [m.to for m in mail.outbox] == [["a@example.org"], ["b@example.org"]]
    message = mail.outbox[0]
    assert message.subject == "Something happened in safeshare"
    assert message.body.startswith("Something happened.\n\nSign in to safeshare to see it:\n")
    assert "/requests/some-id/" in message.body
    assert "This email contains no personal information." in message.body


def test_it_sends_nothing_when_the_transaction_rolls_back(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _notify([Someone("a@example.org")])
        raise RuntimeError
    assert mail.outbox == []


def test_without_an_outbox_a_failing_mail_server_is_logged_without_the_address(
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Core's own sending, used only when no app registers an outbox (the messaging app
    queues and retries instead: tests/messaging)."""

    def refuse(*args: Any, **kwargs: Any) -> int:
        raise ConnectionRefusedError

    monkeypatch.setattr(notifications, "_outbox", None)
    monkeypatch.setattr(notifications, "send_mass_mail", refuse)
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        _notify([Someone("a@example.org"), Someone("b@example.org")])
    [record] = caplog.records
    assert record.name == "safeshare.requests.notifications"
    assert record.getMessage() == "requests.notification_failed kind=new count=2"
    assert "example.org" not in caplog.text
