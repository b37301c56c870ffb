"""Reading the ledger: tree nodes, proofs, checkpoints, receipts and proof bundles."""

from __future__ import annotations

import base64
import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404

from safeshare.accounts.models import User
from safeshare.accounts.permissions import can_administer, can_view_case_records
from safeshare.ledger import merkle
from safeshare.ledger.bundle import format_time, make_bundle
from safeshare.ledger.checkpoint import Checkpoint, CheckpointError
from safeshare.ledger.digest import model_label, object_id
from safeshare.ledger.models import (
    Cosignature,
    Entry,
    Node,
    SignedCheckpoint,
    Witness,
    WitnessFailure,
    node_key,
)


class MissingNode(LookupError):
    """A tree node a proof needs is not stored: the tree is damaged."""


def get_hashes(ids: Iterable[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
    """Hashes of tree nodes (level, index); level 0 is the entries' leaf hashes. Two
    queries, whatever the number of nodes (about 2·log2(n) for a proof)."""
    wanted = set(ids)
    leaves = [index for level, index in wanted if level == 0]
    keys = {node_key(level, index): (level, index) for level, index in wanted if level > 0}
    found: dict[tuple[int, int], bytes] = {}
    if leaves:
        rows = Entry.objects.filter(sequence__in=leaves).values_list("sequence", "leaf_hash")
        found.update(((0, seq), bytes(h)) for seq, h in rows)
    if keys:
        for key, h in Node.objects.filter(key__in=list(keys)).values_list("key", "hash"):
            found[keys[key]] = bytes(h)
    return found


def _getter(found: dict[tuple[int, int], bytes]) -> merkle.GetNode:
    def get(level: int, index: int) -> bytes:
        try:
            return found[(level, index)]
        except KeyError:
            raise MissingNode(f"tree node ({level}, {index}) is missing") from None

    return get


def root_at(size: int) -> bytes:
    return merkle.root_from_nodes(_getter(get_hashes(merkle.nodes_needed_for_root(size))), size)


def inclusion_proof(index: int, size: int) -> list[bytes]:
    found = get_hashes(merkle.nodes_needed_for_inclusion(index, size))
    return merkle.inclusion_proof_from_nodes(_getter(found), index, size)


def consistency_proof(old_size: int, new_size: int) -> list[bytes]:
    found = get_hashes(merkle.nodes_needed_for_consistency(old_size, new_size))
    return merkle.consistency_proof_from_nodes(_getter(found), old_size, new_size)


def note_body(note: str) -> str:
    """The signed text of a note: everything up to its blank line."""
    return note[: note.rfind("\n\n") + 1]


def checkpoint_of(stored: SignedCheckpoint) -> Checkpoint:
    """The checkpoint a stored note signs (its text, not the row's copy of size and root)."""
    try:
        return Checkpoint.parse(note_body(stored.note))
    except CheckpointError as exc:
        raise CheckpointError(f"stored checkpoint {stored.size} is damaged: {exc}") from exc


def latest_checkpoint() -> SignedCheckpoint | None:
    return SignedCheckpoint.objects.order_by("-size").first()


def covering_checkpoint(sequence: int) -> SignedCheckpoint | None:
    """The first signed checkpoint whose tree includes entry `sequence`."""
    return SignedCheckpoint.objects.filter(size__gt=sequence).order_by("size").first()


@dataclass(frozen=True)
class Receipt:
    """What the decision page shows: where the record sits in the ledger."""

    entry_id: UUID
    sequence: int
    event_type: str
    time: datetime.datetime
    leaf_hash: str  # hex
    checkpoint_size: int | None  # None: not yet covered by a signed checkpoint
    checkpoint_root: str | None  # base64, as in the checkpoint note

    @property
    def covered(self) -> bool:
        return self.checkpoint_size is not None


def receipt_for(obj: models.Model) -> Receipt | None:
    """The receipt of the latest ledger entry about `obj`, or None if it has none."""
    entry = (
        Entry.objects.filter(object_type=model_label(obj), object_id=object_id(obj.pk))
        .order_by("-sequence")
        .first()
    )
    if entry is None:
        return None
    checkpoint = covering_checkpoint(entry.sequence)
    return Receipt(
        entry_id=entry.uuid,
        sequence=entry.sequence,
        event_type=entry.event_type,
        time=entry.time,
        leaf_hash=bytes(entry.leaf_hash).hex(),
        checkpoint_size=None if checkpoint is None else checkpoint.size,
        checkpoint_root=None
        if checkpoint is None
        else base64.b64encode(bytes(checkpoint.root)).decode("ascii"),
    )


def get_entry_for_user(user: User, entry_id: UUID | str) -> Entry:
    """The entry, for a user with a case role in the entry's organisation (who may see
    the records entries are about); 404 otherwise, so another agency's entries are
    indistinguishable from ones that do not exist."""
    if not can_view_case_records(user):
        raise Http404("No such ledger entry")
    organisation_id = user.organisation_pk()
    try:
        return Entry.objects.get(uuid=entry_id, organisation_id=organisation_id)
    except (Entry.DoesNotExist, ValidationError, ValueError) as exc:
        raise Http404("No such ledger entry") from exc


def find_entry(reference: str) -> Entry:
    """An entry by UUID or by sequence number (operators' commands)."""
    try:
        if reference.isdigit():
            return Entry.objects.get(sequence=int(reference))
        return Entry.objects.get(uuid=UUID(reference))
    except (Entry.DoesNotExist, ValueError) as exc:
        raise LookupError(f"no ledger entry {reference!r}") from exc


def leaf_fields(entry: Entry) -> dict[str, Any]:
    """The entry's fields as its leaf encodes them."""
    return {
        "sequence": entry.sequence,
        "time": format_time(entry.time),
        "event_type": entry.event_type,
        "actor": None if entry.actor_id is None else object_id(entry.actor_id),
        "organisation": None if entry.organisation_id is None else object_id(entry.organisation_id),
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "record_digest": entry.record_digest,
        "payload": entry.payload,
    }


def proof_bundle(entry: Entry, stored: SignedCheckpoint, verifier_key: str) -> dict[str, Any]:
    """Everything needed to check offline that `entry` is in the signed tree `stored`."""
    cp = checkpoint_of(stored)
    return make_bundle(
        leaf_fields(entry),
        entry_id=str(entry.uuid),
        leaf_hash=bytes(entry.leaf_hash),
        tree_size=cp.size,
        inclusion_proof=inclusion_proof(entry.sequence, cp.size),
        checkpoint_note=stored.note,
        verifier_key=verifier_key,
    )


# The administrators' witnesses page (/ledger/witnesses/). The witnesses are the
# deployment's, like the ledger itself, so every administrator of the service sees the same
# page. Newest refusal first by id (the primary key's index; rows are written as they happen,
# so that is also the order of their time).
WITNESS_FAILURE_ORDER = ("-id",)
WITNESS_FAILURES_PAGE_SIZE = 25


def can_see_witnesses(user: User) -> bool:
    """The service's administrators: witnesses are set up by its operators, and a refusal
    is theirs to look into (an auditor or a case role gets a 403)."""
    return can_administer(user)


def _witnesses_with_latest() -> models.QuerySet[Witness]:
    """Witnesses with their latest cosignature (the largest size, through the
    witness-and-size unique index) and their latest failure, as subqueries: one query for
    the whole table, whatever the number of witnesses, cosignatures or failures."""
    cosigned = Cosignature.objects.filter(witness=models.OuterRef("pk")).order_by("-size")
    failed = WitnessFailure.objects.filter(witness=models.OuterRef("pk")).order_by("-id")
    latest = Witness.objects.annotate(
        cosigned_size=models.Subquery(cosigned.values("size")[:1]),
        cosigned_at=models.Subquery(cosigned.values("received_at")[:1]),
        failed_size=models.Subquery(failed.values("size")[:1]),
        failed_status=models.Subquery(failed.values("status")[:1]),
        failed_detail=models.Subquery(failed.values("detail")[:1]),
        failed_at=models.Subquery(failed.values("time")[:1]),
    )
    return latest.annotate(
        refusing=models.ExpressionWrapper(
            models.Q(failed_at__isnull=False)
            & (
                models.Q(cosigned_at__isnull=True) | models.Q(failed_at__gt=models.F("cosigned_at"))
            ),
            output_field=models.BooleanField(),
        )
    )


def witnesses_for(user: User) -> list[Witness]:
    """Every witness, by name, each with `cosigned_size`, `cosigned_at`, from its latest
    failure `failed_size`, `failed_status`, `failed_detail`, `failed_at`, and `refusing`:
    that failure is its latest event (after its last cosignature, or it never cosigned).
    One query."""
    if not can_see_witnesses(user):
        return []
    return list(_witnesses_with_latest().order_by("name", "id"))


def witness_failures_for(user: User) -> models.QuerySet[WitnessFailure]:
    """Refusals and failures with their witness (joined, not a query per row); paginate
    with WITNESS_FAILURE_ORDER."""
    if not can_see_witnesses(user):
        return WitnessFailure.objects.none()
    return WitnessFailure.objects.select_related("witness")


def refusing_witness_count(user: User) -> int:
    """Witnesses whose latest event is a failure, for the header: one query (none for
    anyone but an administrator)."""
    if not can_see_witnesses(user):
        return 0
    return _witnesses_with_latest().filter(refusing=True).count()  # type: ignore[misc]  # django-stubs cannot see the annotation
