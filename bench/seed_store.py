"""Writing a seeded partnership in bulk (bench/seed_scale.py).

* `Tables`: each table's columns and how a value the mirror holds (a UUID, an aware UTC
  datetime, a date, a dict) becomes what the database stores, worked out from the
  model's fields, and checked against the field's own `get_db_prep_save` on the first
  rows of every table.
* `SqliteWriter` (plain sqlite3, `executemany`) and `PostgresWriter` (psycopg 3 `COPY`,
  a transaction per flush).
* `Ledger`: entries in time order, each given the next sequence number, its leaf
  (`bundle.fast_leaf_bytes`, as append_entry writes it), its leaf hash and the tree nodes
  it completes (`merkle.frontier_append`), and signed checkpoints along the way.
"""

from __future__ import annotations

import datetime
import json
import operator
import sqlite3
import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import Any

UTC = datetime.UTC
Convert = Callable[[Any], Any]


def _identity(value: Any) -> Any:
    return value


def _sqlite_uuid(value: Any) -> Any:
    # Django keeps a UUID as 32 hex digits on SQLite.
    return None if value is None else value.replace("-", "")


def _sqlite_datetime(value: Any) -> Any:
    # Canonical "YYYY-MM-DDTHH:MM:SS.ffffffZ" as Django's adapt_datetimefield_value
    # stores it: str() of the naive UTC datetime, which leaves out a zero fraction.
    if value is None:
        return None
    if value.endswith(".000000Z"):
        return f"{value[:10]} {value[11:19]}"
    return f"{value[:10]} {value[11:26]}"


class _Json:
    """JSONField.get_db_prep_value: json.dumps (no encoder), remembered for the values
    the mirror shares between rows (interned, never changed in place)."""

    def __init__(self) -> None:
        self.seen: dict[int, tuple[Any, str]] = {}

    def __call__(self, value: Any) -> Any:
        found = self.seen.get(id(value))
        if found is not None and found[0] is value:
            return found[1]
        text = json.dumps(value)
        if len(self.seen) < 20_000:
            self.seen[id(value)] = (value, text)
        return text


def converter(field: Any, vendor: str) -> Convert:
    """How the field stores a canonical value (digest.canonical_value's form) on this
    vendor. PostgreSQL's COPY reads the canonical text of a UUID, a time and a date."""
    from django.db import models

    target = field.target_field if field.is_relation else field
    if isinstance(field, models.JSONField):
        return _Json()
    if vendor != "sqlite":
        return _identity
    if isinstance(target, models.UUIDField):
        return _sqlite_uuid
    if isinstance(target, models.DateTimeField):
        return _sqlite_datetime
    return _identity


def python_value(field: Any, value: Any) -> Any:
    """A canonical value as the model holds it (for comparing with the field's own
    conversion)."""
    from django.db import models

    if value is None:
        return None
    target = field.target_field if field.is_relation else field
    if isinstance(target, models.UUIDField):
        return uuid.UUID(value)
    if isinstance(target, models.DateTimeField):
        return datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if isinstance(target, models.DateField):
        return datetime.date.fromisoformat(value)
    return value


class Table:
    """One table: its name, the columns written (every concrete field but an automatic
    integer key) and their converters."""

    def __init__(self, model: Any, vendor: str, skip_auto: bool = True) -> None:
        from django.db import models

        self.model = model
        self.vendor = vendor
        self.name = model._meta.db_table
        fields = [
            f
            for f in model._meta.concrete_fields
            if not (skip_auto and isinstance(f, models.AutoField | models.BigAutoField))
        ]
        self.fields = fields
        self.attnames = [f.attname for f in fields]
        self.columns = [f.column for f in fields]
        self.converters = [converter(f, vendor) for f in fields]
        self.checked = 0
        # Every value at once (operator.itemgetter), then only the columns whose stored
        # form differs from the canonical one are converted.
        self._get = operator.itemgetter(*self.attnames)
        self._convert = [(i, c) for i, c in enumerate(self.converters) if c is not _identity]

    def row(self, values: dict[str, Any]) -> tuple[Any, ...]:
        got = self._get(values)
        if len(self.attnames) == 1:
            got = (got,)
        if not self._convert:
            return tuple(got)
        stored = list(got)
        for i, convert in self._convert:
            stored[i] = convert(stored[i])
        return tuple(stored)

    def check(self, values: dict[str, Any], stored: Sequence[Any], connection: Any) -> None:
        """The converted row is what the field itself would send the database, for the
        value the model would hold."""
        for f, value in zip(self.fields, stored, strict=True):
            expected = f.get_db_prep_save(python_value(f, values[f.attname]), connection)
            if hasattr(expected, "obj"):  # psycopg's Jsonb: the JSON it holds
                expected = json.dumps(expected.obj)
            if self.vendor != "sqlite" and not isinstance(expected, str):
                value = f.get_db_prep_save(python_value(f, value), connection)
            if expected != value:
                raise AssertionError(
                    f"{self.name}.{f.column}: the seed writes {value!r}, the field "
                    f"itself {expected!r}"
                )
        self.checked += 1


