"""Every page of a decision shows its subjects' data, so each view is recorded per person."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from safeshare.accounts.models import User
from safeshare.audit.models import AccessRecord
from safeshare.subjects.models import Person
from tests.factories import PersonFactory
from tests.factories.decisions import DecisionFactory

pytestmark = pytest.mark.django_db

DRAFT_PAGES = [
    ("tasks", ()),
    ("people", ()),
    ("section", ("about",)),
    ("question", ("immediate_risk",)),
    ("outcome", ()),
    ("items", ()),
    ("item_new", ()),
    ("check", ()),
]


@pytest.mark.parametrize(("name", "args"), DRAFT_PAGES)
def test_each_draft_page_records_who_saw_whom(
    client: Client, practitioner: User, person: Person, name: str, args: tuple[str, ...]
) -> None:
    mother = PersonFactory.create(
        organisation=person.organisation, given_names="Kerry", family_name="Morgan"
    )
    decision = DecisionFactory.create(started_by=practitioner, subject=person, share=True)
    decision.subjects.add(mother)
    client.force_login(practitioner)
    before = AccessRecord.objects.count()
    assert client.get(reverse(f"decisions:{name}", args=[decision.pk, *args])).status_code == 200
    records = AccessRecord.objects.order_by("-pk")[: AccessRecord.objects.count() - before]
    assert {r.person_id for r in records} == {person.pk, mother.pk}
    assert all(r.user_id == practitioner.pk and r.object_id == str(decision.pk) for r in records)
    view = "item" if name == "item_new" else name
    assert all(r.what == f"decisions.decision.{view}" for r in records)


@pytest.mark.parametrize("name", ["show", "print"])
def test_each_record_page_records_who_saw_whom(
    client: Client, practitioner: User, person: Person, name: str
) -> None:
    decision = DecisionFactory.create(
        started_by=practitioner, subject=person, share_with_consent=True, finalised=True
    )
    client.force_login(practitioner)
    client.get(reverse(f"decisions:{name}", args=[decision.pk]))
    assert AccessRecord.objects.filter(person=person, what=f"decisions.decision.{name}").exists()


def test_the_list_of_decisions_records_each_person_listed(
    client: Client, practitioner: User, person: Person
) -> None:
    DecisionFactory.create(
        started_by=practitioner, subject=person, do_not_share=True, finalised=True
    )
    client.force_login(practitioner)
    client.get(reverse("decisions:index"))
    assert AccessRecord.objects.filter(person=person, what="decisions.decision.index").count() == 1
