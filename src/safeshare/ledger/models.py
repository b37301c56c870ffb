"""The tamper-evident ledger: entries, the Merkle tree's nodes, signed checkpoints.

Every table here is append-only; database triggers (migration 0002,
`safeshare.core.immutability`) refuse UPDATE and DELETE. docs/adr/0004-ledger-storage.md
explains the layout:

* `Entry` is leaf `sequence` of the RFC 9162 tree; its leaf hash lives on the entry, so the
  tree's level 0 is not stored twice. The newest entry is the head: the tree's size is its
  sequence + 1, and the right-edge frontier is stored nodes (no head row to update).
* `Node` holds every complete perfect subtree above level 0, keyed by `node_key(level,
  index)`, which orders nodes exactly as appends create them, so verification can read the
  table in one pass beside the entries.
* `SignedCheckpoint` keeps every signed note the service has issued.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper

from safeshare.accounts.models import Organisation, User

# Level fits in 6 bits: 2**63 leaves is far beyond any ledger.
_LEVEL_BITS = 6


def node_key(level: int, index: int) -> int:
    """Primary key of node (level, index): its last leaf, then its level.

    Node (level, index) becomes complete when leaf ((index + 1) << level) - 1 is appended,
    and one append completes nodes in rising level, so ordering by this key is the order
    in which appends create nodes.
    """
    return ((((index + 1) << level) - 1) << _LEVEL_BITS) | level


class SequenceField(models.BigIntegerField):  # type: ignore[type-arg]
    """A 64-bit integer primary key that SQLite keeps as the table's rowid.

    SQLite makes a column the rowid only when its type is exactly INTEGER; BIGINT would
    add a second index to every append and make an ordered scan an index walk.
    """

    def db_type(self, connection: BaseDatabaseWrapper) -> str | None:
        if connection.vendor == "sqlite":
            return "integer"
        return super().db_type(connection)


class Entry(models.Model):
    """One event, leaf `sequence` of the tree. Personal data never goes in here: only ids,
    codes and the digest of the record the event is about."""

    sequence = SequenceField(primary_key=True)
    uuid = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    time = models.DateTimeField()
    event_type = models.CharField(max_length=100)
    # No index on actor or organisation: no query looks entries up by them (an entry is
    # found by uuid, or by the object it records), and each index is one more page for
    # every append's commit to write (docs/performance.md). Users and organisations are
    # never deleted (PROTECT), so the foreign keys need no index for that either.
    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True, db_index=False
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        db_index=False,
    )
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    record_digest = models.CharField(max_length=64)
    payload = models.JSONField(default=dict)
    leaf_hash = models.BinaryField(max_length=32)

    class Meta:
        verbose_name_plural = "entries"
        indexes = [
            models.Index(
                fields=["object_type", "object_id", "sequence"], name="ledger_entry_object"
            )
        ]

    def __str__(self) -> str:
        return f"Ledger entry {self.sequence} {self.event_type}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("Ledger entries are written by safeshare.ledger.actions.append_entry")


class Node(models.Model):
    """Hash of the complete perfect subtree of 2**level leaves from index * 2**level."""

    key = SequenceField(primary_key=True)
    level = models.PositiveSmallIntegerField()
    index = models.BigIntegerField()
    hash = models.BinaryField(max_length=32)

    def __str__(self) -> str:
        return f"Ledger node ({self.level}, {self.index})"


class SignedCheckpoint(models.Model):
    """A C2SP signed note over the tree at `size`, as the service issued it."""

    size = SequenceField(primary_key=True)
    root = models.BinaryField(max_length=32)
    note = models.TextField()
    signed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Signed checkpoint at size {self.size}"


class Witness(models.Model):
    """A witness this ledger sends its checkpoints to (tlog-witness add-checkpoint)."""

    name = models.CharField(max_length=100, unique=True)
    url = models.URLField(max_length=500)  # the witness's base; it serves <url>/add-checkpoint
    key = models.TextField()  # its cosignature/v1 verifier key
    added_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.name


class Cosignature(models.Model):
    """A witness's cosignature of one signed checkpoint (write-once)."""

    witness = models.ForeignKey(Witness, on_delete=models.PROTECT, related_name="cosignatures")
    size = models.BigIntegerField()
    line = models.TextField()
    received_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["witness", "size"], name="one_cosignature_per_size")
        ]

    def __str__(self) -> str:
        return f"{self.witness_id} at {self.size}"


class WitnessFailure(models.Model):
    """A witness refused a checkpoint (its status code) or did not answer (write-once)."""

    witness = models.ForeignKey(Witness, on_delete=models.PROTECT, related_name="failures")
    size = models.BigIntegerField()
    old_size = models.BigIntegerField()
    status = models.PositiveSmallIntegerField(null=True)  # None: no answer (timeout, refused)
    detail = models.CharField(max_length=200)
    time = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.witness_id} {self.status} at {self.size}"
