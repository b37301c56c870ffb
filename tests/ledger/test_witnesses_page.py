"""The witnesses page: each witness's latest cosignature, the refusals and failures newest
first, and a warning (with the header's count) while a witness's latest answer is a
refusal. The service's administrators only."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safeshare.accounts.models import Organisation, User
from tests.factories import UserFactory
from tests.factories.witnesses import CosignatureFactory, WitnessFactory, WitnessFailureFactory

pytestmark = pytest.mark.django_db

WARNING = "Check the ledger has not been restored from a backup"


@pytest.fixture
def administrator(organisation: Organisation) -> User:
    return UserFactory.create(organisation=organisation, administrator=True)


def _page(client: Client, query: str = "") -> str:
    response = client.get(reverse("ledger:witnesses") + query)
    assert response.status_code == 200
    return response.content.decode()


def test_it_shows_each_witness_with_its_latest_cosignature(
    client: Client, administrator: User
) -> None:
    cosigning = WitnessFactory.create(name="armored-witness.example.org", cosigned=True)
    CosignatureFactory.create(witness=cosigning, size=12, received_at=timezone.now())
    WitnessFactory.create(name="new-witness.example.org", url="https://new.example.org/w")
    client.force_login(administrator)
    page = _page(client)
    assert "armored-witness.example.org" in page and "Checkpoint 12," in page
    assert "Checkpoint 10," not in page
    assert "new-witness.example.org" in page and "https://new.example.org/w" in page
    assert "Not cosigned yet" in page
    assert WARNING not in page and "govuk-warning-text" not in page
    assert "No witness has refused a checkpoint or failed to answer." in page
    assert "Witness refusals" not in page


def test_it_warns_of_a_refusal_after_the_last_cosignature(
    client: Client, administrator: User
) -> None:
    WitnessFactory.create(name="armored-witness.example.org", cosigned=True, failed=True)
    client.force_login(administrator)
    page = _page(client)
    assert (
        "armored-witness.example.org refused checkpoint 8: "
        "checkpoint is older than the one last cosigned. " + WARNING
    ) in page
    assert "HTTP 409" in page
    home = client.get(reverse("site:home")).content.decode()
    assert "Witness refusals (1)" in home and reverse("ledger:witnesses") in home


def test_a_refusal_followed_by_a_cosignature_is_listed_without_a_warning(
    client: Client, administrator: User
) -> None:
    witness = WitnessFactory.create(name="armored-witness.example.org", failed=True)
    CosignatureFactory.create(witness=witness, size=11, received_at=timezone.now())
    client.force_login(administrator)
    page = _page(client)
    assert "HTTP 409" in page and "Checkpoint 11," in page
    assert WARNING not in page
    assert "Witness refusals" not in client.get(reverse("site:home")).content.decode()


def test_a_witness_that_did_not_answer_is_shown_as_no_answer(
    client: Client, administrator: User
) -> None:
    witness = WitnessFactory.create(name="far-witness.example.org")
    WitnessFailureFactory.create(witness=witness, no_answer=True, size=5, old_size=0)
    client.force_login(administrator)
    page = _page(client)
    assert "No answer" in page and "HTTP" not in page
    assert "far-witness.example.org did not answer when sent checkpoint 5: timed out." in page
    assert "Witness refusals (1)" in page


def test_the_header_counts_witnesses_not_failures(client: Client, administrator: User) -> None:
    first = WitnessFactory.create(cosigned=True, failed=True)
    WitnessFailureFactory.create(witness=first, size=9, time=timezone.now())
    WitnessFactory.create(failed=True)
    WitnessFactory.create(cosigned=True)
    client.force_login(administrator)
    assert "Witness refusals (2)" in client.get(reverse("site:home")).content.decode()


def test_refusals_are_newest_first_25_a_page(client: Client, administrator: User) -> None:
    witness = WitnessFactory.create(name="armored-witness.example.org")
    start = timezone.now() - datetime.timedelta(hours=1)
    for size in range(1, 31):
        WitnessFailureFactory.create(
            witness=witness,
            size=size,
            old_size=100,
            detail=f"refusal number {size}.",
            time=start + datetime.timedelta(minutes=size),
        )
    client.force_login(administrator)
    first = _page(client)
    assert first.count("refusal number ") == 25 + 1  # the rows, and the warning
    assert first.index("refusal number 30.") < first.index("refusal number 29.")
    assert "refusal number 5." not in first
    assert "armored-witness.example.org refused checkpoint 30" in first
    response = client.get(reverse("ledger:witnesses"))
    link = response.content.decode().split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0]
    second = _page(client, link.replace("&amp;", "&").split("#")[0])
    assert [f"refusal number {n}." in second for n in range(1, 6)] == [True] * 5
    assert "refusal number 6." not in second


@pytest.mark.parametrize("role", ["practitioner", "manager", "ig_lead", "auditor"])
def test_it_refuses_anyone_but_an_administrator(
    client: Client, organisation: Organisation, role: str
) -> None:
    WitnessFactory.create(cosigned=True, failed=True)
    traits = {} if role == "practitioner" else {role: True}
    client.force_login(UserFactory.create(organisation=organisation, **traits))
    assert client.get(reverse("ledger:witnesses")).status_code == 403
    assert "Witness refusals" not in client.get(reverse("site:home")).content.decode()


def test_it_refuses_another_organisations_practitioner(
    client: Client, other_organisation: Organisation
) -> None:
    WitnessFactory.create(cosigned=True, failed=True)
    client.force_login(UserFactory.create(organisation=other_organisation))
    assert client.get(reverse("ledger:witnesses")).status_code == 403


def test_another_organisations_administrator_sees_the_same_witnesses(
    client: Client, other_organisation: Organisation
) -> None:
    """The ledger, and so its witnesses, are the deployment's: not one organisation's."""
    WitnessFactory.create(name="armored-witness.example.org", cosigned=True, failed=True)
    client.force_login(UserFactory.create(organisation=other_organisation, administrator=True))
    assert "armored-witness.example.org refused checkpoint 8" in _page(client)


def test_it_sends_an_anonymous_visitor_to_sign_in(client: Client) -> None:
    response = client.get(reverse("ledger:witnesses"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign_in"))
