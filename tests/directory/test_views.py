from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from safeshare.accounts.models import Organisation, User
from safeshare.directory.models import ContactPoint, DirectoryPractitioner, OrganisationProfile

pytestmark = pytest.mark.django_db


def test_it_names_the_field_for_a_bad_email(
    client: Client, organisation: Organisation, ig_lead: User
) -> None:
    client.force_login(ig_lead)
    url = reverse("directory:new_contact", args=[organisation.pk])
    response = client.post(url, {"kind": "secure_email", "value": "nope"})
    assert "Enter a secure email address in the correct format, like name@example.org" in (
        response.content.decode()
    )
    response = client.post(url, {"kind": "in_system"})
    assert "Select the safeshare user who receives disclosures" in response.content.decode()
    response = client.post(url, {})
    assert "Select what kind of contact point it is" in response.content.decode()
    assert not ContactPoint.objects.exists()


def test_an_ig_lead_adds_and_verifies_a_contact_point(
    client: Client, organisation: Organisation, ig_lead: User
) -> None:
    client.force_login(ig_lead)
    response = client.post(
        reverse("directory:new_contact", args=[organisation.pk]),
        {"kind": "phone", "value": "01632 960 001", "label": "Office"},
    )
    assert response.status_code == 302
    contact = ContactPoint.objects.get()
    assert contact.value == "01632960001" and not contact.is_verified
    page = client.get(reverse("directory:organisation", args=[organisation.pk])).content.decode()
    assert "01632 960 001" in page and "Not verified" in page
    url = reverse("directory:verify_contact", args=[contact.pk])
    assert "Confirm that you have checked" in client.post(url, {}).content.decode()
    assert client.post(url, {"confirm": "on"}).status_code == 302
    contact.refresh_from_db()
    assert contact.verified_by == ig_lead


def test_an_ig_lead_adds_and_changes_a_practitioner(
    client: Client, organisation: Organisation, ig_lead: User
) -> None:
    client.force_login(ig_lead)
    response = client.post(
        reverse("directory:new_practitioner", args=[organisation.pk]),
        {"name": "", "job_title": "", "phone": "123"},
    )
    body = response.content.decode()
    assert "Enter the practitioner’s full name" in body and "Enter a UK phone number" in body
    client.post(
        reverse("directory:new_practitioner", args=[organisation.pk]),
        {"name": "Peter Walsh", "job_title": "DSL", "checked": "on"},
    )
    person = DirectoryPractitioner.objects.get()
    assert person.is_verified
    client.post(
        reverse("directory:edit_practitioner", args=[person.pk]),
        {"name": "Peter Walsh", "job_title": "DSL", "secure_email": "p@example.org"},
    )
    person.refresh_from_db()
    assert person.secure_email == "p@example.org" and not person.active and not person.is_verified


def test_an_ig_lead_changes_the_organisation_details(
    client: Client, organisation: Organisation, ig_lead: User
) -> None:
    client.force_login(ig_lead)
    url = reverse("directory:edit_profile", args=[organisation.pk])
    response = client.post(url, {"address": "1 Road", "main_phone": "999"})
    assert "Enter the main phone number as a UK number" in response.content.decode()
    client.post(url, {"address": "1 Road", "main_phone": "020 7946 0000"})
    assert OrganisationProfile.objects.get().main_phone == "02079460000"
    assert "020 7946 0000" in client.get(reverse("directory:index")).content.decode()
