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
import re
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import JSONField

from safeshare.ledger.bundle import canonical_json, format_time

__all__ = [
    "canonical_content",
    "canonical_value",
    "digest_of",
    "digests_before_added_fields",
    "model_label",
    "object_id",
    "record_contents",
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


class _Plan:
    """How to read and digest one model's rows on one database, worked out once: the
    SELECT, each column's converters (the ORM's own, as values() would apply them), which
    columns the digest covers, and the many-to-many tables."""

    def __init__(self, model: type[models.Model], db: BaseDatabaseWrapper) -> None:
        meta = model._meta
        pk_field = meta.pk
        assert pk_field is not None
        quote = db.ops.quote_name
        # SQLite: the sqlite3 connection itself with ? placeholders, which skips the
        # cursor wrapper's query rewriting (append_entry pays for this read).
        self.raw = db.vendor == "sqlite"
        self.mark = "?" if self.raw else "%s"
        self.label = model_label(model)
        self.pk_field = pk_field
        columns = ", ".join(quote(str(field.column)) for field in meta.concrete_fields)
        self.sql = (
            f"SELECT {columns} FROM {quote(meta.db_table)} "  # noqa: S608 — names only
            f"WHERE {quote(str(pk_field.column))} IN "
        )
        included = set(_concrete(model))
        self.columns: list[tuple[str, Any, tuple[Any, ...], bool]] = []
        for field in meta.concrete_fields:
            expression, converters = _converters(field, meta.db_table, db)
            self.columns.append((field.attname, expression, converters, field.attname in included))
        # Each column's reader: stored value -> canonical value, in one call; and the same
        # for a whole column of stored values at once (what a batch of rows is read with).
        self.readers = [
            _reader(expression, converters, db, self.raw)
            for _, expression, converters, _ in self.columns
        ]
        self.column_readers = [
            _column_reader(expression, converters, db, self.raw)
            for _, expression, converters, _ in self.columns
        ]
        self.kept = [i for i, column in enumerate(self.columns) if column[3]]
        self.names = [self.columns[i][0] for i in self.kept]
        self.pk_position = [field.attname for field in meta.concrete_fields].index(pk_field.attname)
        # Each many-to-many field: its name, the SELECT of its links (source, target) for
        # some sources, how a source key is prepared for it, and the two columns' readers.
        self.many_to_many: list[tuple[str, str, Any, Any, Any]] = []
        for m2m in _many_to_many(model):
            through: Any = m2m.remote_field.through
            through_meta = through._meta
            source = through_meta.get_field(m2m.m2m_field_name())
            target = through_meta.get_field(m2m.m2m_reverse_field_name())
            assert isinstance(source, models.Field) and isinstance(target, models.Field)
            sql = (
                f"SELECT {quote(str(source.column))}, {quote(str(target.column))} "  # noqa: S608
                f"FROM {quote(through_meta.db_table)} WHERE {quote(str(source.column))} IN "
            )
            link_readers = [
                _column_reader(*_converters(field, through_meta.db_table, db), db, self.raw)
                for field in (source, target)
            ]
            self.many_to_many.append((m2m.name, sql, source.get_db_prep_value, *link_readers))


def _converters(
    field: models.Field[Any, Any], table: str, db: BaseDatabaseWrapper
) -> tuple[Any, tuple[Any, ...]]:
    """A column's expression and the ORM's converters for it, as values() applies them."""
    expression = field.get_col(table)
    converters = tuple(db.ops.get_db_converters(expression)) + tuple(field.get_db_converters(db))
    return expression, converters


_plans: dict[tuple[type[models.Model], str], _Plan] = {}


def _plan(model: type[models.Model], db: BaseDatabaseWrapper) -> _Plan:
    plan = _plans.get((model, db.alias))
    if plan is None:
        plan = _plans[(model, db.alias)] = _Plan(model, db)
    return plan


def _slow_reader(expression: Any, converters: tuple[Any, ...], db: BaseDatabaseWrapper) -> Any:
    """The general case: the ORM's converters in turn, then canonical_value."""
    if not converters:
        return canonical_value

    def read(value: Any) -> Any:
        for convert in converters:
            value = convert(value, expression, db)
        return canonical_value(value)

    return read


_HEX32 = re.compile(r"[0-9a-f]{32}")
_UTC_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"  # bundle.format_time's, of a time already in UTC


def _utc_text(value: datetime.datetime) -> str:
    """A naive UTC datetime as format_time writes it: isoformat, several times faster
    than strftime, then the fraction it leaves out when it is zero. Before the year 1000
    strftime does not pad the year as isoformat does, so it is used as it is."""
    if value.year < 1000:
        return value.strftime(_UTC_FORMAT)
    text = value.isoformat()
    return f"{text}Z" if len(text) == 26 else f"{text}.000000Z"


def _hyphenated(value: str) -> str:
    return f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:]}"