class Tables:
    """Every table the seed writes, for one vendor."""

    def __init__(self, vendor: str) -> None:
        from safeshare.audit.models import AccessRecord
        from safeshare.decisions.models import (
            ConsentWithdrawal,
            Decision,
            Explanation,
            InformationItem,
        )
        from safeshare.disclosures.models import DisclosedItem, Disclosure, Receipt, Revocation
        from safeshare.ledger.models import Entry, Node, SignedCheckpoint
        from safeshare.requests.models import InformationRequest, RequestNote
        from safeshare.subjects.models import Identifier, Person

        self.vendor = vendor
        self.by_name = {
            "person": Table(Person, vendor),
            "identifier": Table(Identifier, vendor),
            "explanation": Table(Explanation, vendor),
            "request": Table(InformationRequest, vendor),
            "request_subjects": Table(InformationRequest.subjects.through, vendor),
            "note": Table(RequestNote, vendor),
            "decision": Table(Decision, vendor),
            "decision_subjects": Table(Decision.subjects.through, vendor),
            "item": Table(InformationItem, vendor),
            "disclosure": Table(Disclosure, vendor),
            "disclosed_item": Table(DisclosedItem, vendor),
            "receipt": Table(Receipt, vendor),
            "revocation": Table(Revocation, vendor),
            "withdrawal": Table(ConsentWithdrawal, vendor),
            "access": Table(AccessRecord, vendor),
            "entry": Table(Entry, vendor, skip_auto=False),
            "node": Table(Node, vendor, skip_auto=False),
            "checkpoint": Table(SignedCheckpoint, vendor, skip_auto=False),
        }
        # Written in this order, so a row's references come first (PostgreSQL checks
        # foreign keys when each flush commits).
        self.order = list(self.by_name)

    def __getitem__(self, name: str) -> Table:
        return self.by_name[name]


def secondary_indexes(connection: Any, tables: Iterable[str]) -> list[tuple[str, str]]:
    """(name, definition) of the indexes on `tables` that no constraint owns and that
    are not partial: those the bulk drops before loading and builds again after it, with
    the same definition (one sort per index instead of a random insert per row). A
    partial index stays (PostgreSQL would spell its predicate differently when made
    again from its definition, and the seed leaves the schema exactly as it found it)."""
    names = sorted(set(tables))
    marks = ", ".join(["%s"] * len(names))
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "  # noqa: S608
                f"AND tbl_name IN ({marks}) ORDER BY name",
                names,
            )
        else:
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "  # noqa: S608
                f"AND tablename IN ({marks}) AND indexname NOT IN "
                "(SELECT conname FROM pg_constraint WHERE contype IN ('p', 'u', 'x')) "
                "ORDER BY indexname",
                names,
            )
        found = [(str(n), str(d)) for n, d in cursor.fetchall()]
    return [(n, d) for n, d in found if " WHERE " not in d.upper()]


def drop_indexes(connection: Any, indexes: Iterable[tuple[str, str]]) -> None:
    with connection.cursor() as cursor:
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')


class Buffers:
    """Rows waiting to be written, per table, with a count for flushing."""

    def __init__(self, tables: Tables) -> None:
        self.tables = tables
        self.rows: dict[str, list[tuple[Any, ...]]] = {name: [] for name in tables.order}
        self.size = 0
        self.written: dict[str, int] = dict.fromkeys(tables.order, 0)

    def add(self, name: str, row: tuple[Any, ...]) -> None:
        self.rows[name].append(row)
        self.size += 1

    def extend(self, name: str, rows: Iterable[tuple[Any, ...]]) -> None:
        before = len(self.rows[name])
        self.rows[name].extend(rows)
        self.size += len(self.rows[name]) - before


