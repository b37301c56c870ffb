"""Recompute the whole ledger from its rows and say exactly what, if anything, is wrong.

One streaming pass in sequence order (entries and nodes read side by side in chunks, the
frontier rebuilt as it goes, never all leaves in memory) checks that

* every entry's stored leaf hash is the hash of its content, with no sequence missing;
* every stored node is the hash of its two stored children (so one bad row is named
  once, not again at every ancestor) and no node is missing or extra;
* the root at every stored checkpoint's size, and at the size of a checkpoint held
  elsewhere (`against`), is the root the checkpoint signed;

then, per object type in batches, that every record's current digest is the digest in
its latest entry (a legitimate change always appends its own entry); and the other way
round, that every record `coverage` says must have an entry has one (an anti-join in
batches of primary keys), so deleting the newest entries of a self-consistent tree, or
writing a record behind the application, does not pass unseen.

The tree size is fixed when verification starts (the newest entry, or the newest node if
entries under it have gone), so appends made meanwhile are ignored, not misreported: a
record changed or created meanwhile is excused by its own entry beyond that size.

Each leaf is rebuilt from its row by `bundle.fast_leaf_bytes`; a row it cannot write, or
whose hash then differs (a payload stored in another JSON spelling, say), is rebuilt the
canonical way before it is called edited.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import json
import multiprocessing
import multiprocessing.util
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection, connections, models
from django.db.models import CharField, Exists, F, Func, OuterRef, Q

from safeshare.ledger import coverage, merkle
from safeshare.ledger.bundle import fast_leaf_bytes, leaf_bytes
from safeshare.ledger.checkpoint import (
    Checkpoint,
    CheckpointError,
    NoteError,
    Verifier,
    open_note,
)
from safeshare.ledger.checkpoint_log import LogError, split_notes
from safeshare.ledger.digest import digests_before_added_fields, object_id, record_digests
from safeshare.ledger.models import Entry, Node, SignedCheckpoint, node_key
from safeshare.ledger.queries import note_body

__all__ = ["Problem", "Report", "VerifyError", "verify_ledger"]

# How far from its place a moved entry is looked for when its leaf does not match.
_MOVED_WINDOW = 64
_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"
_sha256 = hashlib.sha256


class VerifyError(Exception):
    """Verification could not run (for example, a checkpoint file that is not one)."""


@dataclass(frozen=True, order=True)
class Problem:
    sequence: int  # the entry (or tree size) where it shows, so reports read in order
    message: str


@dataclass
class Report:
    size: int = 0
    root: bytes | None = None
    records_checked: int = 0
    # Records that must have an entry (ledger/coverage.py), all of which were looked for.
    covered_checked: int = 0
    checkpoints_checked: int = 0
    # The checkpoints held elsewhere that were checked (--against: a note or a log).
    against: list[Checkpoint] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, sequence: int, message: str) -> None:
        self.problems.append(Problem(sequence, message))

    def lines(self, limit: int = 50) -> list[str]:
        ordered = sorted(self.problems)
        lines = [p.message for p in ordered[:limit]]
        if len(ordered) > limit:
            lines.append(f"... and {len(ordered) - limit} more problems")
        return lines


def _b64(h: bytes | None) -> str:
    return "(unknown)" if h is None else base64.b64encode(h).decode("ascii")


@dataclass
class _Target:
    """A root the tree must have at `size`: a signed checkpoint's."""

    size: int
    root: bytes
    label: str


