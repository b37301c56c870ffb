"""Messages are queued in the request and sent by the `messaging.deliver` job: through
GOV.UK Notify (a local stub of its API) when a key is set, else Django's email backend;
retried with backoff on failures that may pass, given up on the fifth or on one that
cannot; never an address or a code in a log line, and only a link in the message."""

from __future__ import annotations

import datetime
import logging
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from safeshare.accounts.models import Organisation
from safeshare.core.notifications import notify_after_commit
from safeshare.jobs.registry import get
from safeshare.messaging.delivery import backoff, deliver_due
from safeshare.messaging.models import Channel, OutgoingMessage, Status, mask
from safeshare.messaging.outbox import send_code
from tests.factories import UserFactory
from tests.messaging.notify_stub import NotifyStub

pytestmark = pytest.mark.django_db

MINUTE = datetime.timedelta(minutes=1)


def _notify(organisation: Organisation, address: str = "jo.bloggs@example.org") -> None:
    user = UserFactory.create(organisation=organisation, email=address)
    notify_after_commit(
        app="requests",
        kind="new",
        subject="A request for information has come in",
        text="Your organisation has a new request for information.",
        users=[user],
        path="/requests/0b6c1f0e-2b8a-4c4e-9d1e-1f9a4b1c2d3e/",
        organisation_id=organisation.pk,
    )


def test_the_job_is_registered_every_minute() -> None:
    assert get("messaging.deliver").every == MINUTE