class SqliteWriter:
    """Plain sqlite3 on the seed's own connection, with a fast pragma set for the seed
    only (a new file nobody else uses yet): no journal, no sync, a large cache."""

    vendor = "sqlite"

    def __init__(self, path: str, cache_mib: int) -> None:
        self.db = sqlite3.connect(path, isolation_level=None)
        for pragma in (
            "journal_mode=OFF",
            "synchronous=OFF",
            f"cache_size=-{cache_mib * 1024}",
            "temp_store=MEMORY",
            "locking_mode=EXCLUSIVE",
            "foreign_keys=OFF",
        ):
            self.db.execute(f"PRAGMA {pragma}")
        self.sql: dict[str, str] = {}

    def write(self, tables: Tables, buffers: Buffers) -> None:
        db = self.db
        db.execute("BEGIN")
        for name in tables.order:
            rows = buffers.rows[name]
            if not rows:
                continue
            table = tables[name]
            sql = self.sql.get(name)
            if sql is None:
                columns = ", ".join(f'"{c}"' for c in table.columns)
                marks = ", ".join("?" * len(table.columns))
                sql = self.sql[name] = f'INSERT INTO "{table.name}" ({columns}) VALUES ({marks})'  # noqa: S608
            db.executemany(sql, rows)
            buffers.written[name] += len(rows)
            rows.clear()
        db.execute("COMMIT")
        buffers.size = 0

    def build(self, indexes: Sequence[tuple[str, str]]) -> None:
        for _, definition in indexes:
            self.db.execute(definition)

    def finish(self) -> None:
        """The deployment's own settings again: WAL (kept in the file) and FULL sync."""
        self.db.execute("PRAGMA locking_mode=NORMAL")
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.close()


class PostgresWriter:
    """psycopg 3 COPY on a connection of its own, one transaction per flush."""

    vendor = "postgresql"

    def __init__(self, url: str) -> None:
        import psycopg

        self.db = psycopg.connect(url)
        # A bulk load of a new database: a commit need not wait for its WAL flush (an
        # interrupted seed is started again on a new database anyway).
        self.db.execute("SET synchronous_commit = off")
        self.db.commit()

    def write(self, tables: Tables, buffers: Buffers) -> None:
        with self.db.transaction(), self.db.cursor() as cursor:
            for name in tables.order:
                rows = buffers.rows[name]
                if not rows:
                    continue
                table = tables[name]
                columns = ", ".join(f'"{c}"' for c in table.columns)
                with cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(row)
                buffers.written[name] += len(rows)
                rows.clear()
        buffers.size = 0

    def build(self, indexes: Sequence[tuple[str, str]]) -> None:
        with self.db.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '1GB'")
            for _, definition in indexes:
                cursor.execute(definition)
        self.db.commit()

    def finish(self) -> None:
        # What autovacuum would do soon after a load this size: planner statistics.
        self.db.execute("ANALYZE")
        self.db.commit()
        self.db.close()


