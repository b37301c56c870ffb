"""Keyset pagination (core/pagination.py): walking "Older" from the first page and then
"Newer" back visits every row exactly once, in order, whatever ties the times have; the
union of several querysets merges without duplicates; a bad cursor is no cursor."""

from __future__ import annotations

import datetime
import uuid
from urllib.parse import parse_qsl

import pytest
from django.db.models import Q, QuerySet
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safeshare.accounts.models import Organisation, User
from safeshare.audit.models import AccessRecord
from safeshare.core.pagination import paginate

pytestmark = pytest.mark.django_db

ORDER = ("-at", "-id")
START = timezone.now()


def _records(user: User, offsets: list[int], what: str = "test") -> list[AccessRecord]:
    rows = [
        AccessRecord(user=user, what=what, at=START - datetime.timedelta(seconds=o))
        for o in offsets
    ]
    AccessRecord.objects.bulk_create(rows)
    return sorted(rows, key=lambda r: (r.at, r.id), reverse=True)


def _walk(
    found: QuerySet[AccessRecord], params: dict[str, str], size: int, direction: str
) -> list[list[AccessRecord]]:
    pages = []
    while True:
        page = paginate(found, ORDER, params, size=size)
        pages.append(page.rows)
        link = page.next if direction == "next" else page.previous
        if link is None:
            return pages
        params = dict(parse_qsl(link))


# The practitioner fixture is the same user for every example; each example's rows are
# its own (a fresh `what`), as access records are never deleted.
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(offsets=st.lists(st.integers(0, 5), min_size=0, max_size=30), size=st.integers(1, 7))
def test_every_row_once_in_order_forwards_and_back(
    practitioner: User, offsets: list[int], size: int
) -> None:
    what = f"example-{uuid.uuid4()}"
    expected = _records(practitioner, offsets, what)
    found = AccessRecord.objects.filter(what=what)
    forwards = _walk(found, {"q": "kept"}, size, "next")
    assert [r.pk for page in forwards for r in page] == [r.pk for r in expected]
    assert all(len(page) <= size for page in forwards)
    if len(forwards) > 1:
        last = paginate(found, ORDER, {}, size=size)
        while last.next:
            last = paginate(found, ORDER, dict(parse_qsl(last.next)), size=size)
        assert last.rows == forwards[-1]
        backwards = _walk(found, dict(parse_qsl(last.previous or "")), size, "previous")
        assert [r.pk for page in reversed(backwards) for r in page] == [
            r.pk for page in forwards[:-1] for r in page
        ]


def test_other_parameters_are_kept_and_a_bad_cursor_is_ignored(practitioner: User) -> None:
    _records(practitioner, list(range(5)))
    page = paginate(AccessRecord.objects.all(), ORDER, {"viewer": "x"}, size=2)
    assert page.previous is None and page.next is not None
    assert dict(parse_qsl(page.next))["viewer"] == "x"
    for bad in ["!!!", "bm90IGpzb24", "WzEsMiwzXQ", "WyJub3QgYSB0aW1lIiwibm90IGFuIGlkIl0"]:
        assert paginate(AccessRecord.objects.all(), ORDER, {"after": bad}, size=2).rows == (
            page.rows
        )


def test_a_union_of_querysets_merges_in_order_without_duplicates(
    practitioner: User, outsider: User, organisation: Organisation
) -> None:
    mine = _records(practitioner, [1, 3, 5, 7])
    theirs = _records(outsider, [2, 4, 6])
    both = sorted(mine + theirs, key=lambda r: (r.at, r.id), reverse=True)
    sources = [
        AccessRecord.objects.filter(user=practitioner),
        AccessRecord.objects.filter(Q(user=outsider) | Q(user=practitioner)),
    ]
    seen = []
    params: dict[str, str] = {}
    while True:
        page = paginate(sources, ORDER, params, size=3)
        seen += page.rows
        if page.next is None:
            break
        params = dict(parse_qsl(page.next))
    assert [r.pk for r in seen] == [r.pk for r in both]
