from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import transaction

from safeshare.accounts.models import User
from safeshare.ledger import merkle, queries
from safeshare.ledger.actions import InvalidEntry, NotInTransaction, append_entry
from safeshare.ledger.bundle import leaf_bytes
from safeshare.ledger.digest import record_digest
from safeshare.ledger.models import Entry, Node, node_key
from safeshare.subjects.models import Person
from tests.factories import IdentifierFactory

pytestmark = pytest.mark.django_db


@pytest.mark.django_db(transaction=True)  # the db fixture's own transaction would hide it
def test_it_refuses_to_append_outside_a_transaction(practitioner: User, person: Person) -> None:
    with pytest.raises(NotInTransaction, match=r"inside the caller's transaction\.atomic"):
        append_entry(
            event_type="subjects.person.added",
            actor=practitioner,
            organisation=practitioner.organisation,
            obj=person,
        )
    assert not Entry.objects.exists()


@pytest.mark.parametrize(
    "event_type", ["person.added", "Subjects.person.added", "subjects..added", "a.b.c1", ""]
)
def test_it_refuses_an_event_type_that_is_not_namespaced(
    practitioner: User, person: Person, event_type: str
) -> None:
    with transaction.atomic(), pytest.raises(InvalidEntry, match="namespaced"):
        append_entry(event_type=event_type, actor=practitioner, organisation=None, obj=person)


def test_it_refuses_a_record_of_a_type_the_coverage_rules_do_not_list(
    practitioner: User, person: Person
) -> None:
    """Every kind of record entries are about is listed in ledger/coverage.py, saying
    whether each must have an entry, so verify's check the other way round is complete."""
    identifier = IdentifierFactory.create(person=person)
    with (
        transaction.atomic(),
        pytest.raises(InvalidEntry, match=r"no rule for records of type subjects\.identifier"),
    ):
        append_entry(
            event_type="subjects.identifier.added",
            actor=practitioner,
            organisation=None,
            obj=identifier,
        )
    assert not Entry.objects.exists()


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({f"k{i}": i for i in range(21)}, "at most 20"),
        ({"note": "x" * 201}, "at most 200"),
        ({"nested": {"a": 1}}, "not dict"),
        ({"ratio": 0.5}, "not float"),
        ({"Bad Key": 1}, "short lower-case identifier"),
        ({"big": 2**60}, "too large"),
    ],
)
def test_it_refuses_a_payload_that_is_not_short_scalars(
    practitioner: User, person: Person, payload: dict[str, object], message: str
) -> None:
    with transaction.atomic(), pytest.raises(InvalidEntry, match=message):
        append_entry(
            event_type="subjects.person.added",
            actor=practitioner,
            organisation=None,
            obj=person,
            payload=payload,  # type: ignore[arg-type]
        )


def test_it_records_who_what_and_the_records_digest(practitioner: User, person: Person) -> None:
    with transaction.atomic():
        entry = append_entry(
            event_type="subjects.person.added",
            actor=practitioner,
            organisation=practitioner.organisation,
            obj=person,
            payload={"kind": "child", "identifiers": 0, "urgent": False, "reference": None},
        )
    stored = Entry.objects.get(uuid=entry.uuid)
    assert stored.sequence == 0
    assert stored.actor == practitioner
    assert stored.organisation == practitioner.organisation
    assert (stored.object_type, stored.object_id) == ("subjects.person", str(person.pk))
    assert stored.record_digest == record_digest(person)
    assert stored.payload == {"kind": "child", "identifiers": 0, "urgent": False, "reference": None}
    assert bytes(stored.leaf_hash) == merkle.leaf_hash(leaf_bytes(queries.leaf_fields(stored)))
    assert bytes(stored.leaf_hash) == entry.leaf_hash


def test_it_numbers_entries_from_zero_without_gaps(append: Callable[..., Entry]) -> None:
    entries = [append() for _ in range(5)]
    assert [e.sequence for e in entries] == [0, 1, 2, 3, 4]
    stored = Entry.objects.order_by("sequence").values_list("sequence", flat=True)
    assert list(stored) == [0, 1, 2, 3, 4]


def test_it_stores_every_interior_node_and_the_rfc_9162_root(
    append: Callable[..., Entry],
) -> None:
    leaves = [bytes(append().leaf_hash) for _ in range(13)]
    # Every complete perfect subtree above the leaves, exactly once.
    expected = {}
    for level in range(1, 4):
        width = 1 << level
        for index in range(13 // width):
            expected[node_key(level, index)] = merkle.tree_root(
                leaves[index * width : (index + 1) * width]
            )
    stored = {key: bytes(h) for key, h in Node.objects.values_list("key", "hash")}
    assert stored == expected
    assert queries.root_at(13) == merkle.tree_root(leaves)
    assert queries.root_at(6) == merkle.tree_root(leaves[:6])


def test_it_rolls_back_with_the_change_it_records(practitioner: User, person: Person) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        append_entry(
            event_type="subjects.person.added", actor=practitioner, organisation=None, obj=person
        )
        raise RuntimeError("the caller's change failed")
    assert not Entry.objects.exists()
    assert not Node.objects.exists()


def test_it_proves_inclusion_and_consistency_from_the_node_store(
    append: Callable[..., Entry],
) -> None:
    leaves = [bytes(append().leaf_hash) for _ in range(11)]
    for index in (0, 5, 10):
        assert queries.inclusion_proof(index, 11) == merkle.inclusion_proof(leaves, index)
    for old in (1, 4, 7, 11):
        assert queries.consistency_proof(old, 11) == merkle.consistency_proof(leaves, old)
