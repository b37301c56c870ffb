"""Appending to the ledger and signing checkpoints: the only code that writes ledger rows.

Other apps' actions call `append_entry` inside their own `transaction.atomic()`, after
the change it records, so the entry commits (or rolls back) with that change.
"""

from __future__ import annotations

import datetime
import hashlib
import re
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.base import ModelState
from django.utils import timezone

from safeshare.accounts.models import Organisation, User
from safeshare.ledger import checkpoint_log, coverage, keys, merkle, queries
from safeshare.ledger.bundle import canonical_text, fast_leaf_bytes, leaf_bytes
from safeshare.ledger.checkpoint import Checkpoint
from safeshare.ledger.checkpoint import sign_checkpoint as sign_checkpoint_note
from safeshare.ledger.digest import model_label, object_id, record_digest
from safeshare.ledger.models import Entry, Node, SignedCheckpoint, node_key

__all__ = [
    "CheckpointLogError",
    "InconsistentCheckpoint",
    "InvalidEntry",
    "LedgerError",
    "NotInTransaction",
    "append_entry",
    "sign_checkpoint",
    "sign_checkpoint_if_grown",
]

EVENT_TYPE = re.compile(r"^[a-z_]+(\.[a-z_]+){2,}$")
PAYLOAD_KEY = re.compile(r"^[a-z][a-z0-9_]{0,49}$")
MAX_PAYLOAD_KEYS = 20
MAX_PAYLOAD_CHARS = 200
# JSON numbers beyond 2**53 lose precision in other languages' parsers.
MAX_PAYLOAD_INT = 2**53


class LedgerError(Exception):
    """The ledger refused an append or a signature."""


class InvalidEntry(LedgerError, ValueError):
    """An entry's event type or payload breaks the ledger's rules."""


class NotInTransaction(LedgerError):
    """append_entry was called outside the caller's transaction."""


class InconsistentCheckpoint(LedgerError):
    """Signing would contradict a checkpoint already signed, or the stored tree."""


def _check_event_type(event_type: str) -> None:
    if not isinstance(event_type, str) or not EVENT_TYPE.fullmatch(event_type):
        raise InvalidEntry(
            f"event type {event_type!r} must be namespaced lower-case words, "
            "like decisions.decision.finalised"
        )


def _check_payload(payload: Mapping[str, Any] | None) -> dict[str, Any]:
    """Ids, codes and counts only: the ledger is shown to partners and must never hold
    personal data, which short scalar values under fixed keys make hard to slip in."""
    if payload is None:
        return {}
    if not isinstance(payload, Mapping):
        raise InvalidEntry("the payload must be a mapping of names to short values")
    if len(payload) > MAX_PAYLOAD_KEYS:
        raise InvalidEntry(f"the payload holds {len(payload)} values; at most 20 are allowed")
    clean: dict[str, Any] = {}
    for key, value in payload.items():
        if not isinstance(key, str) or not PAYLOAD_KEY.fullmatch(key):
            raise InvalidEntry(f"payload name {key!r} must be a short lower-case identifier")
        if isinstance(value, str):
            if len(value) > MAX_PAYLOAD_CHARS:
                raise InvalidEntry(
                    f"payload value {key!r} is {len(value)} characters; at most 200 are allowed"
                )
        elif isinstance(value, bool) or value is None:
            pass
        elif isinstance(value, int):
            if abs(value) > MAX_PAYLOAD_INT:
                raise InvalidEntry(f"payload value {key!r} is too large a number")
        else:
            raise InvalidEntry(
                f"payload value {key!r} must be a string, whole number, true, false or "
                f"null (ids, codes and counts), not {type(value).__name__}"
            )
        clean[key] = value
    return clean


# PostgreSQL: the transaction-level advisory lock that serialises appends (and signing)
# until the transaction ends. Any fixed 64-bit number works; this one is the first eight
# bytes of SHA-256("safeshare.ledger.append"), so other code will not pick it by chance.
APPEND_LOCK = int.from_bytes(
    hashlib.sha256(b"safeshare.ledger.append").digest()[:8], "big", signed=True
)
_ENTRY_COLUMNS = (
    "sequence",
    "uuid",
    "time",
    "event_type",
    "actor_id",
    "organisation_id",
    "object_type",
    "object_id",
    "record_digest",
    "payload",
    "leaf_hash",
)


