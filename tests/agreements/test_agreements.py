from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, override_settings
from django.urls import reverse

from safeshare.accounts.models import Organisation, User
from safeshare.agreements import actions
from safeshare.agreements.models import Agreement
from safeshare.agreements.queries import agreements_list, covering
from safeshare.ledger.models import Entry
from safeshare.vocabulary.models import Purpose
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def ig_lead(organisation: Organisation) -> User:
    return UserFactory.create(organisation=organisation, username="ig", ig_lead=True)


def add(actor: User, owner: Organisation, parties: list[Organisation], **kw: Any) -> Agreement:
    values: dict[str, Any] = {
        "title": "Agreement",
        "purposes": [Purpose.objects.get(name="Early help assessment")],
        "categories": ["education"],
        "lawful_bases": ["art6-e-public-task"],
        "start_on": D(2026, 1, 1),
        "review_on": D(2027, 1, 1),
        "document_reference": "ISA/1",
    }
    values.update(kw)
    return actions.add_agreement(actor=actor, owner=owner, parties=parties, **values)


def test_covering_needs_both_parties_the_purpose_and_the_dates(
    organisation: Organisation, other_organisation: Organisation, ig_lead: User
) -> None:
    third = OrganisationFactory.create(name="Third")
    early_help = Purpose.objects.get(name="Early help assessment")
    other_purpose = Purpose.objects.get(name="Strategy discussion or meeting")
    agreement = add(ig_lead, organisation, [other_organisation], end_on=D(2026, 12, 31))
    assert covering(organisation, other_organisation, early_help, D(2026, 6, 1)) == [agreement]
    assert covering(other_organisation, organisation, early_help, D(2026, 1, 1)) == [agreement]
    assert covering(organisation, other_organisation, early_help, D(2026, 12, 31)) == [agreement]
    assert covering(organisation, other_organisation, early_help, D(2025, 12, 31)) == []
    assert covering(organisation, other_organisation, early_help, D(2027, 1, 1)) == []
    assert covering(organisation, other_organisation, other_purpose, D(2026, 6, 1)) == []
    assert covering(organisation, third, early_help, D(2026, 6, 1)) == []


def test_an_agreement_is_recorded_in_the_ledger_with_the_holder_as_a_party(
    organisation: Organisation, other_organisation: Organisation, ig_lead: User
) -> None:
    agreement = add(ig_lead, organisation, [other_organisation])
    assert set(agreement.parties.all()) == {organisation, other_organisation}
    assert Entry.objects.get(event_type="agreements.agreement.added").object_id == str(agreement.pk)


def test_it_refuses_an_unknown_lawful_basis(
    organisation: Organisation, other_organisation: Organisation, ig_lead: User
) -> None:
    with pytest.raises(actions.AgreementError, match="Unknown lawful basis: made-up"):
        add(ig_lead, organisation, [other_organisation], lawful_bases=["made-up"])


def test_only_the_holders_ig_lead_or_an_administrator_changes_it(
    organisation: Organisation, other_organisation: Organisation, ig_lead: User
) -> None:
    other_ig = UserFactory.create(organisation=other_organisation, ig_lead=True)
    agreement = add(ig_lead, organisation, [other_organisation])
    with pytest.raises(PermissionDenied):
        actions.change_agreement(
            actor=other_ig,
            agreement=agreement,
            title="Taken over",
            parties=[],
            purposes=[],
            categories=[],
            lawful_bases=[],
            start_on=D(2026, 1, 1),
            review_on=D(2027, 1, 1),
        )
    with pytest.raises(PermissionDenied):
        add(other_ig, organisation, [other_organisation])


@override_settings(SAFESHARE_AGREEMENT_REVIEW_WARNING_DAYS=30)
def test_agreements_due_for_review_come_first(
    organisation: Organisation, other_organisation: Organisation, ig_lead: User
) -> None:
    today = D(2026, 11, 20)
    later = add(
        ig_lead, organisation, [other_organisation], title="A later", review_on=D(2027, 6, 1)
    )
    soon = add(
        ig_lead, organisation, [other_organisation], title="B soon", review_on=D(2026, 12, 20)
    )
    overdue = add(
        ig_lead, organisation, [other_organisation], title="C overdue", review_on=D(2026, 11, 1)
    )
    ended = add(
        ig_lead,
        organisation,
        [other_organisation],
        title="D ended",
        review_on=D(2026, 1, 2),
        end_on=D(2026, 6, 1),
    )
    rows = agreements_list(ig_lead, today)
    assert [r.agreement for r in rows] == [overdue, soon, later, ended]
    assert [r.review_due for r in rows] == [True, True, False, False]


def test_a_party_sees_it_and_an_outsider_gets_404(
    client: Client, organisation: Organisation, other_organisation: Organisation, ig_lead: User
) -> None:
    agreement = add(ig_lead, organisation, [other_organisation], title="Shared with police")
    police = UserFactory.create(organisation=other_organisation)
    stranger = UserFactory.create(organisation=OrganisationFactory.create(name="Stranger"))
    client.force_login(police)
    url = reverse("agreements:show", args=[agreement.pk])
    assert "Shared with police" in client.get(url).content.decode()
    assert "Shared with police" in client.get(reverse("agreements:index")).content.decode()
    client.force_login(stranger)
    assert client.get(url).status_code == 404
    assert "Shared with police" not in client.get(reverse("agreements:index")).content.decode()


def test_the_form_names_each_problem(client: Client, ig_lead: User) -> None:
    client.force_login(ig_lead)
    response = client.post(
        reverse("agreements:new"),
        {
            "document_url": "http://example.org/isa",
            "start_on_0": "1",
            "start_on_1": "4",
            "start_on_2": "2026",
            "end_on_0": "1",
            "end_on_1": "3",
            "end_on_2": "2026",
            "lawful_bases": ["made-up"],
        },
    )
    body = response.content.decode()
    for message in [
        "Enter the title of the agreement",
        "Select the other organisations that are party to the agreement",
        "Select the purposes the agreement covers",
        "Select the categories of information the agreement covers",
        "Select the lawful bases the agreement relies on",
        "Enter review date",
        "End date must be the same as or after the start date",
        "Enter a link that starts with https://",
    ]:
        assert message in body, message
    assert not Agreement.objects.exists()


def test_an_ig_lead_adds_and_changes_an_agreement(
    client: Client, other_organisation: Organisation, ig_lead: User
) -> None:
    client.force_login(ig_lead)
    purpose = Purpose.objects.get(name="Early help assessment")
    data = {
        "title": "Riverside and police",
        "parties": [str(other_organisation.pk)],
        "purposes": [str(purpose.pk)],
        "categories": ["education", "health"],
        "lawful_bases": ["art6-e-public-task", "ca2004-s11"],
        "start_on_0": "1",
        "start_on_1": "4",
        "start_on_2": "2026",
        "review_on_0": "1",
        "review_on_1": "4",
        "review_on_2": "2027",
        "document_url": "https://documents.example.org/isa-12",
    }
    response = client.post(reverse("agreements:new"), data)
    assert response.status_code == 302, response.content.decode()
    agreement = Agreement.objects.get()
    assert agreement.lawful_bases == ["art6-e-public-task", "ca2004-s11"]
    page = client.get(reverse("agreements:show", args=[agreement.pk])).content.decode()
    assert "Children Act 2004" in page or "section 11" in page.lower()
    data["title"] = "Renamed"
    response = client.post(reverse("agreements:edit", args=[agreement.pk]), data)
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.title == "Renamed"
    assert Entry.objects.filter(object_id=str(agreement.pk)).count() == 2