class Ledger:
    """Entries given sequence numbers in time order, their leaves and the tree's nodes,
    exactly as append_entry stores them, continuing the tree already in the database."""

    def __init__(
        self,
        vendor: str,
        tables: Tables,
        buffers: Buffers,
        size: int,
        frontier: Any,
        last_time: datetime.datetime,
        signer: Any,
        origin: str,
    ) -> None:
        from safeshare.ledger import bundle, merkle
        from safeshare.ledger.models import node_key

        self.sqlite = vendor == "sqlite"
        self.tables = tables
        self.buffers = buffers
        self.size = size
        self.frontier = frontier
        self.last_time = last_time
        self.signer = signer
        self.origin = origin
        self.canonical_text = bundle.canonical_text
        self.fast_leaf_bytes = bundle.fast_leaf_bytes
        self.leaf_bytes = bundle.leaf_bytes
        self.leaf_hash = merkle.leaf_hash
        self.completed_by_append = merkle.completed_by_append
        self.node_key = node_key
        # The frontier's hashes, largest first (its levels are the size's set bits).
        self.edge = [h for _, h in frontier]
        self.month = (last_time.year, last_time.month)
        self.checkpoints = 0
        from seed_cases import new_id

        self.new_id = new_id

    def add(self, pending: tuple[Any, ...], rng: Any) -> None:
        """Append a mirrored entry: (time, event type, actor, organisation, object type,
        object id, record digest, payload), as seed_cases.Pending holds them."""
        moment, event_type, actor, organisation, object_type, object_id, digest, payload = pending
        if moment.tzinfo is not UTC:  # a deadline's time, in London's
            moment = moment.astimezone(UTC)
        if moment < self.last_time:
            raise AssertionError(
                f"entry {event_type} at {moment} comes before the ledger's last, "
                f"{self.last_time}: the planner let an event fall behind the window"
            )
        month = (moment.year, moment.month)
        if month != self.month:
            self.month = month
            if self.signer is not None and self.size:
                self.checkpoint(self.last_time + datetime.timedelta(minutes=5))
        self.last_time = moment
        size = self.size
        naive = moment.replace(tzinfo=None)
        time_text = naive.isoformat(timespec="microseconds") + "Z"
        payload_json = self.canonical_text(payload)
        data = self.fast_leaf_bytes(
            size,
            time_text,
            event_type,
            actor,
            organisation,
            object_type,
            object_id,
            digest,
            payload_json,
        )
        if data is None:
            data = self.leaf_bytes(
                {
                    "sequence": size,
                    "time": time_text,
                    "event_type": event_type,
                    "actor": actor,
                    "organisation": organisation,
                    "object_type": object_type,
                    "object_id": object_id,
                    "record_digest": digest,
                    "payload": payload,
                }
            )
        leaf = self.leaf_hash(data)
        entry_uuid = self.new_id(rng)
        if self.sqlite:
            row = (
                size,
                entry_uuid.replace("-", ""),
                str(naive),
                event_type,
                None if actor is None else actor.replace("-", ""),
                None if organisation is None else organisation.replace("-", ""),
                object_type,
                object_id,
                digest,
                payload_json,
                leaf,
            )
        else:
            row = (
                size,
                entry_uuid,
                moment,
                event_type,
                actor,
                organisation,
                object_type,
                object_id,
                digest,
                payload_json,
                leaf,
            )
        self.buffers.add("entry", row)
        edge = self.edge
        created = self.completed_by_append(size, leaf, edge)
        if created:
            key = self.node_key
            for level, index, h in created:
                self.buffers.add("node", (key(level, index), level, index, h))
            del edge[len(edge) - len(created) :]
            edge.append(created[-1][2])
        else:
            edge.append(leaf)
        self.size = size + 1

    def checkpoint(self, signed_at: datetime.datetime) -> None:
        """A signed checkpoint of the tree as it stands (as the 5-minute cron's
        `ledger checkpoint --if-grown` would have signed it)."""
        from safeshare.ledger import merkle
        from safeshare.ledger.checkpoint import Checkpoint, sign_checkpoint

        size = self.size
        frontier = [(b, h) for b, h in zip(_set_bits(size), self.edge, strict=True)]
        root = merkle.frontier_root(frontier)
        note = sign_checkpoint(Checkpoint(self.origin, self.size, root), self.signer)
        from seed_cases import ts

        stored = _sqlite_datetime(ts(signed_at)) if self.sqlite else signed_at
        self.buffers.add("checkpoint", (self.size, root, note, stored))
        self.checkpoints += 1


def _set_bits(size: int) -> list[int]:
    """The levels of a tree's frontier: the set bits of its size, largest first."""
    return [b for b in range(size.bit_length() - 1, -1, -1) if size >> b & 1]


