"""Appending to the ledger and signing checkpoints: the only code that writes ledger rows.

Other apps' actions call `append_entry` inside their own `transaction.atomic()`, after
the change it records, so the entry commits (or rolls back) with that change.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper
from django.utils import timezone

from safeshare.accounts.models import Organisation, User
from safeshare.ledger import keys, merkle, queries
from safeshare.ledger.bundle import format_time, leaf_bytes
from safeshare.ledger.checkpoint import Checkpoint
from safeshare.ledger.checkpoint import sign_checkpoint as sign_checkpoint_note
from safeshare.ledger.digest import model_label, object_id, record_digest
from safeshare.ledger.models import Entry, LedgerHead, Node, SignedCheckpoint, node_key

__all__ = [
    "InconsistentCheckpoint",
    "InvalidEntry",
    "LedgerError",
    "NotInTransaction",
    "append_entry",
    "sign_checkpoint",
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


def _frontier(size: int, blob: bytes) -> merkle.Frontier:
    levels = [level for level in range(size.bit_length() - 1, -1, -1) if size >> level & 1]
    if len(blob) != merkle.HASH_SIZE * len(levels):
        raise LedgerError(f"the ledger head's frontier does not fit its size {size}")
    return [
        (level, blob[i * merkle.HASH_SIZE : (i + 1) * merkle.HASH_SIZE])
        for i, level in enumerate(levels)
    ]


def _lock_head(cursor: CursorWrapper, db: BaseDatabaseWrapper) -> tuple[int, merkle.Frontier]:
    """Read the head, holding the append lock until the transaction ends.

    PostgreSQL: the row lock (FOR UPDATE). SQLite: the IMMEDIATE transaction that
    settings.py asks for already holds the database's single write lock.
    """
    table = db.ops.quote_name(LedgerHead._meta.db_table)
    select = f"SELECT size, frontier FROM {table} WHERE id = 1"  # noqa: S608 — table name only
    if db.features.has_select_for_update:
        select += " FOR UPDATE"
    cursor.execute(select)
    row = cursor.fetchone()
    if row is None:
        # First append (or the table was emptied in tests). ON CONFLICT: a concurrent
        # first append on PostgreSQL waits here, then reads the other's head.
        cursor.execute(
            f"INSERT INTO {table} (id, size, frontier, root) VALUES (1, 0, %s, %s) "  # noqa: S608
            "ON CONFLICT (id) DO NOTHING",
            [b"", merkle.EMPTY_ROOT],
        )
        cursor.execute(select)
        row = cursor.fetchone()
    size = int(row[0])
    return size, _frontier(size, bytes(row[1]))


def _insert(
    cursor: CursorWrapper,
    db: BaseDatabaseWrapper,
    model: type[models.Model],
    rows: list[dict[str, Any]],
) -> None:
    """One multi-row INSERT. The ORM would cost more per append than the commit itself
    (docs/performance.md), so the hot path prepares values through the model's fields."""
    fields: list[Any] = [model._meta.get_field(name) for name in rows[0]]
    quote = db.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    params = [field.get_db_prep_save(row[field.name], db) for row in rows for field in fields]
    cursor.execute(
        f"INSERT INTO {quote(model._meta.db_table)} ({columns}) "  # noqa: S608 — names only
        f"VALUES {', '.join([one] * len(rows))}",
        params,
    )


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
    completes, and moves the head. Raises NotInTransaction outside transaction.atomic(),
    InvalidEntry for a malformed event type or payload.
    """
    # The wrapper itself, not the `connection` proxy, whose every attribute lookup goes
    # through a thread-local: an append makes hundreds of them.
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
    digest = record_digest(obj, db)
    entry_uuid = uuid.uuid4()
    actor_id = None if actor is None else actor.pk
    organisation_id = None if organisation is None else organisation.pk
    with db.cursor() as cursor:
        size, frontier = _lock_head(cursor, db)
        # Taken under the lock, so times never go backwards along the sequence.
        now = timezone.now()
        fields = {
            "sequence": size,
            "time": format_time(now),
            "event_type": event_type,
            "actor": None if actor_id is None else object_id(actor_id),
            "organisation": None if organisation_id is None else object_id(organisation_id),
            "object_type": model_label(obj),
            "object_id": object_id(obj.pk),
            "record_digest": digest,
            "payload": clean_payload,
        }
        leaf = merkle.leaf_hash(leaf_bytes(fields))
        new_frontier, created = merkle.frontier_append(frontier, leaf)
        row = {
            "sequence": size,
            "uuid": entry_uuid,
            "time": now,
            "event_type": event_type,
            "actor": actor_id,
            "organisation": organisation_id,
            "object_type": fields["object_type"],
            "object_id": fields["object_id"],
            "record_digest": digest,
            "payload": clean_payload,
            "leaf_hash": leaf,
        }
        _insert(cursor, db, Entry, [row])
        # Level 0 is the entry's own leaf_hash; only interior nodes go in the node table.
        nodes = [
            {"key": node_key(level, index), "level": level, "index": index, "hash": h}
            for level, index, h in created
            if level > 0
        ]
        if nodes:
            _insert(cursor, db, Node, nodes)
        head = db.ops.quote_name(LedgerHead._meta.db_table)
        cursor.execute(
            f"UPDATE {head} SET size = %s, frontier = %s, root = %s "  # noqa: S608
            "WHERE id = 1 AND size = %s",
            [
                size + 1,
                b"".join(h for _, h in new_frontier),
                merkle.frontier_root(new_frontier),
                size,
            ],
        )
        if cursor.rowcount != 1:
            raise LedgerError("the ledger head moved during an append; nothing was written")
    entry = Entry(
        sequence=size,
        uuid=entry_uuid,
        time=now,
        event_type=event_type,
        actor_id=actor_id,
        organisation_id=organisation_id,
        object_type=str(fields["object_type"]),
        object_id=str(fields["object_id"]),
        record_digest=digest,
        payload=clean_payload,
        leaf_hash=leaf,
    )
    entry._state.adding = False
    entry._state.db = db.alias
    return entry


def sign_checkpoint() -> SignedCheckpoint:
    """Sign the tree as it stands, unless the last signed checkpoint already covers it.

    Refuses (InconsistentCheckpoint) when the tree is not an extension of the last
    checkpoint signed, proven with an RFC 9162 consistency proof from the node store, or
    when the stored nodes and the head disagree: signing then would vouch for a rewrite.
    Raises keys.SigningKeyMissing without a key.
    """
    signer = keys.signer()
    with transaction.atomic():
        db = connections[DEFAULT_DB_ALIAS]
        with db.cursor() as cursor:
            size, frontier = _lock_head(cursor, db)
        root = merkle.frontier_root(frontier)
        if queries.root_at(size) != root:
            raise InconsistentCheckpoint(
                f"refusing to sign: the stored tree nodes at size {size} do not give the "
                "head's root; run `safeshare ledger verify`"
            )
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
                return last
        note = sign_checkpoint_note(Checkpoint(keys.origin(), size, root), signer)
        return SignedCheckpoint.objects.create(
            size=size, root=root, note=note, signed_at=timezone.now()
        )
