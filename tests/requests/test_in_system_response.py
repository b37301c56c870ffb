"""A request answered "through safeshare": the information reaches the requester only as a
disclosure to a named person (ADR 0007). The request page says that a response was sent,
to whom, when and what happened to it, and links the named recipient to the disclosure;
it never shows the items' text, to anyone."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from safeshare.accounts.models import Organisation, User
from safeshare.decisions.models import Decision
from safeshare.requests import actions
from safeshare.requests.models import InformationRequest
from safeshare.subjects.models import Person
from tests.factories import OrganisationFactory, UserFactory
from tests.factories.decisions import ITEM_TEXT, DecisionFactory
from tests.factories.disclosures import DisclosureFactory
from tests.requests.test_requests import details

pytestmark = pytest.mark.django_db


@pytest.fixture
def police() -> Organisation:
    return OrganisationFactory.create(name="Northshire Police")


@pytest.fixture
def officer(police: Organisation) -> User:
    return UserFactory.create(organisation=police, username="officer", first_name="Priya")


@pytest.fixture
def officers_colleague(police: Organisation) -> User:
    return UserFactory.create(organisation=police, username="colleague")


@pytest.fixture
def asked(officer: User, organisation: Organisation) -> InformationRequest:
    return actions.raise_request(actor=officer, to_organisation=organisation, details=details())


@pytest.fixture
def answered(
    practitioner: User, person: Person, asked: InformationRequest, officer: User
) -> Decision:
    return DecisionFactory.create(
        started_by=practitioner, subject=person, request=asked, in_system=True, finalised=True
    )


def page(client: Client, user: User, request: InformationRequest) -> str:
    client.force_login(user)
    response = client.get(reverse("requests:show", args=[request.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_before_sending_nobody_sees_the_items_and_the_responder_is_told_to_send(
    client: Client,
    practitioner: User,
    officer: User,
    asked: InformationRequest,
    answered: Decision,
) -> None:
    requester_page = page(client, officer, asked)
    assert ITEM_TEXT not in requester_page
    assert "has not been sent to anyone in your organisation yet" in requester_page
    responder_page = page(client, practitioner, asked)
    assert ITEM_TEXT not in responder_page
    assert "nothing has been sent yet" in responder_page
    assert reverse("disclosures:new", args=[answered.pk]) in responder_page


def test_only_the_named_recipient_gets_the_link_and_nobody_the_text(
    client: Client,
    practitioner: User,
    officer: User,
    officers_colleague: User,
    asked: InformationRequest,
    answered: Decision,
) -> None:
    disclosure = DisclosureFactory.create(
        decision=answered, recipient=officer, message="", expires_in_days=7
    )
    link = reverse("disclosures:show", args=[disclosure.pk])
    for user, sees_link in [(officer, True), (officers_colleague, False), (practitioner, False)]:
        content = page(client, user, asked)
        assert ITEM_TEXT not in content, user.username
        assert officer.display_name() in content  # to whom
        assert (link in content) is sees_link, user.username
        assert "New" in content  # its status
    # The link is the disclosure's own page: the read receipt and the read audit are there.
    client.force_login(officer)
    assert ITEM_TEXT in client.get(link).content.decode()
    assert "Opened" in page(client, practitioner, asked)


def test_after_revocation_or_expiry_the_recipient_has_no_link(
    client: Client,
    practitioner: User,
    officer: User,
    asked: InformationRequest,
    answered: Decision,
) -> None:
    disclosure = DisclosureFactory.create(
        decision=answered,
        recipient=officer,
        message="",
        expires_in_days=7,
        revoked=True,
        revoke_reason="Sent in error",
    )
    link = reverse("disclosures:show", args=[disclosure.pk])
    content = page(client, officer, asked)
    assert "Revoked" in content and link not in content and ITEM_TEXT not in content

    again = DisclosureFactory.create(
        decision=answered, recipient=officer, message="", expires_in_days=7
    )
    # Expiry is a time compared with now, not an event.
    later = timezone.now() + datetime.timedelta(days=9)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: later)
        content = page(client, officer, asked)
    assert "Expired" in content
    assert reverse("disclosures:show", args=[again.pk]) not in content


def test_the_requesting_side_sees_only_what_was_sent_to_its_own_organisation(
    client: Client,
    practitioner: User,
    officer: User,
    asked: InformationRequest,
    answered: Decision,
) -> None:
    elsewhere = UserFactory.create(
        organisation=OrganisationFactory.create(name="Northshire Early Help"),
        first_name="Sunita",
        last_name="Rao",
    )
    DisclosureFactory.create(decision=answered, recipient=elsewhere, message="", expires_in_days=7)
    assert "Sunita Rao" not in page(client, officer, asked)
    assert "Sunita Rao" in page(client, practitioner, asked)


def test_finalising_an_in_system_response_goes_on_to_send_it_to_the_requester(
    client: Client,
    practitioner: User,
    officer: User,
    person: Person,
    asked: InformationRequest,
) -> None:
    draft = DecisionFactory.create(
        started_by=practitioner, subject=person, request=asked, in_system=True
    )
    client.force_login(practitioner)
    response = client.post(
        reverse("decisions:check", args=[draft.pk]), {"decided_by": str(practitioner.pk)}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("disclosures:new", args=[draft.pk])
    # The organisation and then the person are those of the request.
    chooser = client.get(response["Location"]).content.decode()
    assert f'value="{officer.organisation_id}" selected' in chooser
    compose = client.get(
        reverse("disclosures:compose", args=[draft.pk, officer.organisation_id])
    ).content.decode()
    assert f'value="{officer.pk}" checked' in compose.replace("\n", " ").replace("  ", " ")


def test_the_request_page_costs_the_same_whatever_was_sent(
    client: Client,
    practitioner: User,
    officer: User,
    asked: InformationRequest,
    answered: Decision,
) -> None:
    client.force_login(officer)
    url = reverse("requests:show", args=[asked.pk])

    def queries_after_sending(count: int) -> int:
        for _ in range(count):
            DisclosureFactory.create(
                decision=answered, recipient=officer, message="", expires_in_days=7, opened=True
            )
        client.get(url)  # warm the session and the policy caches
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    assert queries_after_sending(1) == queries_after_sending(9)