class Sink:
    """The writing half of the seed: takes batches of converted rows and of mirrored
    entries in time order, gives the entries their sequence numbers, leaves and nodes
    (`Ledger`), and writes everything. Runs in a process of its own (bench/seed_scale.py)
    while the planner and the mirror make the next batches."""

    def __init__(
        self,
        vendor: str,
        url: str,
        sqlite_path: str | None,
        cache_mib: int,
        size: int,
        frontier: Any,
        last_time: datetime.datetime,
        signer: Any,
        origin: str,
        seed: int,
        flush_rows: int,
        network: dict[str, tuple[str, str, str]],
        end: datetime.datetime,
        indexes: Sequence[tuple[str, str]],
    ) -> None:
        import random
        import time

        self.time = time
        self.vendor = vendor
        self.network = network
        self.end = end
        self.indexes = indexes
        self.access_rows = 0
        self.tables = Tables(vendor)
        self.buffers = Buffers(self.tables)
        self.ledger = Ledger(
            vendor, self.tables, self.buffers, size, frontier, last_time, signer, origin
        )
        if vendor == "sqlite":
            assert sqlite_path is not None
            self.writer: Any = SqliteWriter(sqlite_path, cache_mib)
        else:
            self.writer = PostgresWriter(url)
        self.rng = random.Random(seed)
        self.flush_rows = flush_rows
        self.cpu = {"ledger": 0.0, "access": 0.0, "write": 0.0, "indexes": 0.0}

    def take(
        self,
        batch: tuple[
            dict[str, list[tuple[Any, ...]]], list[tuple[Any, ...]], list[tuple[Any, ...]]
        ],
    ) -> None:
        rows, entries, access = batch
        process_time = self.time.process_time
        t = process_time()
        add, rng = self.ledger.add, self.rng
        for pending in entries:
            add(pending, rng)
        self.cpu["ledger"] += process_time() - t
        t = process_time()
        self.access(access)
        self.cpu["access"] += process_time() - t
        for name, table_rows in rows.items():
            self.buffers.extend(name, table_rows)
        if self.buffers.size >= self.flush_rows:
            self.write()

    def access(self, records: list[tuple[Any, ...]]) -> None:
        """audit.AccessRecord rows, as record_access writes them (not ledger events), from
        (at, user, what, object type, object id, person, the person's organisation). The first go through the generic
        conversion, checked against the fields' own; the rest are built directly, and the
        first of those is compared with the generic."""
        from django.db import connection

        from seed_cases import new_id, ts

        rng = self.rng
        table = self.tables["access"]
        sqlite = self.vendor == "sqlite"
        network = self.network
        rows = []
        for at, user_id, what, object_type, object_id, person, holder in records:
            ip, agent, org_id = network[user_id]
            pk = new_id(rng)
            when = ts(at)
            if sqlite:
                stored: tuple[Any, ...] = (
                    pk.replace("-", ""),
                    _sqlite_datetime(when),
                    user_id.replace("-", ""),
                    "",
                    org_id.replace("-", ""),
                    what,
                    object_type,
                    object_id,
                    None if person is None else person.replace("-", ""),
                    None if holder is None else holder.replace("-", ""),
                    "shown",
                    ip,
                    agent,
                )
            else:
                stored = (
                    pk,
                    when,
                    user_id,
                    "",
                    org_id,
                    what,
                    object_type,
                    object_id,
                    person,
                    holder,
                    "shown",
                    ip,
                    agent,
                )
            if table.checked < 3:
                values = {
                    "id": pk,
                    "at": when,
                    "user_id": user_id,
                    "outside_reader": "",
                    "organisation_id": org_id,
                    "what": what,
                    "object_type": object_type,
                    "object_id": object_id,
                    "person_id": person,
                    "person_organisation_id": holder,
                    "outcome": "shown",
                    "ip_address": ip,
                    "user_agent": agent,
                }
                generic = table.row(values)
                if generic != stored:
                    raise AssertionError(f"access row {stored} differs from the generic {generic}")
                table.check(values, generic, connection)
            rows.append(stored)
        self.buffers.extend("access", rows)
        self.access_rows += len(rows)

    def write(self) -> None:
        t = self.time.process_time()
        self.writer.write(self.tables, self.buffers)
        self.cpu["write"] += self.time.process_time() - t

    def finish(self) -> dict[str, Any]:
        self.write()
        t = self.time.process_time()
        wall = self.time.perf_counter()
        self.writer.build(self.indexes)
        self.cpu["indexes"] += self.time.process_time() - t
        index_seconds = self.time.perf_counter() - wall
        self.writer.finish()
        return {
            "entries": self.ledger.size,
            "checkpoints": self.ledger.checkpoints,
            "access_records": self.access_rows,
            "written": dict(self.buffers.written),
            "cpu": {k: round(v, 1) for k, v in self.cpu.items()},
            "process_cpu": round(self.time.process_time(), 1),
            "index_seconds": round(index_seconds, 1),
        }


def serve(connection: Any, make: Any) -> None:
    """The writer process: a Sink fed from `connection` until it sends None, then its
    summary back (or the error that stopped it)."""
    import traceback

    try:
        sink = make()
        while True:
            batch = connection.recv()
            if batch is None:
                break
            sink.take(batch)
        connection.send(("done", sink.finish()))
    except BaseException:
        connection.send(("error", traceback.format_exc()))
    finally:
        connection.close()