class _Tree:
    """The frontier being rebuilt, checked against the stored nodes as they complete."""

    def __init__(self, nodes: Iterator[tuple[int, int, int, Any]], report: Report) -> None:
        # (level, hash or None when entries under it are missing, tainted): tainted marks
        # a subtree with a problem already reported, so its ancestors are not reported too.
        self.frontier: list[tuple[int, bytes | None, bool]] = []
        self.nodes = nodes
        self.report = report
        self.next_node = next(nodes, None)

    def _stored(self, key: int, level: int, index: int, sequence: int) -> bytes | None:
        while self.next_node is not None and self.next_node[0] < key:
            stray = self.next_node
            self.report.add(
                sequence,
                f"node ({stray[1]}, {stray[2]}) stored under key {stray[0]} does not belong "
                "to the tree: inserted or moved behind the application's back",
            )
            self.next_node = next(self.nodes, None)
        if self.next_node is None or self.next_node[0] != key:
            return None
        _, stored_level, stored_index, h = self.next_node
        self.next_node = next(self.nodes, None)
        if (stored_level, stored_index) != (level, index):
            self.report.add(sequence, f"node ({level}, {index}): its level or index was edited")
        return bytes(h)

    def append(self, sequence: int, leaf: bytes | None, tainted: bool = False) -> None:
        level, h = 0, leaf
        frontier = self.frontier
        while frontier and frontier[-1][0] == level:
            _, left, left_tainted = frontier.pop()
            tainted = tainted or left_tainted
            level += 1
            index = ((sequence + 1) >> level) - 1
            computed = (
                None if left is None or h is None else _sha256(_NODE_PREFIX + left + h).digest()
            )
            stored = self._stored(node_key(level, index), level, index, sequence)
            if stored is None:
                self.report.add(sequence, f"node ({level}, {index}) missing from the tree")
                h = computed
            else:
                if computed is not None and stored != computed:
                    if not tainted:
                        first = index << level
                        self.report.add(
                            sequence,
                            f"node ({level}, {index}) edited: its hash does not match the "
                            f"entries under it ({first} to {first + (1 << level) - 1})",
                        )
                    tainted = True
                # Go on from the stored node: a node edited alone leaves its ancestors
                # consistent with it, so the one bad row is the one reported.
                h = stored
        frontier.append((level, h, tainted))

    def root(self) -> bytes | None:
        if not self.frontier:
            return merkle.EMPTY_ROOT
        root = self.frontier[-1][1]
        for _, h, _ in reversed(self.frontier[:-1]):
            if h is None or root is None:
                return None
            root = _sha256(_NODE_PREFIX + h + root).digest()
        return root

    def finish(self, size: int) -> None:
        while self.next_node is not None:
            stray = self.next_node
            self.report.add(
                size,
                f"node ({stray[1]}, {stray[2]}) does not belong to the tree: inserted "
                "behind the application's back",
            )
            self.next_node = next(self.nodes, None)


def _time(value: Any) -> str:
    """The leaf's time text (as bundle.format_time writes it) from a stored value: SQLite
    gives a naive UTC datetime (or Django's UTC text), PostgreSQL an aware datetime."""
    if isinstance(value, str):
        fraction = value[20:26] if len(value) > 19 else "000000"
        return f"{value[:10]}T{value[11:19]}.{fraction:0<6}Z"
    if value.tzinfo is not None:
        value = value.astimezone(datetime.UTC).replace(tzinfo=None)
    # isoformat is several times faster than strftime; it drops a zero fraction.
    text: str = value.isoformat()
    return f"{text}.000000Z" if len(text) == 19 else f"{text}Z"


def _uuid(value: Any) -> str | None:
    """A stored UUID as canonical text: SQLite keeps 32 hex digits, PostgreSQL a UUID."""
    if value is None:
        return None
    if isinstance(value, str) and len(value) == 32:
        return f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:]}"
    return object_id(value)


def _leaf_fields(row: tuple[Any, ...]) -> dict[str, Any]:
    sequence, time, event_type, actor, organisation, otype, oid, digest, payload = row[:9]
    return {
        "sequence": sequence,
        "time": _time(time),
        "event_type": event_type,
        "actor": _uuid(actor),
        "organisation": _uuid(organisation),
        "object_type": otype,
        "object_id": oid,
        "record_digest": digest,
        "payload": json.loads(payload) if isinstance(payload, str) else payload,
    }


def _pages(table: str, columns: str, key: str, end: int, chunk: int) -> Iterator[Any]:
    """Rows with key < end in key order, a page at a time (keyset pagination), in plain
    SQL: the ORM's per-value converters cost more than all the hashing (a UUID object
    made and turned back into text, a datetime parsed and formatted again)."""
    quote = connection.ops.quote_name
    sql = (
        f"SELECT {columns} FROM {quote(table)} WHERE {quote(key)} >= %s "  # noqa: S608
        f"AND {quote(key)} < %s ORDER BY {quote(key)} LIMIT %s"
    )
    start = -1 << 62
    while True:
        with connection.cursor() as cursor:
            cursor.execute(sql, [start, end, chunk])
            rows = cursor.fetchall()
        yield from rows
        if len(rows) < chunk:
            return
        start = rows[-1][0] + 1


