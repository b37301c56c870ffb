from __future__ import annotations

import datetime
import hashlib
import json
import uuid
from io import StringIO
from types import SimpleNamespace
from typing import Any

import django.db.backends.sqlite3.base  # noqa: F401 — before operations, which it imports
import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.sqlite3.operations import DatabaseOperations as SQLiteOperations
from hypothesis import given, settings
from hypothesis import strategies as st

from safeshare.accounts.models import Organisation, User
from safeshare.ledger import digest
from safeshare.ledger.digest import canonical_value, record_digest, record_digests

pytestmark = pytest.mark.django_db

ORGANISATION_ID = uuid.UUID("6f1c2d3e-4b5a-4c6d-8e7f-901a2b3c4d5e")
CREATED = datetime.datetime(2026, 11, 21, 9, 30, 0, 123456, tzinfo=datetime.UTC)
# The same on SQLite and PostgreSQL: the suite runs on both (make test).
EXPECTED_CONTENT = (
    '{"fields":{"created_at":"2026-11-21T09:30:00.123456Z",'
    '"id":"6f1c2d3e-4b5a-4c6d-8e7f-901a2b3c4d5e","kind":"school",'
    '"name":"Riverside Primary School – “Annexe”","public_authority":true},"many_to_many":{},'
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


def test_every_models_stored_rows_read_as_the_orms_values_do() -> None:
    """The digest's column readers (with their SQLite shortcuts) give, for every row of
    every model the demo partnership fills, what values() gives made canonical."""
    call_command("demo", "--if-empty", stdout=StringIO())
    db = connections[DEFAULT_DB_ALIAS]
    checked = 0
    for model in apps.get_models():
        plan = digest._plan(model, db)
        pks = list(model._base_manager.order_by("pk").values_list("pk", flat=True)[:200])
        if not pks:
            continue
        rows = digest._read_rows(plan, pks, db)
        attnames = [field.attname for field in model._meta.concrete_fields]
        for values in model._base_manager.filter(pk__in=pks).values(*attnames):
            expected = {name: canonical_value(values[name]) for name in plan.names}
            assert rows[digest.object_id(values[model._meta.pk.attname])] == expected, model
            checked += 1
    assert checked > 100


_SQLITE = SQLiteOperations(SimpleNamespace(timezone=datetime.UTC))  # type: ignore[arg-type]
_CONVERTERS = {
    "uuid": _SQLITE.convert_uuidfield_value,
    "datetime": _SQLITE.convert_datetimefield_value,
    "date": _SQLITE.convert_datefield_value,
    "boolean": _SQLITE.convert_booleanfield_value,
}
_STORED = st.one_of(
    st.none(),
    st.uuids().map(lambda u: u.hex),
    st.uuids().map(lambda u: u.hex.upper()),
    st.uuids().map(str),
    st.datetimes(),
    st.datetimes(timezones=st.timezones()),
    st.datetimes().map(str),
    st.dates(),
    st.dates().map(str),
    st.integers(min_value=-1, max_value=2),
    st.booleans(),
)


@settings(max_examples=400, deadline=None)
@given(kind=st.sampled_from(sorted(_CONVERTERS)), stored=_STORED)
def test_sqlite_shortcuts_agree_with_the_converters(kind: str, stored: object) -> None:
    converters = (_CONVERTERS[kind],)
    fake_db: Any = SimpleNamespace(timezone=datetime.UTC)
    fast = digest._reader(None, converters, fake_db, True)
    slow = digest._slow_reader(None, converters, fake_db)
    assert fast is not slow, "every kind here has a shortcut"
    try:
        expected = slow(stored)
    except (TypeError, ValueError, AttributeError) as exc:
        with pytest.raises(type(exc)):
            fast(stored)
        return
    # As JSON, so that True and 1 (equal in Python) count as different.
    assert json.dumps(fast(stored)) == json.dumps(expected)
