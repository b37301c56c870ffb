"""The digest of a record's full content, which its ledger entry carries.

A record's digest is SHA-256 of the canonical JSON (sorted keys, no spaces, UTF-8) of::

    {"model": "<app>.<model>", "fields": {<attname>: value, ...},
     "many_to_many": {<name>: [ids, sorted], ...}}

over every concrete field (a foreign key as its raw id) and every many-to-many field.
Values are made canonical so SQLite and PostgreSQL give the same bytes: UUIDs as
hyphenated lower-case strings, datetimes as ISO 8601 UTC with microseconds, dates and
times ISO, Decimals as str, binary as base64, JSON as stored.

The digest is always computed from the stored row (not the instance in memory), through
the same code that verification runs in batches, so what was recorded is exactly what
verification recomputes.
"""

from __future__ import annotations

import base64
import datetime
import decimal
import functools
import hashlib
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper

from safeshare.ledger.bundle import canonical_json, format_time

__all__ = [
    "canonical_content",
    "canonical_value",
    "model_label",
    "object_id",
    "record_digest",
    "record_digests",
]


def model_label(model: type[models.Model] | models.Model) -> str:
    return model._meta.label_lower


_PLAIN = frozenset({str, int, bool, float})


def canonical_value(value: Any) -> Any:
    """A JSON value standing for `value` identically on every database backend."""
    if value is None or type(value) in _PLAIN:
        return value
    if isinstance(value, bool | int | str | float):
        return value
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.UTC)
        return format_time(value)
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return value // datetime.timedelta(microseconds=1)
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, bytes | memoryview | bytearray):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, list | tuple):
        return [canonical_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): canonical_value(v) for k, v in value.items()}
    raise TypeError(f"no canonical form for a {type(value).__name__} value")


def object_id(pk: Any) -> str:
    """The primary key as entries store it."""
    return str(canonical_value(pk))


def _concrete(model: type[models.Model]) -> list[str]:
    # A model may name operational fields that change without an event of their own (a
    # user's last sign-in time, session epoch and password hash): they stay out of its
    # digest, so verification compares only what events are recorded for.
    excluded: frozenset[str] = getattr(model, "ledger_exclude_fields", frozenset())
    return [field.attname for field in model._meta.concrete_fields if field.attname not in excluded]


def _many_to_many(model: type[models.Model]) -> list[models.ManyToManyField[Any, Any]]:
    return [f for f in model._meta.many_to_many if isinstance(f, models.ManyToManyField)]


def canonical_content(
    model: type[models.Model], values: Mapping[str, Any], m2m: Mapping[str, Iterable[Any]]
) -> dict[str, Any]:
    return {
        "model": model_label(model),
        "fields": {name: canonical_value(values[name]) for name in _concrete(model)},
        "many_to_many": {
            name: sorted(canonical_value(v) for v in ids) for name, ids in m2m.items()
        },
    }


@functools.cache
def _select(model: type[models.Model], vendor: str) -> tuple[str, list[tuple[Any, Any]]]:
    meta = model._meta
    pk_field = meta.pk
    assert pk_field is not None
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(field.column)) for field in meta.concrete_fields)
    sql = (
        f"SELECT {columns} FROM {quote(meta.db_table)} "  # noqa: S608 — names only
        f"WHERE {quote(str(pk_field.column))} IN "
    )
    return sql, [(field, field.get_col(meta.db_table)) for field in meta.concrete_fields]


def _read_rows(
    model: type[models.Model], pks: list[Any], db: BaseDatabaseWrapper
) -> dict[Any, dict[str, Any]]:
    """The stored rows, converted exactly as the ORM converts values() results.

    Plain SQL because an append pays for this query in its own transaction, and building
    it through the ORM cost more than the commit (docs/performance.md); the values go
    through the same backend and field converters as any ORM read.
    """
    pk_field = model._meta.pk
    assert pk_field is not None
    select, columns = _select(model, db.vendor)
    sql = select + "(" + ", ".join(["%s"] * len(pks)) + ")"
    params = [pk_field.get_db_prep_value(pk, db) for pk in pks]
    converters = [
        (field.attname, column, db.ops.get_db_converters(column) + field.get_db_converters(db))
        for field, column in columns
    ]
    rows: dict[Any, dict[str, Any]] = {}
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        for raw in cursor.fetchall():
            row = {}
            for (attname, column, funcs), value in zip(converters, raw, strict=True):
                for func in funcs:
                    value = func(value, column, db)
                row[attname] = value
            rows[row[pk_field.attname]] = row
    return rows


def record_digests(
    model: type[models.Model], pks: Iterable[Any], db: BaseDatabaseWrapper | None = None
) -> dict[str, str]:
    """Hex digests of the stored records of `model` with these primary keys, keyed by
    `object_id(pk)`; a primary key with no record is absent. One query, plus one per
    many-to-many field."""
    pk_list = list(pks)
    if not pk_list:
        return {}
    rows = _read_rows(model, pk_list, db or connections[DEFAULT_DB_ALIAS])
    links: dict[str, dict[Any, list[Any]]] = {}
    for field in _many_to_many(model):
        through: Any = field.remote_field.through
        source = through._meta.get_field(field.m2m_field_name()).attname
        target = through._meta.get_field(field.m2m_reverse_field_name()).attname
        by_source: dict[Any, list[Any]] = defaultdict(list)
        query = through._base_manager.filter(**{f"{source}__in": list(rows)}).order_by()
        for src, dst in query.values_list(source, target):
            by_source[src].append(dst)
        links[field.name] = by_source
    result = {}
    for pk, row in rows.items():
        m2m = {name: by_source.get(pk, []) for name, by_source in links.items()}
        content = canonical_json(canonical_content(model, row, m2m))
        result[object_id(pk)] = hashlib.sha256(content).hexdigest()
    return result


def record_digest(obj: models.Model, db: BaseDatabaseWrapper | None = None) -> str:
    """Hex SHA-256 of the stored record `obj` (reads the row, so save it first)."""
    if obj.pk is None:
        raise ValueError("the record has not been saved, so it has no stored content")
    digests = record_digests(type(obj), [obj.pk], db)
    try:
        return digests[object_id(obj.pk)]
    except KeyError:
        raise ValueError(f"{model_label(obj)} {obj.pk} is not in the database") from None