def _moved_from(fields: dict[str, Any], stored: bytes) -> int | None:
    """The sequence an entry's leaf was written with, when only its position changed."""
    sequence: int = fields["sequence"]
    for offset in range(1, _MOVED_WINDOW + 1):
        for candidate in (sequence - offset, sequence + offset):
            if candidate >= 0:
                trial = leaf_bytes({**fields, "sequence": candidate})
                if merkle.leaf_hash(trial) == stored:
                    return candidate
    return None


def _open(note: str, verifiers: Sequence[Verifier]) -> Checkpoint:
    body, _ = open_note(note, verifiers)
    return Checkpoint.parse(body)


def _held_elsewhere(against: str, verifiers: Sequence[Verifier]) -> list[Checkpoint]:
    """The checkpoints in a file held outside the database: one note, or a checkpoint log
    of many (ledger/checkpoint_log.py); every one must verify."""
    if not verifiers:
        raise VerifyError(
            "checking against a checkpoint needs the ledger's verifier key: give --key "
            "or configure SAFESHARE_LEDGER_SIGNING_KEY"
        )
    try:
        notes = split_notes(against)
    except LogError as exc:
        raise VerifyError(f"the checkpoint given is not a signed note: {exc}") from exc
    held: list[Checkpoint] = []
    for line, note in notes:
        try:
            cp = _open(note, verifiers)
        except (NoteError, CheckpointError) as exc:
            where = "" if len(notes) == 1 else f" (the note at line {line})"
            raise VerifyError(f"the checkpoint given{where} does not verify: {exc}") from exc
        if cp not in held:
            held.append(cp)
    return held


def _targets(
    report: Report, size: int, against: str | None, verifiers: Sequence[Verifier]
) -> dict[int, list[_Target]]:
    targets: dict[int, list[_Target]] = {}
    latest: SignedCheckpoint | None = None
    for stored in SignedCheckpoint.objects.order_by("size").iterator(chunk_size=2000):
        latest = stored
        try:
            cp = Checkpoint.parse(note_body(stored.note))
        except CheckpointError as exc:
            report.add(stored.size, f"checkpoint {stored.size} damaged: {exc}")
            continue
        if cp.size != stored.size or cp.root_hash != bytes(stored.root):
            report.add(
                stored.size, f"checkpoint {stored.size} edited: its row differs from its note"
            )
        targets.setdefault(cp.size, []).append(
            _Target(cp.size, cp.root_hash, f"signed checkpoint {cp.size}")
        )
        report.checkpoints_checked += 1
    if latest is not None and verifiers:
        try:
            _open(latest.note, verifiers)
        except (NoteError, CheckpointError) as exc:
            names = ", ".join(sorted({v.name for v in verifiers}))
            report.add(
                latest.size,
                f"checkpoint {latest.size}: signature does not verify with key {names}: {exc}",
            )
    if against is not None:
        report.against = _held_elsewhere(against, verifiers)
        for cp in report.against:
            targets.setdefault(cp.size, []).append(
                _Target(cp.size, cp.root_hash, "the checkpoint held elsewhere")
            )
    for target_size in sorted(targets):
        if target_size > size:
            for target in targets[target_size]:
                report.add(
                    size,
                    f"root mismatch: {target.label} covers {target_size} entries but the "
                    f"ledger holds {size}: entries have been removed or the ledger rolled back",
                )
    return targets


def _check_target(report: Report, tree: _Tree, size: int, targets: list[_Target]) -> None:
    root = tree.root()
    for target in targets:
        if root is None:
            report.add(size - 1, f"cannot check {target.label}: entries under it are missing")
        elif root != target.root:
            report.add(
                size - 1,
                f"root mismatch: {target.label} has root {_b64(target.root)} at size {size}, "
                f"but the ledger's first {size} entries give {_b64(root)}",
            )


