"""The logs this deployment witnesses (tlog-witness), and the checkpoints it refused."""

from __future__ import annotations

from django.db import models


class WitnessedLog(models.Model):
    """A log this deployment cosigns: its origin, its checkpoint key, and the latest
    size and root hash it cosigned (only ever moved forward by actions.add_checkpoint)."""

    origin = models.CharField(max_length=255, unique=True)
    key = models.TextField()  # the log's note verifier key, <name>+<id>+<base64>
    size = models.BigIntegerField(default=0)
    root = models.BinaryField(max_length=32, null=True)
    added_at = models.DateTimeField()
    updated_at = models.DateTimeField(null=True)

    # The ledger entry (witness.log.added) records which log and key; the latest size
    # and root move forward with every cosignature and are not part of its digest.
    ledger_exclude_fields = frozenset({"size", "root", "updated_at"})

    def __str__(self) -> str:
        return self.origin


class Refusal(models.Model):
    """A checkpoint signed by a witnessed log that this witness refused (write-once):
    a rollback, a fork or a bad proof."""

    CONFLICT = "conflict"  # the old size is not the latest cosigned size
    FORK = "fork"  # same size, different root
    BAD_PROOF = "bad_proof"  # the consistency proof does not verify
    REASONS = [(CONFLICT, "Old size conflict"), (FORK, "Root conflict"), (BAD_PROOF, "Bad proof")]

    origin = models.CharField(max_length=255)
    reason = models.CharField(max_length=20, choices=REASONS)
    status = models.PositiveSmallIntegerField()
    old_size = models.BigIntegerField()
    checkpoint_size = models.BigIntegerField()
    latest_size = models.BigIntegerField()
    time = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["origin", "-time"])]

    def __str__(self) -> str:
        return f"{self.origin} {self.reason} at size {self.checkpoint_size}"