class _Statements:
    """The append's SQL for one database vendor, written once."""

    def __init__(self, db: BaseDatabaseWrapper) -> None:
        quote = db.ops.quote_name
        mark = "?" if db.vendor == "sqlite" else "%s"
        entry = quote(Entry._meta.db_table)
        node = quote(Node._meta.db_table)
        self.mark = mark
        # The newest entry is the head: on SQLite a seek to the last rowid, on
        # PostgreSQL a backward step on the primary key index.
        self.last = f"SELECT sequence, leaf_hash FROM {entry} ORDER BY sequence DESC LIMIT 1"  # noqa: S608
        self.nodes = f"SELECT {quote('key')}, hash FROM {node} WHERE {quote('key')} IN "  # noqa: S608
        columns = ", ".join(quote(c) for c in _ENTRY_COLUMNS)
        marks = ", ".join([mark] * len(_ENTRY_COLUMNS))
        self.entry = f"INSERT INTO {entry} ({columns}) VALUES ({marks})"  # noqa: S608
        node_columns = ", ".join(quote(c) for c in ("key", "level", "index", "hash"))
        one = f"({mark}, {mark}, {mark}, {mark})"
        # An append completes at most 63 nodes; one statement whatever their number.
        self.node_inserts = [""] + [
            f"INSERT INTO {node} ({node_columns}) VALUES {', '.join([one] * n)}"  # noqa: S608
            for n in range(1, 64)
        ]


_statements: dict[str, _Statements] = {}


def _sql(db: BaseDatabaseWrapper) -> _Statements:
    statements = _statements.get(db.vendor)
    if statements is None:
        statements = _statements[db.vendor] = _Statements(db)
    return statements


def _lock(cursor: Any, db: BaseDatabaseWrapper) -> None:
    """Hold the append lock until the transaction ends.

    PostgreSQL: a transaction-level advisory lock, which needs no row, so the first append
    into an empty ledger waits like any other. SQLite: the IMMEDIATE transaction that
    settings.py asks for already holds the database's single write lock from BEGIN.
    """
    if db.vendor == "postgresql":
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [APPEND_LOCK])


def _merge_partners(
    cursor: Any, sql: _Statements, size: int, last_leaf: bytes
) -> dict[tuple[int, int], bytes]:
    """The stored nodes that leaf `size` merges with (merkle.nodes_needed_for_append), by
    (level, index): the last leaf, which the head gave, and the right edge's nodes above
    it, in one query. Half of all appends need none of them."""
    needed = merkle.nodes_needed_for_append(size)
    if not needed:
        return {}
    found = {needed[0]: last_leaf}
    if len(needed) > 1:
        keys = {node_key(level, index): (level, index) for level, index in needed[1:]}
        cursor.execute(sql.nodes + "(" + ", ".join([sql.mark] * len(keys)) + ")", list(keys))
        rows = {key: bytes(h) for key, h in cursor.fetchall()}
        for key, node in keys.items():
            h = rows.get(key)
            if h is None or len(h) != merkle.HASH_SIZE:
                raise LedgerError(
                    f"the ledger's tree node {key} is missing or damaged, so nothing can be "
                    "appended; run `safeshare ledger verify`"
                )
            found[node] = h
    return found


def _head(cursor: Any, sql: _Statements) -> tuple[int, bytes]:
    """The tree's size and its last leaf hash (b"" when empty), under the append lock."""
    cursor.execute(sql.last)
    row = cursor.fetchone()
    if row is None:
        return 0, b""
    return int(row[0]) + 1, bytes(row[1])


def _db_value(db: BaseDatabaseWrapper, value: Any) -> Any:
    # SQLite keeps a UUID as 32 hex digits (Django's UUIDField without a native type).
    if db.vendor == "sqlite" and isinstance(value, uuid.UUID):
        return value.hex
    return value


