"""Keyset pagination for every list that grows: a page costs the same whether the table
holds a hundred rows or ten million (no OFFSET to walk, no COUNT of everything).

A list is ordered by a few columns ending in the primary key, e.g. ("-decided_at",
"-id"). The "Older" / "Next" link carries the last row's values as an opaque cursor
(`?after=...`), "Newer" / "Previous" the first row's (`?before=...`). A cursor holds
only dates, times and ids (never a name or any other personal data) and is checked like
any other input: one that does not decode is treated as no cursor.

A list may be the union of several querysets with the same ordering (the access report:
reads by the organisation's staff, and reads of the organisation's people by anyone):
each is read with the cursor and its own index, and the pages are merged.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, QuerySet
from django.http import QueryDict

M = TypeVar("M", bound=models.Model)

PAGE_SIZE = 50


class InvalidCursor(ValueError):
    """A cursor that does not decode, from a caller that must be told (the API); pages
    for people treat it as no cursor and show the first page."""

    def __init__(self, parameter: str) -> None:
        self.parameter = parameter
        super().__init__(f"{parameter} is not a cursor this list gave out")


@dataclass(frozen=True)
class Page(Generic[M]):
    rows: list[M]
    # Query strings for the neighbouring pages (the page's other parameters kept), or None.
    previous: str | None
    next: str | None

    @property
    def has_other_pages(self) -> bool:
        return self.previous is not None or self.next is not None

    def __iter__(self) -> Any:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __bool__(self) -> bool:
        return bool(self.rows)


def _encode(values: Sequence[Any]) -> str:
    def plain(value: Any) -> Any:
        if isinstance(value, datetime.datetime | datetime.date):
            return value.isoformat()
        if isinstance(value, uuid.UUID):
            return str(value)
        return value

    text = json.dumps([plain(v) for v in values], separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _decode(cursor: str, fields: Sequence[models.Field[Any, Any]]) -> list[Any] | None:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
        if not isinstance(values, list) or len(values) != len(fields):
            return None
        return [field.to_python(value) for field, value in zip(fields, values, strict=True)]
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError, ValidationError):
        return None


def _beyond(ordering: Sequence[str], values: Sequence[Any], *, forwards: bool) -> Q:
    """Rows after `values` in `ordering` (forwards), or before them: for (a desc, b desc)
    forwards that is a < va OR (a = va AND b < vb)."""
    condition = Q()
    for i in reversed(range(len(ordering))):
        name = ordering[i].lstrip("-")
        lookup = "lt" if ordering[i].startswith("-") == forwards else "gt"
        here = Q(**{f"{name}__{lookup}": values[i]})
        condition = here if i == len(ordering) - 1 else here | (Q(**{name: values[i]}) & condition)
    return condition


def _flipped(ordering: Sequence[str]) -> list[str]:
    return [name[1:] if name.startswith("-") else f"-{name}" for name in ordering]


def _key(row: models.Model, ordering: Sequence[str]) -> tuple[Any, ...]:
    return tuple(getattr(row, name.lstrip("-")) for name in ordering)


def _sort_key(ordering: Sequence[str]) -> Any:
    """A key sorting rows in `ordering` (for merging the pages of several querysets)."""

    class Key:
        __slots__ = ("values",)

        def __init__(self, row: models.Model) -> None:
            self.values = _key(row, ordering)

        def __lt__(self, other: Key) -> bool:
            for name, mine, theirs in zip(ordering, self.values, other.values, strict=True):
                if mine == theirs:
                    continue
                return bool(mine > theirs) if name.startswith("-") else bool(mine < theirs)
            return False

    return Key


def paginate(
    sources: QuerySet[M] | Sequence[QuerySet[M]],
    ordering: Sequence[str],
    params: Mapping[str, Any],
    *,
    size: int = PAGE_SIZE,
    strict: bool = False,
) -> Page[M]:
    """One page of `sources` in `ordering` (its last name the primary key, so the order is
    total), from the cursor in `params` (a request's GET). `strict`: a cursor that does
    not decode raises InvalidCursor instead of meaning the first page."""
    queries = [sources] if isinstance(sources, QuerySet) else list(sources)
    model = queries[0].model
    fields = [model._meta.get_field(name.lstrip("-").removesuffix("_id")) for name in ordering]
    concrete = [f for f in fields if isinstance(f, models.Field)]
    after = _decode(str(params.get("after", "")), concrete) if params.get("after") else None
    before = _decode(str(params.get("before", "")), concrete) if params.get("before") else None
    if strict:
        for name, decoded in (("after", after), ("before", before)):
            if params.get(name) and decoded is None:
                raise InvalidCursor(name)
    backwards = before is not None and after is None
    cursor = before if backwards else after
    order = _flipped(ordering) if backwards else list(ordering)
    found: dict[Any, M] = {}
    for query in queries:
        if cursor is not None:
            query = query.filter(_beyond(ordering, cursor, forwards=not backwards))
        for row in query.order_by(*order)[: size + 1]:
            found.setdefault(row.pk, row)
    rows = sorted(found.values(), key=_sort_key(order))
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
    at_start = cursor is None or (backwards and not more)
    at_end = not backwards and not more
    base = QueryDict(mutable=True)
    for name, value in params.items():
        if name not in {"after", "before"}:
            base[name] = value
    previous = next_ = None
    if rows and not at_start:
        link = base.copy()
        link["before"] = _encode(_key(rows[0], ordering))
        previous = link.urlencode()
    if rows and not at_end:
        link = base.copy()
        link["after"] = _encode(_key(rows[-1], ordering))
        next_ = link.urlencode()
    return Page(rows=rows, previous=previous, next=next_)
