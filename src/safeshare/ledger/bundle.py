"""How a ledger entry becomes a leaf, and proof bundles that anyone can check offline.

Pure: no Django, no database. A partner agency or an inquiry checks a bundle with
`safeshare ledger check-proof BUNDLE --key KEY`, which runs this module alone.

Leaf bytes are the canonical JSON (sorted keys, no spaces, UTF-8) of exactly the fields in
`LEAF_FIELDS`; RFC 9162 hashes them as SHA-256(0x00 || leaf bytes). The bundle carries the
leaf bytes themselves, so the checker shows precisely what was proven.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import datetime
import json
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from safeshare.ledger import merkle
from safeshare.ledger.checkpoint import (
    Checkpoint,
    CheckpointError,
    NoteError,
    Verifier,
    verify_checkpoint,
)

__all__ = [
    "BUNDLE_VERSION",
    "LEAF_FIELDS",
    "CheckedProof",
    "ProofError",
    "canonical_json",
    "check_bundle",
    "fast_leaf_bytes",
    "format_time",
    "leaf_bytes",
    "load_verifier",
    "main",
    "make_bundle",
]

BUNDLE_VERSION = 1
LEAF_FIELDS = (
    "sequence",
    "time",
    "event_type",
    "actor",
    "organisation",
    "object_type",
    "object_id",
    "record_digest",
    "payload",
)


class ProofError(ValueError):
    """A proof bundle is malformed or does not prove what it claims."""


# One encoder for every call: json.dumps with these options builds a new one each time.
_canonical = json.JSONEncoder(
    sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
).encode


def canonical_json(value: Any) -> bytes:
    """Sorted keys, no spaces, UTF-8: one byte string per value, on every platform."""
    return _canonical(value).encode("utf-8")


def canonical_text(value: Any) -> str:
    """canonical_json as text."""
    return _canonical(value)


def format_time(moment: datetime.datetime) -> str:
    """ISO 8601 in UTC with microseconds, e.g. 2026-11-21T10:04:05.123456Z."""
    if moment.tzinfo is None:
        raise ValueError("ledger times must be timezone-aware")
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def leaf_bytes(entry: Mapping[str, Any]) -> bytes:
    """The bytes a ledger leaf hashes: canonical JSON of the entry's `LEAF_FIELDS`."""
    return canonical_json({name: entry[name] for name in LEAF_FIELDS})


# What canonical JSON escapes inside a string (json's own ESCAPE set with ensure_ascii off).
_ESCAPED = re.compile(r'["\\\x00-\x1f]')


def fast_leaf_bytes(
    sequence: int,
    time: str,
    event_type: str,
    actor: str | None,
    organisation: str | None,
    object_type: str,
    object_id: str,
    record_digest: str,
    payload_json: str,
) -> bytes | None:
    """`leaf_bytes` written out directly, several times faster than json.dumps; None when
    a value would need escaping or is not text (then use `leaf_bytes`).

    `payload_json` goes in as given. When it is `canonical_text(payload)`, the result is
    exactly `leaf_bytes`. When it is text read back from a database, the result may not be
    canonical, but it can hash to a leaf only if it *is* that leaf's canonical bytes: every
    other value holds no quote or backslash, so reading the bytes from the left pins the
    five values before the payload and from the right the three after it, and the payload
    is then exactly what is left. So a match proves every value is the one hashed.
    """
    try:
        plain = "".join((time, event_type, object_type, object_id, record_digest))
    except TypeError:
        return None
    if type(sequence) is not int or _ESCAPED.search(plain) is not None:
        return None
    who, where = _json_id(actor), _json_id(organisation)
    if who is None or where is None:
        return None
    return (
        f'{{"actor":{who},"event_type":"{event_type}","object_id":"{object_id}",'
        f'"object_type":"{object_type}","organisation":{where},"payload":{payload_json},'
        f'"record_digest":"{record_digest}","sequence":{sequence},"time":"{time}"}}'
    ).encode()


def _json_id(value: Any) -> str | None:
    """An optional id as canonical JSON (null or a plain string), or None when it would
    need escaping (the slow path handles that)."""
    if value is None:
        return "null"
    if type(value) is str and _ESCAPED.search(value) is None:
        return f'"{value}"'
    return None


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def make_bundle(
    entry: Mapping[str, Any],
    *,
    entry_id: str,
    leaf_hash: bytes,
    tree_size: int,
    inclusion_proof: Sequence[bytes],
    checkpoint_note: str,
    verifier_key: str,
) -> dict[str, Any]:
    """The JSON document `safeshare ledger prove` writes and the proof view serves."""
    data = leaf_bytes(entry)
    return {
        "version": BUNDLE_VERSION,
        "entry": {
            "id": entry_id,
            **{name: entry[name] for name in LEAF_FIELDS},
            "leaf_hash": _b64(leaf_hash),
            "leaf": _b64(data),
        },
        "index": entry["sequence"],
        "tree_size": tree_size,
        "inclusion_proof": [_b64(h) for h in inclusion_proof],
        "checkpoint": checkpoint_note,
        "verifier_key": verifier_key,
    }


