"""The federation's pages (issue 19): sending a finalised decision's items to another
partnership's requester (form, check page, send; nothing written before "Send securely"),
the sent disclosure's page and its revocation; the named recipient's list and page here
(the read receipt, acknowledging, revoked or expired: 410). No peer listens in these
tests: the pinned peer's URL is http://127.0.0.1:9, so the delivery after each commit fails
at once and the message stays queued, to be tried again later (the correct behaviour)."""

from __future__ import annotations

import datetime
import html
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safeshare.accounts.models import User
from safeshare.audit.models import AccessRecord
from safeshare.decisions.models import Decision
from safeshare.federation import keys
from safeshare.federation.models import (
    Direction,
    EventKind,
    Kind,
    Message,
    MessageStatus,
    ReceivedEvent,
    SentDisclosure,
    SentEvent,
)
from safeshare.ledger.models import Entry
from safeshare.subjects.models import Person
from tests.factories import UserFactory
from tests.factories.decisions import ITEM_TEXT, DecisionFactory
from tests.factories.federation import (
    PEER_URL,
    REMOTE_ITEM,
    InboundRequestFactory,
    ReceivedDisclosureFactory,
    SentDisclosureFactory,
    report_from_peer,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def federation_key(settings: Any) -> str:
    settings.SAFESHARE_FEDERATION_KEY = keys.generate()
    return str(settings.SAFESHARE_FEDERATION_KEY)


@pytest.fixture
def answering(practitioner: User, person: Person) -> Decision:
    """A finalised sharing decision about Lily answering a request from the peer."""
    inbound = InboundRequestFactory.create(to=practitioner.organisation)
    return DecisionFactory.create(
        started_by=practitioner, subject=person, request=inbound.request, share=True, finalised=True
    )


def _expiry(days: int = 7) -> dict[str, str]:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return {
        "expires_on_0": str(day.day),
        "expires_on_1": str(day.month),
        "expires_on_2": str(day.year),
    }


def _valid(decision: Decision, **extra: Any) -> dict[str, Any]:
    return {
        "items": [str(i.pk) for i in decision.items.all()],
        "message": "For your early help assessment.",
        **_expiry(),
        **extra,
    }


def _send_url(decision: Decision) -> str:
    return reverse("federation:send", args=[decision.pk])


def _text(response: Any) -> str:
    return html.unescape(response.content.decode())


def _out(kind: str) -> list[Message]:
    return list(Message.objects.filter(direction=Direction.OUT, kind=kind))


def _assert_queued(message: Message) -> None:
    """Delivery was tried after the commit, found no one at the peer's URL, and will retry:
    the peer's oldest queued message was tried (the first one in the test), and the later
    ones wait behind it, so the peer gets them in order."""
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED
    oldest = (
        Message.objects.filter(
            direction=Direction.OUT, peer=message.peer, status=MessageStatus.QUEUED
        )
        .order_by("created_at", "id")
        .first()
    )
    assert oldest is not None
    assert oldest.attempts == 1
    assert oldest.last_error.startswith("no answer")
    assert oldest.next_attempt_at > timezone.now()
    if oldest.pk != message.pk:
        assert message.attempts == 0, "waits behind the peer's older message"


class TestSending:
    def test_the_form_names_the_requester_and_records_the_read(
        self, client: Client, practitioner: User, answering: Decision, person: Person
    ) -> None:
        client.force_login(practitioner)
        response = client.get(_send_url(answering))
        page = _text(response)
        assert response.status_code == 200
        assert "Send securely to Tom Barker" in page
        assert "Westshire" in page and "REQ-WEST01" in page
        assert ITEM_TEXT in page and "Lily Morgan" in page
        assert AccessRecord.objects.filter(user=practitioner, person=person).exists()

    def test_check_then_send_signs_it_and_queues_it_for_the_peer(
        self,
        client: Client,
        practitioner: User,
        answering: Decision,
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        client.force_login(practitioner)
        check = client.post(_send_url(answering), _valid(answering, action="check"))
        page = _text(check)
        assert check.status_code == 200
        assert "Check before you send" in page and ITEM_TEXT in page
        assert not SentDisclosure.objects.exists() and not _out(Kind.DISCLOSURE)
        with django_capture_on_commit_callbacks(execute=True):
            sent = client.post(_send_url(answering), _valid(answering, action="send"))
        disclosure = SentDisclosure.objects.get()
        assert sent.status_code == 302
        assert sent["Location"] == reverse("federation:sent_show", args=[disclosure.pk])
        (message,) = _out(Kind.DISCLOSURE)
        _assert_queued(message)
        assert Entry.objects.filter(event_type="federation.disclosure.sent").count() == 1
        shown = _text(client.get(sent["Location"]))
        assert f"Sent, signed, to Tom Barker ({disclosure.reference})" in shown

    def test_change_goes_back_to_the_form_with_the_answers(
        self, client: Client, practitioner: User, answering: Decision
    ) -> None:
        client.force_login(practitioner)
        data = _valid(answering, action="change", message="Only attendance, please")
        response = client.post(_send_url(answering), data)
        page = _text(response)
        assert response.status_code == 200
        assert "Send securely to Tom Barker" in page and "Only attendance, please" in page
        assert "There is a problem" not in page
        assert not SentDisclosure.objects.exists()

    def test_a_double_submit_sends_once(
        self, client: Client, practitioner: User, answering: Decision
    ) -> None:
        client.force_login(practitioner)
        first = client.post(_send_url(answering), _valid(answering, action="send"))
        second = client.post(_send_url(answering), _valid(answering, action="send"), follow=True)
        disclosure = SentDisclosure.objects.get()
        assert first["Location"] == reverse("federation:sent_show", args=[disclosure.pk])
        assert second.redirect_chain[-1][0] == first["Location"]
        assert "This was already sent: nothing new was sent." in _text(second)
        assert len(_out(Kind.DISCLOSURE)) == 1

    def test_another_organisations_decision_is_not_found(
        self, client: Client, outsider: User, answering: Decision
    ) -> None:
        client.force_login(outsider)
        assert client.get(_send_url(answering)).status_code == 404
        assert (
            client.post(_send_url(answering), _valid(answering, action="send")).status_code == 404
        )
        assert not SentDisclosure.objects.exists()

    def test_a_decision_not_answering_another_partnership_is_not_found(
        self, client: Client, practitioner: User, person: Person
    ) -> None:
        local = DecisionFactory.create(
            started_by=practitioner, subject=person, share=True, finalised=True
        )
        client.force_login(practitioner)
        assert client.get(_send_url(local)).status_code == 404
        assert client.post(_send_url(local), _valid(local, action="send")).status_code == 404

    def test_without_a_key_the_form_says_so(
        self, client: Client, settings: Any, practitioner: User, answering: Decision
    ) -> None:
        client.force_login(practitioner)
        settings.SAFESHARE_FEDERATION_KEY = ""
        response = client.post(_send_url(answering), _valid(answering, action="send"))
        assert response.status_code == 200
        assert "This deployment has no federation key: ask your administrator" in _text(response)
        assert not SentDisclosure.objects.exists()


# (what is wrong, the change to a valid post, the message naming the field)
BAD_SEND: list[tuple[str, dict[str, Any], str]] = [
    ("no items", {"items": []}, "Select at least one piece of information to send"),
    ("not an item", {"items": ["not-one"]}, "Select information from the list"),
    (
        "no expiry",
        {"expires_on_0": "", "expires_on_1": "", "expires_on_2": ""},
        "Enter expiry date",
    ),
    ("in the past", _expiry(-1), "Expiry date must be today or in the future"),
    ("too far", _expiry(91), "Expiry date must be no more than 90 days from today"),
    ("markup", {"message": "<b>x</b>"}, "must not contain HTML"),
]


@pytest.mark.parametrize(("case", "change", "message"), BAD_SEND, ids=[c[0] for c in BAD_SEND])
@pytest.mark.parametrize("step", ["check", "send"])
def test_bad_input_names_the_field_and_writes_nothing(
    client: Client,
    practitioner: User,
    answering: Decision,
    case: str,
    change: dict[str, Any],
    message: str,
    step: str,
) -> None:
    client.force_login(practitioner)
    response = client.post(_send_url(answering), {**_valid(answering, action=step), **change})
    page = _text(response)
    assert response.status_code == 200
    assert "There is a problem" in page and message in page
    assert "govuk-error-message" in page and "<title>Error:" in page
    field = "items" if "items" in change else "message" if "message" in change else "expires_on"
    assert f'href="#id_{field}' in page, f"the error summary links to {field}"
    assert not SentDisclosure.objects.exists()
    assert not _out(Kind.DISCLOSURE)
    assert not Entry.objects.filter(event_type="federation.disclosure.sent").exists()


class TestSent:
    def test_the_page_shows_what_was_sent_and_what_the_peer_reported(
        self, client: Client, practitioner: User
    ) -> None:
        sent = SentDisclosureFactory.create(sent_by=practitioner, expires_in_days=7)
        url = reverse("federation:sent_show", args=[sent.pk])
        client.force_login(practitioner)
        page = _text(client.get(url))
        assert "Sent to Tom Barker" in page and "Not opened yet." in page
        last_day = timezone.localdate() + datetime.timedelta(days=7)
        assert f"The end of {last_day:%-d %B %Y}" in page, "the last day it can be opened"
        report_from_peer(sent, EventKind.OPENED)
        page = _text(client.get(url))
        assert "Opened by the recipient (reported by their safeshare)" in page

    def test_another_organisation_cannot_see_it(
        self, client: Client, practitioner: User, outsider: User
    ) -> None:
        sent = SentDisclosureFactory.create(sent_by=practitioner)
        client.force_login(outsider)
        assert client.get(reverse("federation:sent_show", args=[sent.pk])).status_code == 404
        assert client.get(reverse("federation:sent_revoke", args=[sent.pk])).status_code == 404

    def test_revoking_needs_a_reason_then_sends_the_revocation_once(
        self, client: Client, practitioner: User, django_capture_on_commit_callbacks: Any
    ) -> None:
        sent = SentDisclosureFactory.create(sent_by=practitioner)
        url = reverse("federation:sent_revoke", args=[sent.pk])
        client.force_login(practitioner)
        assert client.get(url).status_code == 200
        empty = client.post(url, {"reason": "  "})
        page = _text(empty)
        assert empty.status_code == 200
        assert "Enter why you are revoking the disclosure" in page
        assert 'href="#id_reason"' in page and "<title>Error:" in page
        assert not SentEvent.objects.exists() and not _out(Kind.REVOCATION)
        with django_capture_on_commit_callbacks(execute=True):
            done = client.post(url, {"reason": "Sent before the assessment was agreed"})
        assert done.status_code == 302
        assert done["Location"] == reverse("federation:sent_show", args=[sent.pk])
        (event,) = SentEvent.objects.all()
        assert event.kind == EventKind.REVOKED and event.by == practitioner
        (message,) = _out(Kind.REVOCATION)
        _assert_queued(message)
        assert "Sent before" not in message.body, "the reason stays here"
        again = client.post(url, {"reason": "Again"})
        assert again.status_code == 403
        assert SentEvent.objects.count() == 1 and len(_out(Kind.REVOCATION)) == 1
        page = _text(client.get(reverse("federation:sent_show", args=[sent.pk])))
        assert "Revoked by" in page and "Revoke disclosure" not in page


class TestReceived:
    def test_the_list_links_only_what_can_still_be_opened(
        self, client: Client, outsider: User
    ) -> None:
        open_one = ReceivedDisclosureFactory.create(recipient=outsider)
        revoked = ReceivedDisclosureFactory.create(recipient=outsider, revoked=True)
        client.force_login(outsider)
        page = _text(client.get(reverse("federation:received")))
        assert reverse("federation:received_show", args=[open_one.pk]) in page
        assert revoked.reference in page
        assert reverse("federation:received_show", args=[revoked.pk]) not in page
        assert "Revoked by the sender — no longer available" in page
        assert REMOTE_ITEM not in page

    def test_opening_writes_the_receipt_once_and_queues_it(
        self, client: Client, outsider: User, django_capture_on_commit_callbacks: Any
    ) -> None:
        received = ReceivedDisclosureFactory.create(recipient=outsider)
        url = reverse("federation:received_show", args=[received.pk])
        client.force_login(outsider)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.get(url)
        page = _text(response)
        assert response.status_code == 200
        assert REMOTE_ITEM in page and "Information about Poppy Hartley" in page
        (opened,) = ReceivedEvent.objects.all()
        assert opened.kind == EventKind.OPENED and opened.by == outsider
        (receipt,) = _out(Kind.RECEIPT)
        _assert_queued(receipt)
        assert receipt.peer.base_url == PEER_URL
        client.get(url)
        assert ReceivedEvent.objects.count() == 1 and len(_out(Kind.RECEIPT)) == 1
        assert Entry.objects.filter(event_type="federation.disclosure.opened").count() == 1

    def test_opening_needs_no_key_here_the_receipt_waits_for_one(
        self,
        client: Client,
        outsider: User,
        settings: Any,
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        received = ReceivedDisclosureFactory.create(recipient=outsider)
        settings.SAFESHARE_FEDERATION_KEY = None
        client.force_login(outsider)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.get(reverse("federation:received_show", args=[received.pk]))
        assert response.status_code == 200
        (receipt,) = _out(Kind.RECEIPT)
        assert receipt.status == "queued" and receipt.attempts == 0

    def test_acknowledging_once(self, client: Client, outsider: User) -> None:
        received = ReceivedDisclosureFactory.create(recipient=outsider, opened=True)
        url = reverse("federation:received_acknowledge", args=[received.pk])
        client.force_login(outsider)
        done = client.post(url, follow=True)
        page = _text(done)
        assert done.redirect_chain[-1][0] == reverse("federation:received_show", args=[received.pk])
        assert "Receipt acknowledged. The sender's deployment has been told." in page
        assert "You acknowledged receiving it on" in page and "Acknowledge receipt" not in page
        client.post(url)
        kinds = sorted(ReceivedEvent.objects.values_list("kind", flat=True))
        assert kinds == [EventKind.ACKNOWLEDGED, EventKind.OPENED]
        assert len(_out(Kind.RECEIPT)) == 2  # opened, acknowledged: once each
        assert client.get(url).status_code == 405

    @pytest.mark.parametrize(
        ("trait", "wording"),
        [
            ("revoked", "Westshire Children's Services revoked FED-"),
            ("expired", "expired at the end of"),
        ],
    )
    def test_revoked_or_expired_is_gone(
        self, client: Client, outsider: User, trait: str, wording: str
    ) -> None:
        received = ReceivedDisclosureFactory.create(recipient=outsider, **{trait: True})
        events = ReceivedEvent.objects.count()
        client.force_login(outsider)
        response = client.get(reverse("federation:received_show", args=[received.pk]))
        page = _text(response)
        assert response.status_code == 410
        assert "This information is no longer available" in page and wording in page
        assert REMOTE_ITEM not in page and "Poppy" not in page
        assert ReceivedEvent.objects.count() == events, "no read receipt"
        ack = client.post(reverse("federation:received_acknowledge", args=[received.pk]))
        assert ack.status_code == 410, "revoked or expired while its page was open: the gone page"
        assert "This information is no longer available" in _text(ack)
        assert ReceivedEvent.objects.count() == events

    def test_anyone_else_gets_not_found(
        self, client: Client, outsider: User, practitioner: User
    ) -> None:
        received = ReceivedDisclosureFactory.create(recipient=outsider)
        colleague = UserFactory.create(organisation=outsider.organisation, manager=True)
        for user in [colleague, practitioner]:
            client.force_login(user)
            url = reverse("federation:received_show", args=[received.pk])
            assert client.get(url).status_code == 404
            ack = reverse("federation:received_acknowledge", args=[received.pk])
            assert client.post(ack).status_code == 404
        assert not ReceivedEvent.objects.exists()


def test_the_inbox_refuses_an_unsigned_message(client: Client, settings: Any) -> None:
    response = client.post(reverse("federation:inbox"), b"{}", content_type="application/json")
    assert response.status_code == 400
    assert "not signed" in response.json()["error"]
    settings.SAFESHARE_FEDERATION_KEY = ""
    response = client.post(reverse("federation:inbox"), b"{}", content_type="application/json")
    assert response.status_code == 503


class TestTheRequestPage:
    """The federation's part of requests/show.html (templatetags/federation.py)."""

    def test_the_answering_side_offers_sending_then_lists_what_was_sent(
        self, client: Client, practitioner: User, answering: Decision, outsider: User
    ) -> None:
        url = reverse("requests:show", args=[answering.request_id])
        client.force_login(practitioner)
        page = _text(client.get(url))
        assert "in another partnership, through Westshire's safeshare" in page
        assert _send_url(answering) in page
        sent = SentDisclosureFactory.create(sent_by=practitioner, decision=answering)
        page = _text(client.get(url))
        assert reverse("federation:sent_show", args=[sent.pk]) in page
        assert f"{sent.reference}</a>, sent" in page and ": New" in page
        client.force_login(outsider)
        assert client.get(url).status_code == 404

    def test_the_requester_sees_it_waiting_and_opens_what_came_back(
        self, client: Client, outsider: User
    ) -> None:
        from tests.factories.federation import raise_remote_request

        asked = raise_remote_request(outsider)
        url = reverse("requests:show", args=[asked.pk])
        client.force_login(outsider)
        page = _text(client.get(url))
        assert "It is waiting to be sent: safeshare keeps trying." in page
        received = ReceivedDisclosureFactory.create(recipient=outsider, request=asked)
        revoked = ReceivedDisclosureFactory.create(recipient=outsider, request=asked, revoked=True)
        page = _text(client.get(url))
        assert f"Open {received.reference}, the information they sent you" in page
        assert reverse("federation:received_show", args=[received.pk]) in page
        assert f"{revoked.reference} (Revoked)" in page
        assert reverse("federation:received_show", args=[revoked.pk]) not in page


class TestTheFactories:
    """tests/factories/federation.py: each trait gives the state it names, through the
    actions and the inbox's logic, and the ledger still verifies."""

    @pytest.mark.parametrize(
        ("trait", "status"),
        [
            ("", "new"),
            ("opened", "opened"),
            ("acknowledged", "acknowledged"),
            ("revoked", "revoked"),
            ("expired", "expired"),
        ],
    )
    def test_received(self, outsider: User, trait: str, status: str) -> None:
        received = ReceivedDisclosureFactory.create(
            recipient=outsider, **({trait: True} if trait else {})
        )
        assert received.status() == status
        assert Entry.objects.filter(event_type="federation.disclosure.received").count() == 1
        from safeshare.ledger import verify

        assert verify.verify_ledger().ok

    @pytest.mark.parametrize(("revoked", "status"), [(False, "new"), (True, "revoked")])
    def test_sent(self, practitioner: User, revoked: bool, status: str) -> None:
        sent = SentDisclosureFactory.create(sent_by=practitioner, revoked=revoked)
        assert sent.status() == status
        assert sent.decision.request_id == sent.inbound.request_id
        from safeshare.ledger import verify

        assert verify.verify_ledger().ok