def append_entry(
    *,
    event_type: str,
    actor: User | None,
    organisation: Organisation | None,
    obj: models.Model,
    payload: Mapping[str, str | int | bool | None] | None = None,
) -> Entry:
    """Append one entry recording `event_type` on `obj`, in the caller's transaction.

    Computes `obj`'s digest from its stored row, appends the leaf and the tree nodes it
    completes. Raises NotInTransaction outside transaction.atomic(), InvalidEntry for a
    malformed event type or payload.
    """
    # The wrapper itself, not the `connection` proxy, whose every attribute lookup goes
    # through a thread-local.
    db = connections[DEFAULT_DB_ALIAS]
    if not db.in_atomic_block:
        raise NotInTransaction(
            "append_entry must run inside the caller's transaction.atomic(), so the entry "
            "is committed or rolled back together with the change it records"
        )
    _check_event_type(event_type)
    clean_payload = _check_payload(payload)
    if not issubclass(type(obj), models.Model):
        # A lazy proxy such as request.user (isinstance() sees through it, type() does not):
        # the digest and the entry need the real model class, so load the instance.
        model: Any = obj.__class__
        obj = model._default_manager.get(pk=obj.pk)
    object_type = model_label(obj)
    if object_type not in coverage.LABELS:
        raise InvalidEntry(coverage.unlisted(object_type))
    digest = record_digest(obj, db)
    payload_json = canonical_text(clean_payload)
    entry_uuid = uuid.uuid4()
    actor_id = None if actor is None else actor.pk
    organisation_id = None if organisation is None else organisation.pk
    actor_text = None if actor_id is None else object_id(actor_id)
    organisation_text = None if organisation_id is None else object_id(organisation_id)
    object_key = object_id(obj.pk)
    sql = _sql(db)
    sqlite = db.vendor == "sqlite"
    with db.wrap_database_errors:
        # SQLite: the sqlite3 connection itself, with ? placeholders, skips the wrapper's
        # per-statement query rewriting (a measurable share of an append).
        cursor: Any = db.connection.cursor() if sqlite else db.cursor()
        try:
            _lock(cursor, db)
            size, last_leaf = _head(cursor, sql)
            partners = _merge_partners(cursor, sql, size, last_leaf)
            # Taken under the lock, so times never go backwards along the sequence.
            now = timezone.now()
            naive = now.astimezone(datetime.UTC).replace(tzinfo=None)
            time_text = naive.isoformat(timespec="microseconds") + "Z"
            data = fast_leaf_bytes(
                size,
                time_text,
                event_type,
                actor_text,
                organisation_text,
                object_type,
                object_key,
                digest,
                payload_json,
            )
            if data is None:
                data = leaf_bytes(
                    {
                        "sequence": size,
                        "time": time_text,
                        "event_type": event_type,
                        "actor": actor_text,
                        "organisation": organisation_text,
                        "object_type": object_type,
                        "object_id": object_key,
                        "record_digest": digest,
                        "payload": clean_payload,
                    }
                )
            leaf = merkle.leaf_hash(data)
            cursor.execute(
                sql.entry,
                [
                    size,
                    entry_uuid.hex if sqlite else entry_uuid,
                    # Django's own forms: UTC text on SQLite, an aware datetime elsewhere.
                    str(naive) if sqlite else now,
                    event_type,
                    _db_value(db, actor_id),
                    _db_value(db, organisation_id),
                    object_type,
                    object_key,
                    digest,
                    payload_json if sqlite else _payload_param(db, clean_payload),
                    leaf,
                ],
            )
            if partners:
                # Level 0 is the entry's own leaf_hash; only interior nodes are stored.
                params: list[Any] = []
                completed = merkle.completed_by_append_from_nodes(
                    lambda level, index: partners[level, index], size, leaf
                )
                for level, index, h in completed:
                    params += [node_key(level, index), level, index, h]
                cursor.execute(sql.node_inserts[len(completed)], params)
        finally:
            cursor.close()
    entry = Entry.__new__(Entry)
    entry.__dict__.update(
        sequence=size,
        uuid=entry_uuid,
        time=now,
        event_type=event_type,
        actor_id=actor_id,
        organisation_id=organisation_id,
        object_type=object_type,
        object_id=object_key,
        record_digest=digest,
        payload=clean_payload,
        leaf_hash=leaf,
    )
    state = ModelState()
    state.adding = False
    state.db = db.alias
    entry._state = state
    return entry


_payload_field: Any = Entry._meta.get_field("payload")


def _payload_param(db: BaseDatabaseWrapper, payload: dict[str, Any]) -> Any:
    return _payload_field.get_db_prep_save(payload, db)


