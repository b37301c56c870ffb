"""The pages: sending from a decision (nothing written until "Send securely"), the
recipient's list and page (read receipt, read audit), acknowledging and revoking."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safeshare.accounts.models import Organisation, User
from safeshare.audit.models import AccessRecord
from safeshare.decisions.models import Decision
from safeshare.disclosures.models import Disclosure, Receipt, Revocation
from safeshare.ledger.models import Entry
from safeshare.subjects.models import Person
from tests.factories import OrganisationFactory, UserFactory
from tests.factories.decisions import DecisionFactory
from tests.factories.disclosures import DisclosureFactory

pytestmark = pytest.mark.django_db


def _expiry(days: int = 30) -> dict[str, str]:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return {
        "expires_on_0": str(day.day),
        "expires_on_1": str(day.month),
        "expires_on_2": str(day.year),
    }


def _compose_url(decision: Decision, organisation: Organisation | None) -> str:
    assert organisation is not None
    return reverse("disclosures:compose", args=[decision.pk, organisation.pk])


def _valid(decision: Decision, to: User, /, **extra: Any) -> dict[str, Any]:
    return {
        "recipient": str(to.pk),
        "items": [str(i.pk) for i in decision.items.all()],
        "message": "For the strategy discussion tomorrow.",
        **_expiry(),
        **extra,
    }


def _text(response: Any) -> str:
    return str(response.content.decode())


class TestSending:
    def test_the_decision_page_offers_sending_and_the_organisation_is_prefilled(
        self, client: Client, practitioner: User, decision: Decision, recipient: User
    ) -> None:
        client.force_login(practitioner)
        page = _text(client.get(reverse("decisions:show", args=[decision.pk])))
        assert "Disclosures through safeshare" in page
        assert "This information has not been sent through safeshare" in page
        assert reverse("disclosures:new", args=[decision.pk]) in page
        response = client.get(reverse("disclosures:new", args=[decision.pk]))
        assert response.status_code == 200
        # The decision recorded the recipient organisation by name only: it is matched.
        assert f'<option value="{recipient.organisation_id}" selected>' in _text(response)

    def test_the_organisation_page_leads_to_the_recipient_page(
        self, client: Client, practitioner: User, decision: Decision, recipient: User
    ) -> None:
        client.force_login(practitioner)
        response = client.post(
            reverse("disclosures:new", args=[decision.pk]),
            {"organisation": str(recipient.organisation_id)},
        )
        assert response.status_code == 302
        assert response["Location"] == _compose_url(decision, recipient.organisation)

    def test_check_then_send_writes_only_on_send(
        self,
        client: Client,
        practitioner: User,
        decision: Decision,
        recipient: User,
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        client.force_login(practitioner)
        url = _compose_url(decision, recipient.organisation)
        page = _text(client.get(url))
        # The decision's recorded recipient is chosen already; nothing is ticked for them.
        assert f'value="{recipient.pk}" checked' in page
        assert "checked" not in page.split('name="items"')[1].split(">")[0]
        entries = Entry.objects.count()
        check = client.post(url, _valid(decision, recipient, action="check"))
        assert check.status_code == 200
        assert "Check before you send" in _text(check)
        assert "is not the recipient recorded" not in _text(check)
        assert not Disclosure.objects.exists() and Entry.objects.count() == entries
        change = client.post(url, _valid(decision, recipient, action="change"))
        assert "Send securely to" in _text(change)
        assert not Disclosure.objects.exists()
        with django_capture_on_commit_callbacks(execute=True):
            sent = client.post(url, _valid(decision, recipient, action="send"))
        disclosure = Disclosure.objects.get()
        assert sent.status_code == 302
        assert sent["Location"] == reverse("disclosures:sent", args=[disclosure.pk])
        assert disclosure.message == "For the strategy discussion tomorrow."
        assert Entry.objects.filter(event_type="disclosures.disclosure.sent").count() == 1
        panel = _text(client.get(sent["Location"]))
        assert "Sent securely" in panel and disclosure.reference in panel
        page = _text(client.get(reverse("decisions:show", args=[decision.pk])))
        assert disclosure.reference in page and "Tom Barker" in page and "Not yet" in page

    def test_a_recipient_other_than_the_recorded_one_is_warned_about(
        self, client: Client, practitioner: User, decision: Decision, recipient: User
    ) -> None:
        manager = UserFactory.create(
            organisation=recipient.organisation, manager=True, first_name="Fatima"
        )
        client.force_login(practitioner)
        check = client.post(
            _compose_url(decision, recipient.organisation),
            _valid(decision, manager, action="check"),
        )
        assert "is not the recipient recorded in the decision" in _text(check)
        assert "Tom Barker, Social worker" in _text(check)

    def test_another_organisation_is_warned_about_too(
        self, client: Client, practitioner: User, decision: Decision, outsider: User
    ) -> None:
        client.force_login(practitioner)
        check = client.post(
            _compose_url(decision, outsider.organisation),
            _valid(decision, outsider, action="check"),
        )
        assert "is not the recipient recorded in the decision" in _text(check)

    @pytest.mark.parametrize("role", ["ig_lead", "auditor"])
    def test_roles_that_do_not_record_cannot_send(
        self, client: Client, organisation: Organisation, decision: Decision, role: str
    ) -> None:
        client.force_login(UserFactory.create(organisation=organisation, role=role))
        assert client.get(reverse("disclosures:new", args=[decision.pk])).status_code in {
            403,
            404,
        }
        page = client.get(reverse("decisions:show", args=[decision.pk]))
        if page.status_code == 200:
            assert reverse("disclosures:new", args=[decision.pk]) not in _text(page)

    def test_a_decision_not_to_share_has_no_disclosures_section(
        self, client: Client, practitioner: User, person: Person
    ) -> None:
        refusal = DecisionFactory.create(
            started_by=practitioner, subject=person, do_not_share=True, finalised=True
        )
        client.force_login(practitioner)
        page = _text(client.get(reverse("decisions:show", args=[refusal.pk])))
        assert "Disclosures through safeshare" not in page
        assert client.get(reverse("disclosures:new", args=[refusal.pk])).status_code == 403


class TestTampering:
    """Hand-edited ids in the address or the hidden fields: refused, nothing written."""

    def _post(self, client: Client, url: str, data: dict[str, Any]) -> Any:
        response = client.post(url, data)
        assert not Disclosure.objects.exists()
        assert not Entry.objects.filter(event_type__startswith="disclosures.").exists()
        return response

    def test_a_recipient_from_the_sending_organisation(
        self, client: Client, practitioner: User, decision: Decision, recipient: User
    ) -> None:
        client.force_login(practitioner)
        url = _compose_url(decision, recipient.organisation)
        response = self._post(
            client, url, _valid(decision, recipient, action="send", recipient=str(practitioner.pk))
        )
        assert "Select who should receive it from the list" in _text(response)

    def test_a_recipient_of_another_organisation_than_the_page(
        self,
        client: Client,
        practitioner: User,
        decision: Decision,
        recipient: User,
        outsider: User,
    ) -> None:
        client.force_login(practitioner)
        url = _compose_url(decision, recipient.organisation)
        response = self._post(
            client, url, _valid(decision, recipient, action="send", recipient=str(outsider.pk))
        )
        assert "Select who should receive it from the list" in _text(response)

    def test_an_item_of_another_decision(
        self,
        client: Client,
        practitioner: User,
        person: Person,
        decision: Decision,
        recipient: User,
    ) -> None:
        other = DecisionFactory.create(
            started_by=practitioner, subject=person, share=True, finalised=True
        ).items.get()
        client.force_login(practitioner)
        url = _compose_url(decision, recipient.organisation)
        response = self._post(
            client, url, _valid(decision, recipient, action="send", items=[str(other.pk)])
        )
        assert "Select information from the list" in _text(response)

    def test_the_own_organisation_or_an_unknown_one_in_the_address(
        self, client: Client, practitioner: User, decision: Decision, recipient: User
    ) -> None:
        client.force_login(practitioner)
        for organisation in (practitioner.organisation, OrganisationFactory.create(name="Empty")):
            assert organisation is not None
            url = _compose_url(decision, organisation)
            assert (
                self._post(client, url, _valid(decision, recipient, action="send")).status_code
                == 404
            )

    def test_another_organisations_decision(
        self,
        client: Client,
        outsider: User,
        decision: Decision,
        recipient: User,
    ) -> None:
        client.force_login(outsider)
        url = _compose_url(decision, recipient.organisation)
        assert (
            self._post(client, url, _valid(decision, recipient, action="send")).status_code == 404
        )
        assert client.get(reverse("disclosures:new", args=[decision.pk])).status_code == 404

    def test_an_expiry_changed_in_the_hidden_fields(
        self, client: Client, practitioner: User, decision: Decision, recipient: User
    ) -> None:
        client.force_login(practitioner)
        url = _compose_url(decision, recipient.organisation)
        response = self._post(
            client, url, _valid(decision, recipient, action="send", **_expiry(365))
        )
        assert "Expiry date must be no more than 90 days from today" in _text(response)

    def test_not_a_uuid_in_the_address_is_not_found(
        self, client: Client, practitioner: User
    ) -> None:
        client.force_login(practitioner)
        assert client.get("/disclosures/send/not-a-uuid/").status_code == 404
        assert client.get("/disclosures/12345/").status_code == 404


SCRIPT = '<script>alert("x")</script>'

# (what is wrong, the change to a valid post, the message naming the field)
BAD_COMPOSE: list[tuple[str, dict[str, Any], str]] = [
    ("no recipient", {"recipient": ""}, "Select who should receive it"),
    ("no items", {"items": []}, "Select at least one piece of information to send"),
    ("markup", {"message": SCRIPT}, "Message to the recipient (optional) must not contain HTML"),
    ("control", {"message": "Bad\x00text"}, "must not contain control characters"),
    ("too long", {"message": "x" * 6000}, "must be 5000 characters or fewer"),
    (
        "no expiry",
        {"expires_on_0": "", "expires_on_1": "", "expires_on_2": ""},
        "Enter expiry date",
    ),
    ("part of a date", {"expires_on_0": ""}, "Enter expiry date"),
    ("not a date", {"expires_on_0": "31", "expires_on_1": "2"}, "Expiry date must be a real date"),
    ("letters", {"expires_on_2": "next"}, "Expiry date must be a real date"),
    ("in the past", _expiry(-1), "Expiry date must be today or in the future"),
    ("too far", _expiry(91), "Expiry date must be no more than 90 days from today"),
]


@pytest.mark.parametrize(
    ("case", "change", "message"), BAD_COMPOSE, ids=[c[0] for c in BAD_COMPOSE]
)
@pytest.mark.parametrize("step", ["check", "send"])
def test_bad_input_on_the_compose_page_names_the_field_and_writes_nothing(
    client: Client,
    practitioner: User,
    decision: Decision,
    recipient: User,
    case: str,
    change: dict[str, Any],
    message: str,
    step: str,
) -> None:
    client.force_login(practitioner)
    data = {**_valid(decision, recipient, action=step), **change}
    response = client.post(_compose_url(decision, recipient.organisation), data)
    page = _text(response)
    assert response.status_code == 200
    assert "There is a problem" in page and message in page
    assert "govuk-error-message" in page and "<title>Error:" in page
    assert SCRIPT not in page
    assert not Disclosure.objects.exists()
    assert not Entry.objects.filter(event_type__startswith="disclosures.").exists()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "Select the organisation you are sending it to"),
        ("not-a-uuid", "Select the organisation you are sending it to"),
    ],
)
def test_bad_input_on_the_organisation_page(
    client: Client,
    practitioner: User,
    decision: Decision,
    recipient: User,
    value: str,
    message: str,
) -> None:
    client.force_login(practitioner)
    response = client.post(reverse("disclosures:new", args=[decision.pk]), {"organisation": value})
    assert response.status_code == 200
    assert message in _text(response) and "There is a problem" in _text(response)


def test_the_own_organisation_is_not_offered(
    client: Client, practitioner: User, decision: Decision, recipient: User
) -> None:
    client.force_login(practitioner)
    response = client.post(
        reverse("disclosures:new", args=[decision.pk]),
        {"organisation": str(practitioner.organisation_id)},
    )
    assert "Select the organisation you are sending it to" in _text(response)
    assert str(practitioner.organisation_id) not in _text(response).split("<select")[1]


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "Enter why you are revoking the disclosure"),
        (SCRIPT, "Why are you revoking it? must not contain HTML"),
        ("Bad\x07", "must not contain control characters"),
        ("x" * 6000, "must be 5000 characters or fewer"),
    ],
)
def test_bad_input_on_the_revoke_page(
    client: Client, practitioner: User, disclosure: Disclosure, reason: str, message: str
) -> None:
    client.force_login(practitioner)
    response = client.post(reverse("disclosures:revoke", args=[disclosure.pk]), {"reason": reason})
    assert response.status_code == 200
    assert message in _text(response) and SCRIPT not in _text(response)
    assert not Revocation.objects.exists()
    assert not Entry.objects.filter(event_type="disclosures.disclosure.revoked").exists()


class TestReceiving:
    def test_the_header_counts_new_disclosures(
        self, client: Client, recipient: User, disclosure: Disclosure
    ) -> None:
        client.force_login(recipient)
        assert "Shared with you (1 new)" in _text(client.get(reverse("site:home")))
        client.get(reverse("disclosures:show", args=[disclosure.pk]))
        page = _text(client.get(reverse("site:home")))
        assert "Shared with you" in page and "(1 new)" not in page

    def test_the_list_shows_sender_date_and_status_but_no_personal_data(
        self, client: Client, recipient: User, disclosure: Disclosure
    ) -> None:
        client.force_login(recipient)
        page = _text(client.get(reverse("disclosures:received")))
        assert "Riverside Primary School" in page and disclosure.reference in page
        assert "New" in page and "Lily" not in page

    def test_the_page_shows_what_was_shared_and_writes_the_read_receipt_once(
        self, client: Client, recipient: User, disclosure: Disclosure, practitioner: User
    ) -> None:
        client.force_login(recipient)
        url = reverse("disclosures:show", args=[disclosure.pk])
        page = _text(client.get(url))
        for shown in [
            "Lily Morgan",
            "4 May 2016",
            "9990000026",
            "Early help assessment for the family",
            "Share",
            "Lily arrived at school with a bruise",
            "Class teacher",
            "For the strategy discussion tomorrow.",
            practitioner.display_name(),
            "Riverside Primary School",
            "Acknowledge receipt",
        ]:
            assert shown in page, shown
        client.get(url)
        assert Receipt.objects.filter(disclosure=disclosure, kind="opened").count() == 1
        assert Entry.objects.filter(event_type="disclosures.disclosure.opened").count() == 1

    def test_every_view_is_recorded_for_each_person_shown(
        self,
        client: Client,
        recipient: User,
        practitioner: User,
        person: Person,
        send: Callable[..., Disclosure],
    ) -> None:
        disclosure = send()
        client.force_login(recipient)
        url = reverse("disclosures:show", args=[disclosure.pk])
        for _ in range(2):
            before = AccessRecord.objects.count()
            client.get(url)
            records = list(
                AccessRecord.objects.order_by("-pk")[: AccessRecord.objects.count() - before]
            )
            assert [r.person_id for r in records] == [person.pk]
            assert records[0].user_id == recipient.pk
            assert records[0].what == "disclosures.disclosure.show"
            assert records[0].object_id == str(disclosure.pk)

    def test_only_the_shared_items_are_shown(
        self,
        client: Client,
        recipient: User,
        practitioner: User,
        person: Person,
        send: Callable[..., Disclosure],
    ) -> None:
        from safeshare.decisions import actions as decision_actions
        from tests.factories.decisions import DecisionFactory

        draft = DecisionFactory.create(started_by=practitioner, subject=person, share=True)
        decision_actions.save_item(
            actor=practitioner,
            decision=draft,
            values={
                "text": "Not for the social worker.",
                "nature": "fact",
                "currency": "historical",
                "relates_to": datetime.date(2024, 1, 1),
                "source": "School records",
            },
        )
        decision = decision_actions.finalise_decision(actor=practitioner, decision=draft)
        first = decision.items.order_by("position").first()
        disclosure = send(decision=decision, items=[first])
        client.force_login(recipient)
        page = _text(client.get(reverse("disclosures:show", args=[disclosure.pk])))
        assert "Lily arrived at school" in page and "Not for the social worker" not in page

    def test_acknowledging(self, client: Client, recipient: User, disclosure: Disclosure) -> None:
        client.force_login(recipient)
        url = reverse("disclosures:acknowledge", args=[disclosure.pk])
        assert client.get(url).status_code == 405
        response = client.post(url)
        assert response["Location"] == reverse("disclosures:show", args=[disclosure.pk])
        client.post(url)  # twice: still one
        assert Receipt.objects.filter(kind="acknowledged").count() == 1
        page = _text(client.get(response["Location"]))
        assert (
            "You acknowledged receiving it on" in page
            and "Acknowledge receipt</button>" not in page
        )

    def test_the_sender_sees_the_receipts(
        self, client: Client, recipient: User, practitioner: User, decision: Decision
    ) -> None:
        disclosure = DisclosureFactory.create(
            decision=decision, recipient=recipient, acknowledged=True
        )
        client.force_login(practitioner)
        page = _text(client.get(reverse("decisions:show", args=[disclosure.decision_id])))
        assert ">Not yet</dd>" not in page and "Acknowledged" in page

    def test_nobody_but_the_recipient_sees_it(
        self,
        client: Client,
        disclosure: Disclosure,
        practitioner: User,
        outsider: User,
        recipient: User,
    ) -> None:
        colleague = UserFactory.create(organisation=recipient.organisation, manager=True)
        for user in (practitioner, outsider, colleague):
            client.force_login(user)
            for name in ("show", "acknowledge"):
                method = client.get if name == "show" else client.post
                assert (
                    method(reverse(f"disclosures:{name}", args=[disclosure.pk])).status_code == 404
                )
            assert disclosure.reference not in _text(client.get(reverse("disclosures:received")))
        assert not Receipt.objects.exists()


class TestRevokingAndExpiry:
    def test_revoking_from_the_decision_page(
        self,
        client: Client,
        practitioner: User,
        recipient: User,
        disclosure: Disclosure,
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        client.force_login(practitioner)
        decision_page = reverse("decisions:show", args=[disclosure.decision_id])
        url = reverse("disclosures:revoke", args=[disclosure.pk])
        assert url in _text(client.get(decision_page))
        assert "Why are you revoking it?" in _text(client.get(url))
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, {"reason": "Sent to the wrong team"})
        assert response["Location"] == decision_page
        page = _text(client.get(decision_page))
        assert "Sent to the wrong team" in page and "Revoked" in page and url not in page
        assert client.get(url).status_code == 403  # nothing left to revoke

        client.force_login(recipient)
        assert client.get(reverse("disclosures:show", args=[disclosure.pk])).status_code == 404
        listed = _text(client.get(reverse("disclosures:received")))
        assert "no longer available" in listed and "Revoked on" in listed
        assert reverse("disclosures:show", args=[disclosure.pk]) not in listed

    def test_another_organisation_cannot_revoke(
        self, client: Client, outsider: User, recipient: User, disclosure: Disclosure
    ) -> None:
        for user in (outsider, recipient):
            client.force_login(user)
            url = reverse("disclosures:revoke", args=[disclosure.pk])
            assert client.post(url, {"reason": "x"}).status_code == 404
        assert not Revocation.objects.exists()

    def test_after_expiry_the_content_is_gone(
        self,
        client: Client,
        recipient: User,
        send: Callable[..., Disclosure],
        advance_clock: Callable[[int], None],
        practitioner: User,
    ) -> None:
        disclosure = send(expires_on=timezone.localdate())
        client.force_login(recipient)
        assert client.get(reverse("disclosures:show", args=[disclosure.pk])).status_code == 200
        advance_clock(1)
        client.force_login(recipient)
        assert client.get(reverse("disclosures:show", args=[disclosure.pk])).status_code == 404
        assert (
            client.post(reverse("disclosures:acknowledge", args=[disclosure.pk])).status_code == 404
        )
        listed = _text(client.get(reverse("disclosures:received")))
        assert "Expired" in listed and "no longer available" in listed
        client.force_login(practitioner)
        assert client.get(reverse("disclosures:revoke", args=[disclosure.pk])).status_code == 403
        assert "Expired" in _text(
            client.get(reverse("decisions:show", args=[disclosure.decision_id]))
        )

    def test_the_sent_page_is_for_the_sending_organisation_only(
        self, client: Client, recipient: User, outsider: User, disclosure: Disclosure
    ) -> None:
        for user in (recipient, outsider):
            client.force_login(user)
            assert client.get(reverse("disclosures:sent", args=[disclosure.pk])).status_code == 404
