from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from safeshare.accounts.models import User
from safeshare.subjects.models import Identifier, Person
from tests.factories import IdentifierFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_it_finds_a_person_by_name(client: Client, practitioner: User, person: Person) -> None:
    client.force_login(practitioner)
    response = client.post(reverse("subjects:search"), {"q": "lily morgan"})
    assert response.status_code == 200
    assert list(response.context["results"]) == [person]


def test_it_finds_a_person_by_nhs_number_with_spaces(
    client: Client, practitioner: User, person: Person
) -> None:
    IdentifierFactory.create(person=person, value="9434765919")
    client.force_login(practitioner)
    response = client.post(reverse("subjects:search"), {"q": "943 476 5919"})
    assert list(response.context["results"]) == [person]


def test_it_never_finds_another_organisations_people(
    client: Client, outsider: User, person: Person
) -> None:
    client.force_login(outsider)
    response = client.post(reverse("subjects:search"), {"q": "Lily"})
    assert list(response.context["results"]) == []


def test_it_names_the_field_when_the_search_is_empty(client: Client, practitioner: User) -> None:
    client.force_login(practitioner)
    response = client.post(reverse("subjects:search"), {"q": "  "})
    assert response.status_code == 200
    assert "Enter a name, NHS number or other identifier" in response.content.decode()
    assert 'href="#id_q"' in response.content.decode()


def test_it_does_not_put_the_search_in_the_url(client: Client, practitioner: User) -> None:
    client.force_login(practitioner)
    page = client.get(reverse("subjects:search")).content.decode()
    assert 'method="post"' in page


def test_it_shows_a_person_to_their_own_organisation(
    client: Client, practitioner: User, person: Person
) -> None:
    client.force_login(practitioner)
    response = client.get(reverse("subjects:show", args=[person.pk]))
    assert response.status_code == 200
    assert "Lily Morgan" in response.content.decode()


def test_it_hides_a_person_from_another_organisation_as_not_found(
    client: Client, outsider: User, person: Person
) -> None:
    client.force_login(outsider)
    response = client.get(reverse("subjects:show", args=[person.pk]))
    assert response.status_code == 404
    assert "Lily" not in response.content.decode()


def test_it_sends_anonymous_visitors_to_sign_in(client: Client, person: Person) -> None:
    response = client.get(reverse("subjects:show", args=[person.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign_in"))


def test_it_adds_a_person_with_a_valid_nhs_number(client: Client, practitioner: User) -> None:
    client.force_login(practitioner)
    response = client.post(
        reverse("subjects:new"),
        {
            "kind": "child",
            "given_names": "Ava",
            "family_name": "Bennett",
            "date_of_birth_0": "7",
            "date_of_birth_1": "2",
            "date_of_birth_2": "2018",
            "nhs_number": "943 476 5919",
        },
    )
    person = Person.objects.get(given_names="Ava")
    assert response.status_code == 302
    assert person.organisation == practitioner.organisation
    assert str(person.date_of_birth) == "2018-02-07"
    assert Identifier.objects.get(person=person).value == "9434765919"


def test_it_names_each_bad_field_and_writes_nothing(client: Client, practitioner: User) -> None:
    client.force_login(practitioner)
    response = client.post(
        reverse("subjects:new"),
        {
            "kind": "child",
            "given_names": "",
            "family_name": "Bennett",
            "date_of_birth_0": "31",
            "date_of_birth_1": "2",
            "date_of_birth_2": "2018",
            "nhs_number": "9434765918",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter the person&#x27;s given names" in page
    assert "Date of birth must be a real date" in page
    assert "Enter a valid NHS number" in page
    assert 'value="Bennett"' in page  # nothing typed is lost
    assert not Person.objects.exists()


def test_it_refuses_control_characters_and_escapes_markup(
    client: Client, practitioner: User
) -> None:
    client.force_login(practitioner)
    response = client.post(
        reverse("subjects:new"),
        {"kind": "child", "given_names": "<script>alert(1)</script>", "family_name": "Bad\x00name"},
    )
    page = response.content.decode()
    assert "Family name must not contain control characters" in page
    assert "<script>alert(1)</script>" not in page
    assert not Person.objects.exists()


def test_it_does_not_let_an_auditor_see_people(client: Client, person: Person) -> None:
    auditor = UserFactory.create(organisation=person.organisation, auditor=True)
    client.force_login(auditor)
    assert client.get(reverse("subjects:show", args=[person.pk])).status_code == 404
    assert client.get(reverse("subjects:search")).status_code == 403
    PersonFactory.create(organisation=person.organisation)