def _column(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    return str(field.column)


def _slow_leaf(row: tuple[Any, ...]) -> tuple[dict[str, Any] | None, bytes | None]:
    """The row's fields and leaf bytes the canonical way; (None, None) when its payload is
    not JSON any more."""
    try:
        fields = _leaf_fields(row)
        return fields, leaf_bytes(fields)
    except (ValueError, TypeError):
        return None, None


def _stream_tree(report: Report, size: int, targets: dict[int, list[_Target]], chunk: int) -> _Tree:
    quote = connection.ops.quote_name
    entry_columns = ", ".join(
        quote(_column(Entry, name))
        for name in (
            "sequence",
            "time",
            "event_type",
            "actor",
            "organisation",
            "object_type",
            "object_id",
            "record_digest",
            "payload",
            "leaf_hash",
        )
    )
    entries = _pages(Entry._meta.db_table, entry_columns, "sequence", size, chunk)
    node_columns = ", ".join(quote(name) for name in ("key", "level", "index", "hash"))
    nodes = _pages(Node._meta.db_table, node_columns, "key", size << 6, chunk)
    tree = _Tree(nodes, report)
    if 0 in targets:
        _check_target(report, tree, 0, targets[0])
    expected = 0
    # Actors and organisations repeat: their text form once each (bounded: memory stays flat).
    uuids: dict[Any, str | None] = {None: None}
    sha256 = _sha256
    fast = fast_leaf_bytes
    append = tree.append
    for row in entries:
        sequence, time, event_type, actor, organisation, otype, oid, digest, payload, leaf = row
        if sequence != expected:
            gap = f"{expected}" if sequence == expected + 1 else f"{expected} to {sequence - 1}"
            report.add(
                expected,
                f"entry {gap} missing (sequence jumps from {expected - 1} to {sequence})",
            )
            for missing in range(expected, sequence):
                tree.append(missing, None)
                if missing + 1 in targets:
                    _check_target(report, tree, missing + 1, targets[missing + 1])
        stored = bytes(leaf)
        # SQLite keeps UTC text "YYYY-MM-DD HH:MM:SS.ffffff"; anything else goes the long way.
        if type(time) is str and len(time) == 26 and time[10] == " ":
            time = f"{time[:10]}T{time[11:]}Z"
        else:
            time = _time(time)
        if len(uuids) > 4096:
            uuids = {None: None}
        # The stored value is the key: `uuids[value] = value = ...` stores it before the
        # name is rebound (the other way round keys the text form, and nothing is found).
        if actor in uuids:
            actor = uuids[actor]
        else:
            uuids[actor] = actor = _uuid(actor)
        if organisation in uuids:
            organisation = uuids[organisation]
        else:
            uuids[organisation] = organisation = _uuid(organisation)
        data = (
            fast(sequence, time, event_type, actor, organisation, otype, oid, digest, payload)
            if type(payload) is str
            else None
        )
        edited = data is None or sha256(_LEAF_PREFIX + data).digest() != stored
        if edited:
            fields, data = _slow_leaf(row)
            edited = data is None or sha256(_LEAF_PREFIX + data).digest() != stored
            if edited:
                moved = None if fields is None else _moved_from(fields, stored)
                if moved is not None:
                    report.add(
                        sequence,
                        f"entries out of order: entry {sequence} holds the entry written as "
                        f"entry {moved}",
                    )
                else:
                    report.add(
                        sequence,
                        f"entry {sequence}: entry edited (leaf hash does not match its content)",
                    )
        append(sequence, stored, edited)
        expected = sequence + 1
        if expected in targets:
            _check_target(report, tree, expected, targets[expected])
    if expected < size:
        report.add(
            expected,
            f"entry {expected} missing (the log ends at {expected - 1} but the tree's nodes "
            f"reach entry {size - 1})",
        )
        for missing in range(expected, size):
            tree.append(missing, None)
            if missing + 1 in targets:
                _check_target(report, tree, missing + 1, targets[missing + 1])
    tree.finish(size)
    report.root = tree.root()
    return tree


def _extent() -> int:
    """The tree's size: past the newest entry, or past the newest node when entries under
    it have gone. One statement, so one snapshot of both tables."""
    quote = connection.ops.quote_name
    entry = quote(Entry._meta.db_table)
    node = quote(Node._meta.db_table)
    key = quote("key")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT MAX(sequence) FROM {entry}), (SELECT MAX({key}) FROM {node})"  # noqa: S608
        )
        last_entry, last_node = cursor.fetchone()
    size = 0 if last_entry is None else int(last_entry) + 1
    if last_node is not None:
        size = max(size, (int(last_node) >> 6) + 1)
    return size