def test_a_message_is_queued_not_sent_in_the_request(
    organisation: Organisation, notify: NotifyStub, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _notify(organisation)
    [message] = OutgoingMessage.objects.all()
    assert (message.status, message.attempts, message.channel) == (Status.QUEUED, 0, Channel.EMAIL)
    assert message.organisation_id == organisation.pk
    assert notify.received == [] and mail.outbox == []


def test_the_job_sends_through_notify_with_only_a_link(
    organisation: Organisation, notify: NotifyStub
) -> None:
    _notify(organisation)
    assert deliver_due(now=timezone.now()) == 1
    [sent] = notify.received
    assert sent["path"] == "/v2/notifications/email"
    body = sent["body"]
    assert body["email_address"] == "jo.bloggs@example.org"
    assert body["template_id"] == "aaaaaaaa-0000-4000-8000-000000000001"
    assert body["personalisation"] == {
        "subject": "A request for information has come in",
        "body": "Your organisation has a new request for information.",
        "link": "https://safeshare.example.org/requests/0b6c1f0e-2b8a-4c4e-9d1e-1f9a4b1c2d3e/",
    }
    message = OutgoingMessage.objects.get()
    assert message.status == Status.SENT and message.attempts == 1 and message.notify_id
    assert mail.outbox == []
    # Sent once: the next run has nothing to do.
    assert deliver_due(now=timezone.now() + MINUTE) == 0
    assert len(notify.received) == 1


def test_failures_that_may_pass_are_retried_with_backoff(
    organisation: Organisation, notify: NotifyStub
) -> None:
    notify.script = [500, 429]
    _notify(organisation)
    start = timezone.now()
    assert deliver_due(now=start) == 0
    message = OutgoingMessage.objects.get()
    assert (message.status, message.attempts, message.last_error) == (Status.QUEUED, 1, "http_500")
    assert message.next_attempt_at == start + MINUTE
    # Not due yet: nothing is sent.
    assert deliver_due(now=start + datetime.timedelta(seconds=30)) == 0
    assert len(notify.received) == 1
    assert deliver_due(now=start + MINUTE) == 0
    message.refresh_from_db()
    assert (message.attempts, message.last_error) == (2, "http_429")
    assert message.next_attempt_at == start + MINUTE + 5 * MINUTE
    assert deliver_due(now=start + 6 * MINUTE) == 1
    message.refresh_from_db()
    assert message.status == Status.SENT and message.attempts == 3
    assert len(notify.received) == 3


def test_the_backoff_is_1_5_25_and_125_minutes() -> None:
    assert [backoff(n) for n in (1, 2, 3, 4)] == [MINUTE, 5 * MINUTE, 25 * MINUTE, 125 * MINUTE]


def test_the_fifth_failure_gives_up(organisation: Organisation, notify: NotifyStub) -> None:
    notify.script = [500] * 6
    _notify(organisation)
    now = timezone.now()
    for _ in range(5):
        deliver_due(now=now)
        now += 200 * MINUTE
    message = OutgoingMessage.objects.get()
    assert (message.status, message.attempts, message.last_error) == (Status.FAILED, 5, "http_500")
    assert deliver_due(now=now) == 0
    assert len(notify.received) == 5


@pytest.mark.parametrize("status", [400, 403])
def test_a_bad_request_or_a_refused_key_is_permanent(
    organisation: Organisation, notify: NotifyStub, status: int
) -> None:
    notify.script = [status]
    _notify(organisation)
    assert deliver_due(now=timezone.now()) == 0
    message = OutgoingMessage.objects.get()
    assert (message.status, message.attempts) == (Status.FAILED, 1)
    assert message.last_error == f"http_{status}" and message.failed_at is not None


def test_the_stub_refuses_a_key_it_did_not_issue(
    organisation: Organisation, notify: NotifyStub, settings: Any
) -> None:
    """The client signs its token with the key's secret; another secret is a 403."""
    settings.SAFESHARE_NOTIFY_API_KEY = (
        "wrong-11111111-2222-4333-8444-555555555555-99999999-9999-4999-9999-999999999999"
    )
    _notify(organisation)
    deliver_due(now=timezone.now())
    message = OutgoingMessage.objects.get()
    assert (message.status, message.last_error) == (Status.FAILED, "http_403")
    assert notify.received == []


def test_notify_out_of_reach_is_retried(
    organisation: Organisation, notify: NotifyStub, settings: Any
) -> None:
    settings.SAFESHARE_NOTIFY_BASE_URL = "http://127.0.0.1:9"  # discard: nothing listens
    _notify(organisation)
    deliver_due(now=timezone.now())
    message = OutgoingMessage.objects.get()
    # The client reports a request that found no server as a 503.
    assert (message.status, message.attempts, message.last_error) == (Status.QUEUED, 1, "http_503")


def test_a_one_time_code_goes_by_text_message(
    organisation: Organisation, notify: NotifyStub
) -> None:
    send_code("07700900123", "482913", organisation_id=organisation.pk)
    assert deliver_due(now=timezone.now()) == 1
    [sent] = notify.received
    assert sent["path"] == "/v2/notifications/sms"
    assert sent["body"]["phone_number"] == "07700900123"
    assert sent["body"]["template_id"] == "aaaaaaaa-0000-4000-8000-000000000002"
    assert sent["body"]["personalisation"] == {"code": "482913"}
    message = OutgoingMessage.objects.get()
    # The code is not kept once sent.
    assert message.status == Status.SENT and message.code == ""


def test_without_notify_email_goes_through_djangos_backend(organisation: Organisation) -> None:
    _notify(organisation)
    assert mail.outbox == []
    assert deliver_due(now=timezone.now()) == 1
    [email] = mail.outbox
    assert email.to == ["jo.bloggs@example.org"]
    assert email.subject == "A request for information has come in"
    assert email.body == (
        "Your organisation has a new request for information.\n\n"
        "Sign in to safeshare to see it:\n"
        "https://safeshare.example.org/requests/0b6c1f0e-2b8a-4c4e-9d1e-1f9a4b1c2d3e/\n\n"
        "This email contains no personal information. Do not reply to it."
    )


def test_without_notify_a_failing_mail_server_is_retried(
    organisation: Organisation, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: Any, **kwargs: Any) -> int:
        raise ConnectionRefusedError

    monkeypatch.setattr("safeshare.messaging.delivery.send_mail", refuse)
    _notify(organisation)
    deliver_due(now=timezone.now())
    message = OutgoingMessage.objects.get()
    assert (message.status, message.attempts, message.last_error) == (Status.QUEUED, 1, "smtp")


def test_without_notify_a_text_message_cannot_be_sent(organisation: Organisation) -> None:
    send_code("07700900123", "482913", organisation_id=organisation.pk)
    deliver_due(now=timezone.now())
    message = OutgoingMessage.objects.get()
    assert (message.status, message.last_error, message.code) == (
        Status.FAILED,
        "no_sms_service",
        "",
    )


def test_the_suite_setting_sends_right_after_the_commit(
    organisation: Organisation,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.SAFESHARE_DELIVER_IMMEDIATELY = True
    with django_capture_on_commit_callbacks(execute=True):
        _notify(organisation)
        assert mail.outbox == []
    assert len(mail.outbox) == 1
    assert OutgoingMessage.objects.get().status == Status.SENT


def test_no_address_code_or_service_text_in_the_logs(
    organisation: Organisation, notify: NotifyStub, caplog: pytest.LogCaptureFixture
) -> None:
    notify.script = [500, 400]
    with caplog.at_level(logging.DEBUG):
        _notify(organisation)
        send_code("07700900123", "482913", organisation_id=organisation.pk)
        deliver_due(now=timezone.now())
        deliver_due(now=timezone.now() + 2 * MINUTE)
    assert "messaging.send_failed" in caplog.text
    for secret in (
        "jo.bloggs",
        "example.org",
        "07700900123",
        "482913",
        "Internal server",
        "team-only",
    ):
        assert secret not in caplog.text


def test_addresses_are_masked() -> None:
    assert mask("jo.bloggs@example.org") == "j***@example.org"
    assert mask("07700900123") == "********123"


def test_prune_deletes_old_sent_and_given_up_messages_and_keeps_the_rest(
    organisation: Organisation, settings: Any
) -> None:
    from safeshare.messaging.delivery import prune

    settings.SAFESHARE_MESSAGES_KEEP_DAYS = 90
    now = timezone.now()
    old = now - datetime.timedelta(days=91)
    recent = now - datetime.timedelta(days=89)

    def row(status: str, **when: Any) -> OutgoingMessage:
        return OutgoingMessage.objects.create(
            organisation=organisation,
            channel=Channel.EMAIL,
            app="requests",
            kind="new",
            recipient="jo.bloggs@example.org",
            status=status,
            created_at=old,
            next_attempt_at=old,
            **when,
        )

    gone = [row(Status.SENT, sent_at=old), row(Status.FAILED, failed_at=old)]
    kept = [
        row(Status.SENT, sent_at=recent),
        row(Status.FAILED, failed_at=recent),
        row(Status.QUEUED),  # queued long ago, still to be sent: never deleted
    ]
    assert prune(now=now) == 2
    remaining = set(OutgoingMessage.objects.values_list("pk", flat=True))
    assert remaining == {m.pk for m in kept}
    assert not remaining & {m.pk for m in gone}
    assert get("messaging.prune").every == datetime.timedelta(days=1)
