"""The consent register's pages: recording with errors that name the field, a draft
choosing its consent, the flag on a draft whose consent was withdrawn, the withdrawal's
confirmation with its prompt, reads recorded, and "Consents to review" in "Your tasks"."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from safeshare.accounts.models import User
from safeshare.audit.models import AccessRecord
from safeshare.consent import actions
from safeshare.consent.models import ConsentEntry, Reliance
from safeshare.decisions.models import Decision
from safeshare.site.tasks import tasks_for
from safeshare.subjects.models import Person
from tests.consent.conftest import record

pytestmark = pytest.mark.django_db


def test_recording_names_the_missing_fields_and_records_nothing(
    client: Client, practitioner: User, person: Person
) -> None:
    client.force_login(practitioner)
    page = client.post(reverse("consent:new", args=[person.pk]), {})
    html = page.content.decode()
    assert page.status_code == 200
    for message in (
        "Select whether consent was given or refused",
        "Select who gave or refused consent",
        "Enter what they agreed to or refused",
        "Enter who it may be shared with",
        "Select how consent was obtained",
    ):
        assert message in html
    assert not ConsentEntry.objects.exists()


def test_parental_responsibility_without_a_name_is_an_error_on_that_field(
    client: Client, practitioner: User, person: Person, draft_with_consent: Decision
) -> None:
    client.force_login(practitioner)
    today = datetime.date.today()
    page = client.post(
        reverse("consent:new", args=[person.pk]),
        {
            "status": "given",
            "given_by_kind": "parental_responsibility",
            "purpose": draft_with_consent.purpose_category_id,
            "scope": "Attendance",
            "recipients": "Early help",
            "method": "phone",
            "obtained_on_0": today.day,
            "obtained_on_1": today.month,
            "obtained_on_2": today.year,
        },
    )
    assert "Enter the name and relationship of the person with parental responsibility" in (
        page.content.decode()
    )
    assert 'href="#id_given_by_name"' in page.content.decode()


def test_a_draft_chooses_its_consent_and_is_flagged_when_it_is_withdrawn(
    client: Client, practitioner: User, person: Person, draft_with_consent: Decision
) -> None:
    entry = record(practitioner, person, purpose=draft_with_consent.purpose_category)
    client.force_login(practitioner)
    choose = reverse("consent:choose", args=[draft_with_consent.pk])
    assert "Select the consent" in client.post(choose, {"entry": "nonsense"}).content.decode()
    page = client.post(choose, {"entry": str(entry.pk)})
    assert page.status_code == 302
    assert Reliance.objects.filter(entry=entry, decision=draft_with_consent).exists()
    tasks = client.get(reverse("decisions:tasks", args=[draft_with_consent.pk])).content.decode()
    assert "This draft relies on consent from the register" in tasks
    actions.withdraw_entry(
        actor=practitioner,
        entry=entry,
        by_kind="person",
        withdrawn_on=datetime.date.today(),
        method="letter",
        reason="Asked us to stop",
    )
    tasks = client.get(reverse("decisions:tasks", args=[draft_with_consent.pk])).content.decode()
    assert "The consent this draft relies on is withdrawn" in tasks
    done = client.get(reverse("consent:withdrawn", args=[person.pk, entry.pk])).content.decode()
    assert "whether a lawful basis without consent applies" in done
    assert "Consent withdrawn" in done


def test_each_page_that_shows_the_person_records_the_read(
    client: Client, practitioner: User, person: Person, entry: ConsentEntry
) -> None:
    client.force_login(practitioner)
    before = AccessRecord.objects.count()
    client.get(reverse("consent:register", args=[person.pk]))
    client.get(reverse("consent:show", args=[person.pk, entry.pk]))
    assert AccessRecord.objects.count() == before + 2


def test_an_entry_under_another_person_is_not_found(
    client: Client, practitioner: User, person: Person, entry: ConsentEntry
) -> None:
    other = Person.objects.create(
        organisation=person.organisation, given_names="Sam", family_name="Lee"
    )
    client.force_login(practitioner)
    assert client.get(reverse("consent:show", args=[other.pk, entry.pk])).status_code == 404


def test_consents_to_review_is_a_task_of_the_recorder(practitioner: User, person: Person) -> None:
    today = datetime.date.today()
    record(practitioner, person, obtained_on=today - datetime.timedelta(days=30), review_on=today)
    counts = {task.text: task.count for task in tasks_for(practitioner)}
    assert counts["Consents to review"] == 1


def test_the_header_links_to_consents_to_review_only_while_some_are_due(
    client: Client, practitioner: User, person: Person
) -> None:
    client.force_login(practitioner)
    assert "Consents to review (" not in client.get(reverse("site:home")).content.decode()
    today = datetime.date.today()
    record(practitioner, person, obtained_on=today - datetime.timedelta(days=30), review_on=today)
    page = client.get(reverse("site:home")).content.decode()
    assert "Consents to review (1)" in page
    assert f'href="{reverse("consent:due")}"' in page