def _sqlite_shortcuts(db: BaseDatabaseWrapper) -> dict[Any, tuple[Any, Any]]:
    """SQLite converter -> (does a stored value take the shortcut, its canonical form)."""
    # Imported here, after the backend's base module (which imports operations itself):
    # importing operations on its own while Django loads the apps is circular.
    import django.db.backends.sqlite3.base  # noqa: F401
    from django.db.backends.sqlite3.operations import DatabaseOperations as ops

    shortcuts: dict[Any, tuple[Any, Any]] = {
        # UUIDs are kept as 32 lower-case hex digits.
        ops.convert_uuidfield_value: (
            lambda v: type(v) is str and _HEX32.fullmatch(v),
            _hyphenated,
        ),
        ops.convert_datefield_value: (lambda v: type(v) is datetime.date, datetime.date.isoformat),
        # Booleans are kept as 0 and 1.
        ops.convert_booleanfield_value: (lambda v: type(v) is int and v in (0, 1), bool),
    }
    if db.timezone is datetime.UTC:
        # A naive value is UTC on this connection: the converter would attach UTC and
        # format_time would format it unchanged.
        shortcuts[ops.convert_datetimefield_value] = (
            lambda v: type(v) is datetime.datetime and v.tzinfo is None,
            _utc_text,
        )
    return shortcuts


def _reader(
    expression: Any, converters: tuple[Any, ...], db: BaseDatabaseWrapper, sqlite: bool
) -> Any:
    """One column's reader. On SQLite the commonest columns (UUIDs, dates, booleans and
    naive UTC datetimes, as SQLite keeps them) go straight to their canonical form, giving
    exactly what the converters and canonical_value give (tests/ledger/test_digest.py
    checks both ways agree); anything unexpected takes the general path. An append pays
    for this read on every event, after its commit's fsync has left the caches cold
    (docs/performance.md)."""
    slow = _slow_reader(expression, converters, db)
    if not sqlite or len(converters) != 1:
        return slow
    shortcut = _sqlite_shortcuts(db).get(getattr(converters[0], "__func__", None))
    if shortcut is None:
        return slow
    takes, canonical = shortcut

    def read(value: Any) -> Any:
        if value is None:  # every converter here keeps None
            return None
        if takes(value):
            return canonical(value)
        return slow(value)

    return read


_PLAIN_OR_NONE = frozenset({str, int, bool, float, type(None)})
_BOOL_OR_NONE = frozenset({bool, type(None)})
_DATE_OR_NONE = frozenset({datetime.date, type(None)})
_TEXT = frozenset({str})
_HEX32_LINES = re.compile(r"[0-9a-f]{32}(?:\n[0-9a-f]{32})*")


