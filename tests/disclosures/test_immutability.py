"""A sent disclosure, its items, receipts and revocation never change: the models refuse,
and the database refuses an UPDATE or DELETE that goes round them (querysets, raw SQL)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from safeshare.accounts.models import Organisation, User
from safeshare.decisions.models import Decision
from safeshare.disclosures.models import (
    DisclosedItem,
    Disclosure,
    ImmutableDisclosureError,
    Receipt,
    Revocation,
)
from safeshare.subjects.models import Person
from tests.factories.decisions import DecisionFactory
from tests.factories.disclosures import DisclosureFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("guards")]


@pytest.fixture
def rows(decision: Decision, recipient: User) -> dict[str, Any]:
    disclosure = DisclosureFactory.create(
        decision=decision,
        recipient=recipient,
        acknowledged=True,
        revoked=True,
        revoke_reason="Sent in error",
    )
    return {
        "disclosure": Disclosure.objects.get(pk=disclosure.pk),
        "item": DisclosedItem.objects.get(disclosure=disclosure),
        "receipt": Receipt.objects.filter(disclosure=disclosure).first(),
        "revocation": Revocation.objects.get(disclosure=disclosure),
    }


# Each table with a text or date column to try to change.
CHANGES: dict[str, tuple[type[models.Model], str, Any]] = {
    "disclosure": (Disclosure, "message", "edited"),
    "item": (DisclosedItem, "position", 9),
    "receipt": (Receipt, "at", datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)),
    "revocation": (Revocation, "reason", "edited"),
}


@pytest.mark.parametrize("name", list(CHANGES))
def test_through_the_model(rows: dict[str, Any], name: str) -> None:
    row = rows[name]
    _model, field, value = CHANGES[name]
    setattr(row, field, value)
    with pytest.raises(ImmutableDisclosureError):
        row.save()
    with pytest.raises(ImmutableDisclosureError):
        row.delete()


@pytest.mark.parametrize("name", list(CHANGES))
def test_through_a_queryset_update_or_delete(rows: dict[str, Any], name: str) -> None:
    model, field, value = CHANGES[name]
    found = model._default_manager.filter(pk=rows[name].pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        found.update(**{field: value})
    with pytest.raises(IntegrityError), transaction.atomic():
        found.delete()
    assert getattr(found.get(), field) == getattr(rows[name], field)


@pytest.mark.parametrize("name", list(CHANGES))
def test_through_raw_sql(rows: dict[str, Any], name: str) -> None:
    model, _field, _value = CHANGES[name]
    table = model._meta.db_table
    pk = rows[name].pk
    key = pk.hex if connection.vendor == "sqlite" and hasattr(pk, "hex") else pk
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [key])
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET id = id WHERE id = %s", [key])
    assert model._default_manager.filter(pk=pk).exists()


def test_no_item_is_added_to_a_sent_disclosure(
    disclosure: Disclosure, practitioner: User, person: Person, decision: Decision
) -> None:
    # Another item of the same decision is not there to add (a finalised decision's items
    # are fixed too); try one of another decision, and the same item again.
    other = DecisionFactory.create(
        started_by=practitioner, subject=person, share=True, finalised=True
    ).items.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        DisclosedItem.objects.create(disclosure=disclosure, item=other, position=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        DisclosedItem.objects.create(disclosure=disclosure, item=decision.items.get(), position=2)
    assert disclosure.disclosed_items.count() == 1


def test_no_more_items_than_were_counted_even_in_the_sending_transaction(
    practitioner: User, person: Person, recipient: User, recipient_organisation: Organisation
) -> None:
    """The database itself holds a disclosure to its item count, and to its decision's items."""
    decision = DecisionFactory.create(
        started_by=practitioner, subject=person, share=True, finalised=True
    )
    other = DecisionFactory.create(
        started_by=practitioner, subject=person, share=True, finalised=True
    ).items.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        disclosure = Disclosure.objects.create(
            reference="DIS-TEST0001",
            decision=decision,
            organisation=decision.organisation,
            sent_by=practitioner,
            recipient=recipient,
            recipient_organisation=recipient_organisation,
            item_count=1,
            expires_at=timezone.now() + datetime.timedelta(days=1),
        )
        DisclosedItem.objects.create(disclosure=disclosure, item=other, position=1)
    assert not Disclosure.objects.filter(reference="DIS-TEST0001").exists()


def test_the_decision_it_was_sent_from_cannot_be_deleted(
    disclosure: Disclosure, decision: Decision
) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.filter(pk=decision.pk).delete()


def test_a_second_revocation_or_receipt_of_a_kind_is_refused(
    rows: dict[str, Any], recipient: User, practitioner: User
) -> None:
    disclosure = rows["disclosure"]
    with pytest.raises(IntegrityError), transaction.atomic():
        Revocation.objects.create(disclosure=disclosure, by=practitioner, reason="again")
    with pytest.raises(IntegrityError), transaction.atomic():
        Receipt.objects.create(disclosure=disclosure, kind=Receipt.Kind.OPENED, by=recipient)


def test_checks_hold_in_the_database(
    send: Callable[..., Disclosure], practitioner: User, recipient: User, decision: Decision
) -> None:
    now = timezone.now()
    for values in ({"item_count": 0}, {"expires_at": now - datetime.timedelta(seconds=1)}):
        fields: dict[str, Any] = {
            "reference": "DIS-TEST0002",
            "decision": decision,
            "organisation": decision.organisation,
            "sent_by": practitioner,
            "recipient": recipient,
            "recipient_organisation": recipient.organisation,
            "item_count": 1,
            "sent_at": now,
            "expires_at": now + datetime.timedelta(days=1),
        }
        fields.update(values)
        with pytest.raises(IntegrityError), transaction.atomic():
            Disclosure.objects.create(**fields)