_LATEST_SQL = """
SELECT e.object_id, e.sequence, e.record_digest FROM {entry} e
JOIN (SELECT object_id, MAX(sequence) AS latest FROM {entry}
      WHERE object_type = %s AND object_id > %s AND object_id >= %s AND sequence < %s{upto}
      GROUP BY object_id ORDER BY object_id LIMIT %s) m ON e.sequence = m.latest
ORDER BY e.object_id
"""

# Where the records of one type are cut into independent parts for the workers: object
# ids as text, so UUIDs (random hex) fall evenly; any other text still falls in one part.
_SPLITS = tuple("123456789abcdef")


def _record_types(report: Report, size: int) -> list[tuple[str, type[models.Model]]]:
    """The types entries below `size` are about, in order, each with its model; a type
    that names no model is reported here."""
    types = (
        Entry.objects.filter(sequence__lt=size)
        .order_by("object_type")
        .values_list("object_type", flat=True)
        .distinct()
    )
    found: list[tuple[str, type[models.Model]]] = []
    for object_type in list(types):
        try:
            found.append((object_type, apps.get_model(object_type)))
        except (LookupError, ValueError):
            report.add(0, f"records of type {object_type} cannot be checked: unknown type")
    return found


def _check_records(report: Report, size: int, batch: int) -> None:
    suspects: list[tuple[str, str, int, str]] = []
    for object_type, model in _record_types(report, size):
        _check_type(report, size, batch, object_type, model, "", None, suspects)
    _report_suspects(report, size, suspects)


def _check_type(
    report: Report,
    size: int,
    batch: int,
    object_type: str,
    model: type[models.Model],
    start: str,
    upto: str | None,
    suspects: list[tuple[str, str, int, str]],
) -> None:
    """The records of one type whose object ids (as text) are at least `start` and below
    `upto` (None: no bound): each against its latest entry below `size`; what does not
    match goes to `suspects`."""
    entry_table = connection.ops.quote_name(Entry._meta.db_table)
    sql = _LATEST_SQL.format(entry=entry_table, upto="" if upto is None else " AND object_id < %s")
    pk_field = model._meta.pk
    assert pk_field is not None
    after = ""
    while True:
        params: list[Any] = [object_type, after, start, size]
        if upto is not None:
            params.append(upto)
        params.append(batch)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if not rows:
            break
        pks = []
        for oid, _, _ in rows:
            try:
                pks.append(pk_field.to_python(oid))
            except ValidationError:
                continue
        current = record_digests(model, pks)
        differ = [oid for oid, _, digest in rows if oid in current and current[oid] != digest]
        # A record written before its model's storage changed (a column moved to a
        # content-addressed row, say) was digested in the form it had then: the model
        # rebuilds that form from what it stores now, and only a record matching
        # neither was edited (docs/adr/0010-content-addressed-explanations.md). A model
        # that only added columns names them and the value they were given instead.
        legacy = getattr(model, "ledger_legacy_digests", None)
        if legacy is None and getattr(model, "ledger_added_fields", None):
            legacy = partial(digests_before_added_fields, model)
        earlier: dict[str, set[str]] = legacy(differ) if legacy and differ else {}
        for oid, sequence, digest in rows:
            now = current.get(oid)
            report.records_checked += 1
            if now is None:
                suspects.append((object_type, oid, sequence, "missing"))
            elif now != digest and digest not in earlier.get(oid, ()):
                suspects.append((object_type, oid, sequence, "edited"))
        after = rows[-1][0]


def _report_suspects(report: Report, size: int, suspects: list[tuple[str, str, int, str]]) -> None:
    for object_type, oid, sequence, what in suspects:
        # Changed legitimately since verification started: its own later entry says so.
        if Entry.objects.filter(
            object_type=object_type, object_id=oid, sequence__gte=size
        ).exists():
            continue
        if what == "missing":
            report.add(
                sequence,
                f"record {object_type} {oid} missing (deleted after entry {sequence})",
            )
        else:
            report.add(sequence, f"record {object_type} {oid} edited after entry {sequence}")