def _column_reader(
    expression: Any, converters: tuple[Any, ...], db: BaseDatabaseWrapper, sqlite: bool
) -> Any:
    """A column's reader for a whole column of stored values (a sequence) at once: the
    canonical values `_reader`'s reader gives one by one, with the checks made once for
    the column where they can be. Anything unexpected in a column sends the whole column
    through `_reader`."""
    read = _reader(expression, converters, db, sqlite)

    def each(column: Sequence[Any]) -> Sequence[Any]:
        return [read(value) for value in column]

    if not converters:
        # canonical_value keeps a plain value as it is.
        def plain(column: Sequence[Any]) -> Sequence[Any]:
            return column if _PLAIN_OR_NONE.issuperset(map(type, column)) else each(column)

        return plain
    if _plain_json(expression, converters):
        # Stored text: what the field's converter makes of it (json.loads, or the text
        # itself when it is not JSON) is canonical already.
        (load,) = converters

        def documents(column: Sequence[Any]) -> Sequence[Any]:
            return [
                load(value, expression, db) if type(value) is str else read(value)
                for value in column
            ]

        return documents
    if not sqlite or len(converters) != 1:
        return each
    convert = getattr(converters[0], "__func__", None)
    shortcuts = _sqlite_shortcuts(db)
    if convert not in shortcuts:
        return each
    # Imported here for the reason _sqlite_shortcuts gives.
    from django.db.backends.sqlite3.operations import DatabaseOperations as ops

    if convert is ops.convert_uuidfield_value:
        return functools.partial(_uuid_column, each)
    if convert is ops.convert_booleanfield_value:
        # SQLite's own converter has made them booleans; the ORM's keeps them.
        def booleans(column: Sequence[Any]) -> Sequence[Any]:
            return column if _BOOL_OR_NONE.issuperset(map(type, column)) else each(column)

        return booleans
    if convert is ops.convert_datefield_value:

        def dates(column: Sequence[Any]) -> Sequence[Any]:
            if not _DATE_OR_NONE.issuperset(map(type, column)):
                return each(column)
            return [None if value is None else value.isoformat() for value in column]

        return dates
    if convert is ops.convert_datetimefield_value:
        # As the shortcut: a naive datetime is UTC on this connection.
        naive = datetime.datetime

        def datetimes(column: Sequence[Any]) -> Sequence[Any]:
            return [
                _utc_text(value) if type(value) is naive and value.tzinfo is None else read(value)
                for value in column
            ]

        return datetimes
    return each


def _plain_json(expression: Any, converters: tuple[Any, ...]) -> bool:
    """Whether the column is a JSONField's read with the standard decoder only."""
    if len(converters) != 1 or not isinstance(getattr(expression, "target", None), JSONField):
        return False
    field = expression.target
    converter = converters[0]
    return (
        field.decoder is None
        and getattr(converter, "__func__", None) is JSONField.from_db_value
        and getattr(converter, "__self__", None) is field
    )


def _uuid_column(
    each: Callable[[Sequence[Any]], Sequence[Any]], column: Sequence[Any]
) -> Sequence[Any]:
    """UUIDs as SQLite keeps them (32 lower-case hex digits), hyphenated: one match over
    the whole column checks every value's form."""
    present = [value for value in column if value is not None] if None in column else column
    if not _TEXT.issuperset(map(type, present)):
        return each(column)
    text = "\n".join(present)
    # The length makes every value exactly one match of 32 digits (none holds a newline).
    if len(text) != 33 * len(present) - 1 or not _HEX32_LINES.fullmatch(text):
        return each(column) if present else column
    hyphenated = [f"{v[:8]}-{v[8:12]}-{v[12:16]}-{v[16:20]}-{v[20:]}" for v in present]
    if present is column:
        return hyphenated
    found = iter(hyphenated)
    return [None if value is None else next(found) for value in column]


def _fetch(plan: _Plan, db: BaseDatabaseWrapper, sql: str, keys: list[Any], prep: Any) -> Any:
    """The rows of `sql` (ending in IN) for these keys, in plain SQL."""
    sql = sql + "(" + ", ".join([plan.mark] * len(keys)) + ")"
    params = [prep(key, db) for key in keys]
    if plan.raw:
        if db.connection is None:
            db.ensure_connection()
        with db.wrap_database_errors:
            return db.connection.execute(sql, params).fetchall()
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _read_rows(plan: _Plan, pks: list[Any], db: BaseDatabaseWrapper) -> dict[str, dict[str, Any]]:
    """The stored rows as the digest sees them, keyed by `object_id(pk)`: each value
    converted exactly as the ORM converts values() results, then made canonical.

    Plain SQL because an append pays for this query in its own transaction, and building
    it through the ORM cost more than the commit (docs/performance.md). Read a column at a
    time: verification reads millions of rows this way.
    """
    raws = _fetch(plan, db, plan.sql, pks, plan.pk_field.get_db_prep_value)
    if not raws:
        return {}
    columns = [
        read(column)
        for read, column in zip(plan.column_readers, zip(*raws, strict=True), strict=True)
    ]
    keys = map(str, columns[plan.pk_position])
    names = plan.names
    kept = zip(*[columns[i] for i in plan.kept], strict=True)
    return {
        key: dict(zip(names, values, strict=True)) for key, values in zip(keys, kept, strict=True)
    }