class CheckpointLogError(LedgerError):
    """A checkpoint was signed and stored, but could not be appended to the checkpoint log
    (SAFESHARE_LEDGER_CHECKPOINT_LOG). `stored` is the checkpoint, valid all the same."""

    def __init__(self, stored: SignedCheckpoint, path: Path, reason: str) -> None:
        self.stored = stored
        super().__init__(
            f"checkpoint {stored.size} was signed, but could not be added to the checkpoint "
            f"log {path}: {reason}. Add it by hand: "
            f"`{{ safeshare ledger checkpoint --size {stored.size}; echo; }} >> {path}`"
        )


def _log_after_commit(stored: SignedCheckpoint) -> None:
    """Append the new checkpoint to the checkpoint log once its transaction commits (a
    rolled-back signature is no checkpoint)."""
    path = checkpoint_log.configured_path()
    if path is None:
        return

    def append() -> None:
        try:
            checkpoint_log.append(path, stored.note)
        except OSError as exc:
            raise CheckpointLogError(stored, path, exc.strerror or str(exc)) from exc

    transaction.on_commit(append)


def sign_checkpoint() -> SignedCheckpoint:
    """Sign the tree as it stands, unless the last signed checkpoint already covers it;
    either way return the latest signed checkpoint.

    Refuses (InconsistentCheckpoint) when the tree is not an extension of the last
    checkpoint signed, proven with an RFC 9162 consistency proof from the node store, or
    when the newest entry's leaf is not the hash of its content, or a node the root needs
    is missing: signing then would vouch for a rewrite. Raises keys.SigningKeyMissing
    without a key. A new checkpoint is appended to the checkpoint log when the
    transaction commits (CheckpointLogError if that fails).
    """
    return _sign()[0]


def sign_checkpoint_if_grown() -> SignedCheckpoint | None:
    """The new checkpoint, when the tree has grown since the last one signed; None when
    it has not (nothing is signed). Refuses as sign_checkpoint does."""
    stored, signed = _sign()
    return stored if signed else None


def sign_checkpoint_job(*, now: datetime.datetime | None = None) -> int:
    """The scheduled job (safeshare.jobs): 1 when it signed a checkpoint, 0 when the tree
    had not grown. Shares sign_checkpoint_if_grown with `safeshare ledger checkpoint
    --if-grown`; a missing key or an inconsistent tree raises, and the job run records it."""
    return 0 if sign_checkpoint_if_grown() is None else 1


def _sign() -> tuple[SignedCheckpoint, bool]:
    signer = keys.signer()
    with transaction.atomic():
        db = connections[DEFAULT_DB_ALIAS]
        with db.cursor() as cursor:
            # Under the append lock, so the size and the root are of one tree.
            _lock(cursor, db)
            size, last_leaf = _head(cursor, _sql(db))
        if size:
            newest = Entry.objects.get(sequence=size - 1)
            if merkle.leaf_hash(leaf_bytes(queries.leaf_fields(newest))) != last_leaf:
                raise InconsistentCheckpoint(
                    f"refusing to sign: entry {size - 1} does not match its leaf hash; run "
                    "`safeshare ledger verify`"
                )
        try:
            root = queries.root_at(size)
        except queries.MissingNode as exc:
            raise InconsistentCheckpoint(
                f"refusing to sign size {size}: {exc}; run `safeshare ledger verify`"
            ) from exc
        last = SignedCheckpoint.objects.order_by("-size").first()
        if last is not None:
            last_cp = queries.checkpoint_of(last)
            if last_cp.size > size:
                raise InconsistentCheckpoint(
                    f"refusing to sign size {size}: checkpoint {last_cp.size} was already "
                    "signed, so entries have gone"
                )
            proof = queries.consistency_proof(last_cp.size, size)
            if not merkle.verify_consistency(last_cp.size, size, last_cp.root_hash, root, proof):
                raise InconsistentCheckpoint(
                    f"refusing to sign size {size}: the tree is not an extension of the last "
                    f"signed checkpoint (size {last_cp.size}); run `safeshare ledger verify`"
                )
            if last_cp.size == size:
                return last, False
        note = sign_checkpoint_note(Checkpoint(keys.origin(), size, root), signer)
        stored = SignedCheckpoint.objects.create(
            size=size, root=root, note=note, signed_at=timezone.now()
        )
        _log_after_commit(stored)
    return stored, True