class _ObjectId(Func):
    """A primary key column as entries store it (digest.object_id): a UUID hyphenated in
    lower case (SQLite keeps 32 hex digits, PostgreSQL a uuid), anything else as text.
    Computed on the record's side, so the entry side is a seek on ledger_entry_object."""

    template = "CAST(%(expressions)s AS TEXT)"
    output_field = CharField()

    def __init__(self, expression: Any, *, is_uuid: bool) -> None:
        super().__init__(expression)
        self.is_uuid = is_uuid

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, Any]:
        if not self.is_uuid:
            return self.as_sql(compiler, connection, **extra)
        pieces = ((1, 8), (9, 4), (13, 4), (17, 4), (21, 12))
        text = " || '-' || ".join(f"substr(%(expressions)s, {a}, {n})" for a, n in pieces)
        sql, params = self.as_sql(compiler, connection, template=f"({text})", **extra)
        # The column is written five times; a column has no parameters to repeat.
        assert not params
        return sql, params


def _is_uuid(model: type[models.Model]) -> bool:
    pk = model._meta.pk
    assert pk is not None
    # A one-to-one primary key (a profile keyed by its organisation) is its target's type.
    target = getattr(pk, "target_field", pk)
    return isinstance(target, models.UUIDField)


def _check_coverage(report: Report, size: int, batch: int) -> None:
    """Every record that must have an entry (ledger/coverage.py) has one below `size`, or
    one beyond it (written since verification started)."""
    for rule, model, rows in coverage.required():
        _check_rule(report, size, batch, rule, model, rows)


def _check_rule(
    report: Report,
    size: int,
    batch: int,
    rule: coverage.Rule,
    model: type[models.Model],
    rows: Q,
) -> None:
    """One rule's records: keyset pages of primary keys, each with an EXISTS seek on the
    entries' object index, then one IN query for the few without."""
    key = _ObjectId(F("pk"), is_uuid=_is_uuid(model))
    has_entry = Exists(
        Entry.objects.filter(
            object_type=rule.label,
            object_id=_ObjectId(OuterRef("pk"), is_uuid=_is_uuid(model)),
            sequence__lt=size,
        )
    )
    pages = (
        model._base_manager.filter(rows)
        .order_by("pk")
        .annotate(ledger_object_id=key, ledger_has_entry=has_entry)
        .values_list("ledger_object_id", "ledger_has_entry")
    )
    pk_field = model._meta.pk
    assert pk_field is not None
    without: list[str] = []
    after: Any = None
    while True:
        page = pages if after is None else pages.filter(pk__gt=after)
        # The key as text, not the primary key itself: no UUID made for every row.
        found = list(page[:batch])
        report.covered_checked += len(found)
        without.extend(oid for oid, has in found if not has)
        if len(found) < batch:
            break
        after = pk_field.to_python(found[-1][0])
    for start in range(0, len(without), batch):
        chunk = without[start : start + batch]
        # Made since verification started: its entry is beyond the tree checked here.
        later = set(
            Entry.objects.filter(
                object_type=rule.label, object_id__in=chunk, sequence__gte=size
            ).values_list("object_id", flat=True)
        )
        for oid in chunk:
            if oid not in later:
                report.add(
                    size,
                    f"record {rule.label} {oid}: no ledger entry: entries removed or "
                    "written behind the app",
                )


def verify_ledger(
    *,
    against: str | None = None,
    verifier: Verifier | Sequence[Verifier] | None = None,
    chunk_size: int = 20_000,
    record_batch: int = 2_000,
    coverage_batch: int = 10_000,
    jobs: int = 1,
) -> Report:
    """Check everything. `against` is the text of a file held outside the database: one
    signed checkpoint, or a checkpoint log of many; `verifier` the ledger's key, or its
    keys old and new after a rotation (a note must verify with one of them).

    `jobs` > 1 runs the passes in that many worker processes, each on a connection of its
    own, with the same report (problems in the same order) as one process gives. A caller
    inside a transaction, or on an in-memory database, is verified in its own process: a
    worker's connection would not see what that transaction wrote."""
    report = Report()
    size = _extent()
    report.size = size
    if verifier is None:
        verifiers: list[Verifier] = []
    elif isinstance(verifier, Verifier):
        verifiers = [verifier]
    else:
        verifiers = list(verifier)
    targets = _targets(report, size, against, verifiers)
    if jobs > 1 and _can_fork():
        batches = _Batches(chunk_size, record_batch, coverage_batch)
        _in_workers(report, size, targets, batches, jobs)
        return report
    _stream_tree(report, size, targets, chunk_size)
    _check_records(report, size, record_batch)
    _check_coverage(report, size, coverage_batch)
    _check_addresses(report, size, record_batch)
    return report