def _read_links(
    plan: _Plan, pks: list[Any], db: BaseDatabaseWrapper
) -> list[tuple[str, dict[str, list[Any]]]]:
    """Each many-to-many field's canonical targets, by `object_id` of their source."""
    links: list[tuple[str, dict[str, list[Any]]]] = []
    for name, sql, prep, read_source, read_target in plan.many_to_many:
        by_source: dict[str, list[Any]] = defaultdict(list)
        raws = _fetch(plan, db, sql, pks, prep)
        if raws:
            sources, targets = zip(*raws, strict=True)
            for source, target in zip(
                map(str, read_source(sources)), read_target(targets), strict=True
            ):
                by_source[source].append(target)
        links.append((name, by_source))
    return links


def record_digests(
    model: type[models.Model], pks: Iterable[Any], db: BaseDatabaseWrapper | None = None
) -> dict[str, str]:
    """Hex digests of the stored records of `model` with these primary keys, keyed by
    `object_id(pk)`; a primary key with no record is absent. One query, plus one per
    many-to-many field."""
    sha256 = hashlib.sha256
    return {
        key: sha256(canonical_json(content)).hexdigest()
        for key, content in record_contents(model, pks, db).items()
    }


def digest_of(content: Mapping[str, Any]) -> str:
    """The digest of a record's canonical content (as record_contents gives it)."""
    return hashlib.sha256(canonical_json(content)).hexdigest()


def digests_before_added_fields(
    model: type[models.Model], object_ids: list[str]
) -> dict[str, set[str]]:
    """The digests these records had before the model's `ledger_added_fields` were added
    (each a column and the value its migration gave the rows there were, from their other
    fields): for a record whose added columns all still hold that value, its digest without
    them. One whose value changed since has a later entry, or was edited."""
    added: Mapping[str, Any] = getattr(model, "ledger_added_fields", {})
    legacy: dict[str, set[str]] = {}
    for key, content in record_contents(model, object_ids).items():
        fields = dict(content["fields"])
        stored = {name: fields.pop(name) for name in added}
        if all(stored[name] == canonical_value(given(fields)) for name, given in added.items()):
            legacy[key] = {digest_of({**content, "fields": fields})}
    return legacy


def record_contents(
    model: type[models.Model], pks: Iterable[Any], db: BaseDatabaseWrapper | None = None
) -> dict[str, dict[str, Any]]:
    """The canonical content the digest is taken of, for the stored records of `model`
    with these primary keys, keyed by `object_id(pk)`."""
    pk_list = list(pks)
    if not pk_list:
        return {}
    db = db or connections[DEFAULT_DB_ALIAS]
    plan = _plan(model, db)
    rows = _read_rows(plan, pk_list, db)
    links = _read_links(plan, pk_list, db)
    label = plan.label
    return {
        key: {
            "model": label,
            "fields": fields,
            "many_to_many": {name: sorted(by_source.get(key, ())) for name, by_source in links},
        }
        for key, fields in rows.items()
    }


def record_digest(obj: models.Model, db: BaseDatabaseWrapper | None = None) -> str:
    """Hex SHA-256 of the stored record `obj` (reads the row, so save it first)."""
    if obj.pk is None:
        raise ValueError("the record has not been saved, so it has no stored content")
    digests = record_digests(type(obj), [obj.pk], db)
    try:
        return digests[object_id(obj.pk)]
    except KeyError:
        raise ValueError(f"{model_label(obj)} {obj.pk} is not in the database") from None