@dataclass(frozen=True)
class CheckedProof:
    """What a valid bundle proves: this entry is leaf `index` of the signed tree."""

    entry: dict[str, Any]
    index: int
    checkpoint: Checkpoint
    signed_by: str


def _decode_b64(value: Any, what: str) -> bytes:
    if not isinstance(value, str):
        raise ProofError(f"{what} is not a base64 string")
    try:
        return base64.b64decode(value.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError) as exc:
        raise ProofError(f"{what} is not valid base64") from exc


def _as_int(value: Any, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ProofError(f"{what} is not a whole number")
    return value


def check_bundle(bundle: Any, verifier: Verifier) -> CheckedProof:
    """Check a bundle against a verifier key obtained independently (never the bundle's
    own `verifier_key`, which anyone could replace). Raises ProofError naming the fault."""
    if not isinstance(bundle, dict):
        raise ProofError("the bundle is not a JSON object")
    entry = bundle.get("entry")
    if not isinstance(entry, dict):
        raise ProofError("the bundle has no entry")
    data = _decode_b64(entry.get("leaf"), "entry.leaf")
    try:
        proven = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ProofError("entry.leaf is not canonical JSON") from exc
    if not isinstance(proven, dict) or sorted(proven) != sorted(LEAF_FIELDS):
        raise ProofError("entry.leaf does not hold exactly the ledger entry fields")
    if leaf_bytes(proven) != data:
        raise ProofError("entry.leaf is not in canonical form")
    for name in LEAF_FIELDS:
        if entry.get(name) != proven[name]:
            raise ProofError(f"entry.{name} differs from what the leaf proves")
    leaf = merkle.leaf_hash(data)
    if _decode_b64(entry.get("leaf_hash"), "entry.leaf_hash") != leaf:
        raise ProofError("entry.leaf_hash is not the hash of entry.leaf")
    index = _as_int(bundle.get("index"), "index")
    if index != proven["sequence"]:
        raise ProofError("index is not the entry's sequence number")
    size = _as_int(bundle.get("tree_size"), "tree_size")
    note = bundle.get("checkpoint")
    if not isinstance(note, str):
        raise ProofError("the bundle has no signed checkpoint")
    try:
        checkpoint = verify_checkpoint(note, verifier)
    except (NoteError, CheckpointError) as exc:
        raise ProofError(f"the checkpoint does not verify with the given key: {exc}") from exc
    if checkpoint.size != size:
        raise ProofError(f"tree_size {size} is not the checkpoint's size {checkpoint.size}")
    raw_proof = bundle.get("inclusion_proof")
    if not isinstance(raw_proof, list):
        raise ProofError("inclusion_proof is not a list")
    proof = [_decode_b64(h, "inclusion_proof item") for h in raw_proof]
    if not merkle.verify_inclusion(leaf, index, size, proof, checkpoint.root_hash):
        raise ProofError(
            f"the inclusion proof does not place the entry at index {index} "
            f"in the signed tree of size {size}"
        )
    return CheckedProof(proven, index, checkpoint, verifier.name)


def load_verifier(key: str) -> Verifier:
    """A verifier key string, or the path of a file holding one."""
    text = key.strip()
    path = Path(text)
    if "+" not in text or path.is_file():
        try:
            text = path.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ProofError(f"cannot read the key file {key!r}: {exc.strerror}") from exc
    try:
        return Verifier.from_key_string(text)
    except NoteError as exc:
        raise ProofError(f"the verifier key is not valid: {exc}") from exc


def main(argv: Sequence[str] | None = None) -> int:
    """`safeshare ledger check-proof BUNDLE --key KEY`: no database, no settings."""
    parser = argparse.ArgumentParser(
        prog="safeshare ledger check-proof",
        description="Check a safeshare ledger proof bundle offline.",
    )
    parser.add_argument("bundle", help="the proof bundle JSON file ('-' for standard input)")
    parser.add_argument(
        "--key",
        required=True,
        help="the ledger's verifier key (name+id+key), or a file holding it; get it from "
        "the publishing organisation, not from the bundle",
    )
    args = parser.parse_args(argv)
    try:
        raw = (
            sys.stdin.read()
            if args.bundle == "-"
            else Path(args.bundle).read_text(encoding="utf-8")
        )
    except OSError as exc:
        print(f"Cannot read {args.bundle}: {exc.strerror}", file=sys.stderr)
        return 1
    try:
        checked = check_bundle(json.loads(raw), load_verifier(args.key))
    except json.JSONDecodeError:
        print("Proof NOT valid: the bundle is not JSON", file=sys.stderr)
        return 1
    except ProofError as exc:
        print(f"Proof NOT valid: {exc}", file=sys.stderr)
        return 1
    cp = checked.checkpoint
    print(
        f"Proof valid: entry {checked.index} is in the ledger {cp.origin} of "
        f"{cp.size} entries, root {base64.b64encode(cp.root_hash).decode('ascii')}, "
        f"signed by {checked.signed_by}."
    )
    print(json.dumps(checked.entry, indent=2, sort_keys=True, ensure_ascii=False))
    return 0