@dataclass(frozen=True)
class _Batches:
    chunk: int
    records: int
    coverage: int


def _can_fork() -> bool:
    if "fork" not in multiprocessing.get_all_start_methods():
        return False
    for alias in connections:
        db: Any = connections[alias]
        if db.in_atomic_block:
            return False
        if db.vendor == "sqlite" and db.is_in_memory_db():
            return False
    return True


def _in_workers(
    report: Report,
    size: int,
    targets: dict[int, list[_Target]],
    batches: _Batches,
    jobs: int,
) -> None:
    """The passes split into independent tasks run by `jobs` forked processes; the parts'
    problems joined in the order one process would have found them."""
    planned = len(report.problems)
    types = _record_types(report, size)
    unknown = Report(problems=report.problems[planned:])
    del report.problems[planned:]
    rules = len(list(coverage.required()))
    bounds = ("", *_SPLITS, None)
    tasks: list[Any] = [("tree", size, targets)]
    # The largest first, so no worker is left with a long task at the end.
    tasks += [("coverage", size, index) for index in range(rules)]
    tasks += [
        ("records", size, object_type, bounds[i], bounds[i + 1])
        for object_type, _ in types
        for i in range(len(bounds) - 1)
    ]
    tasks.append(("addresses", size, 0))
    # Each worker opens its own connection: none may share the parent's.
    connections.close_all()
    pool = multiprocessing.get_context("fork").Pool(
        min(jobs, len(tasks)), initializer=_worker_started, initargs=(batches,)
    )
    try:
        parts: list[Report] = pool.map(_run_task, tasks, chunksize=1)
        pool.close()
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()
    by_kind: dict[str, list[Report]] = {"records": []}
    for task, part in zip(tasks, parts, strict=True):
        by_kind.setdefault(task[0], []).append(part)
    (tree,) = by_kind["tree"]
    report.root = tree.root
    # In the order one process finds them: the tree's, unknown types', the records',
    # coverage's, then the content-addressed rows'.
    for part in [tree, unknown, *by_kind["records"], *by_kind["coverage"], *by_kind["addresses"]]:
        report.problems.extend(part.problems)
        report.records_checked += part.records_checked
        report.covered_checked += part.covered_checked


_batches = _Batches(0, 0, 0)


def _worker_started(batches: _Batches) -> None:
    global _batches
    _batches = batches
    # A worker's connections are closed when it exits (the pool is closed, then joined).
    multiprocessing.util.Finalize(None, connections.close_all, exitpriority=10)


def _run_task(task: Any) -> Report:
    part = Report()
    kind, size = task[0], task[1]
    if kind == "tree":
        _stream_tree(part, size, task[2], _batches.chunk)
    elif kind == "records":
        object_type, start, upto = task[2], task[3], task[4]
        suspects: list[tuple[str, str, int, str]] = []
        model = apps.get_model(object_type)
        _check_type(part, size, _batches.records, object_type, model, start, upto, suspects)
        _report_suspects(part, size, suspects)
    elif kind == "coverage":
        rule, model, rows = list(coverage.required())[task[2]]
        _check_rule(part, size, _batches.coverage, rule, model, rows)
    else:
        _check_addresses(part, size, _batches.records)
    return part


def _check_addresses(report: Report, size: int, batch: int) -> None:
    """Content-addressed rows (a record digest covers only their address): each row's
    content must still hash to the address it is stored under. A model opts in with
    `ledger_content_addressed = (address attname, function of the content)`."""
    for model in apps.get_models():
        spec = getattr(model, "ledger_content_addressed", None)
        if spec is None:
            continue
        address, digest_of_content = spec
        after = ""
        while True:
            page = list(
                model._base_manager.filter(**{f"{address}__gt": after})
                .order_by(address)
                .values_list(address, "content")[:batch]
            )
            for stored, content in page:
                report.records_checked += 1
                if digest_of_content(content) != stored:
                    report.add(
                        size,
                        f"record {model._meta.label_lower} {stored} edited: its content no "
                        "longer hashes to the address it is stored under",
                    )
            if len(page) < batch:
                break
            after = page[-1][0]
