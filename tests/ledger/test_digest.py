from __future__ import annotations

import datetime
import hashlib
import json
import uuid

import pytest
from django.contrib.auth.models import Group

from safeshare.accounts.models import Organisation, User
from safeshare.ledger.digest import canonical_value, record_digest, record_digests

pytestmark = pytest.mark.django_db

ORGANISATION_ID = uuid.UUID("6f1c2d3e-4b5a-4c6d-8e7f-901a2b3c4d5e")
CREATED = datetime.datetime(2026, 11, 21, 9, 30, 0, 123456, tzinfo=datetime.UTC)
# The same on SQLite and PostgreSQL: the suite runs on both (make test).
EXPECTED_CONTENT = (
    '{"fields":{"created_at":"2026-11-21T09:30:00.123456Z",'
    '"id":"6f1c2d3e-4b5a-4c6d-8e7f-901a2b3c4d5e","kind":"school",'
    '"name":"Riverside Primary School – “Annexe”"},"many_to_many":{},'
    '"model":"accounts.organisation"}'
)


@pytest.fixture
def organisation_row() -> Organisation:
    organisation = Organisation.objects.create(
        id=ORGANISATION_ID, name="Riverside Primary School – “Annexe”", kind="school"
    )
    Organisation.objects.filter(pk=ORGANISATION_ID).update(created_at=CREATED)
    return organisation


def test_the_digest_is_sha256_of_canonical_utf8_json(organisation_row: Organisation) -> None:
    expected = hashlib.sha256(EXPECTED_CONTENT.encode("utf-8")).hexdigest()
    assert record_digest(organisation_row) == expected


def test_the_digest_reads_the_stored_row_not_the_instance(
    organisation_row: Organisation,
) -> None:
    before = record_digest(organisation_row)
    organisation_row.name = "Changed in memory only"
    assert record_digest(organisation_row) == before


def test_many_to_many_ids_are_sorted_into_the_digest(practitioner: User) -> None:
    groups = [Group.objects.create(name=f"group {i}") for i in range(3)]
    before = record_digest(practitioner)
    practitioner.groups.add(groups[2], groups[0])
    with_groups = record_digest(practitioner)
    assert with_groups != before
    practitioner.groups.set([groups[0], groups[2]])
    assert record_digest(practitioner) == with_groups
    assert record_digests(User, [practitioner.pk]) == {str(practitioner.pk): with_groups}


@pytest.mark.parametrize(
    ("value", "canonical"),
    [
        (
            datetime.datetime(
                2026, 1, 2, 3, 4, 5, tzinfo=datetime.timezone(datetime.timedelta(hours=1))
            ),
            "2026-01-02T02:04:05.000000Z",
        ),
        (datetime.date(2026, 1, 2), "2026-01-02"),
        (uuid.UUID(int=1), "00000000-0000-0000-0000-000000000001"),
        (b"\x00\xff", "AP8="),
        ({"b": [1, None]}, {"b": [1, None]}),
    ],
)
def test_values_have_one_canonical_form(value: object, canonical: object) -> None:
    assert canonical_value(value) == canonical
    json.dumps(canonical_value(value))
