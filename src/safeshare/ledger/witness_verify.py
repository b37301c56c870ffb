"""`safeshare ledger verify --witness-key FILE`: the newest signed checkpoint must carry a
valid cosignature/v1 from every witness key named (docs/adr/0022-witnessing.md).

The checkpoint is the newest stored one, the one /ledger/checkpoint serves (nothing is
signed here: verification writes nothing). Only a cosignature on that size counts: one on
an older checkpoint says nothing about the entries appended since, so it is named as such
rather than accepted. The key in FILE is trusted, not the witnesses table: a cosignature
counts if it verifies with that key, whichever witness row it is stored under.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from safeshare.ledger import cosignature
from safeshare.ledger.models import Cosignature, SignedCheckpoint

__all__ = [
    "Cosigned",
    "Outcome",
    "WitnessKey",
    "WitnessVerifyError",
    "check_cosignatures",
    "read_key",
]


class WitnessVerifyError(ValueError):
    """A witness key file that cannot be used (the message is one line, naming the file)."""


@dataclass(frozen=True)
class WitnessKey:
    path: str
    verifier: cosignature.WitnessVerifier

    @property
    def label(self) -> str:
        return f"witness {self.verifier.name} (key file {self.path})"


@dataclass(frozen=True)
class Cosigned:
    name: str
    size: int
    timestamp: int

    def line(self) -> str:
        return f"cosigned by {self.name} at size {self.size}, {_time(self.timestamp)}"


@dataclass(frozen=True)
class Outcome:
    cosigned: list[Cosigned]
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def _time(timestamp: int) -> str:
    try:
        when = datetime.datetime.fromtimestamp(timestamp, tz=datetime.UTC)
    except (OverflowError, OSError, ValueError):
        return f"time {timestamp} (not a date)"
    return when.strftime("%Y-%m-%d %H:%M:%S UTC")


def read_key(path: str) -> WitnessKey:
    """The verifier key in ``path``: the line `ledger keygen --witness` prints, the file
    `ledger add-witness --key` reads, parsed the same way (WitnessVerifier.from_key_string)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise WitnessVerifyError(f"Cannot read the witness key file {path!r}: {reason}") from exc
    if text.strip().startswith("PRIVATE+KEY+"):
        raise WitnessVerifyError(
            f"The witness key file {path!r} holds a signer (private) key: give the verifier "
            "key that `safeshare ledger keygen --witness` printed"
        )
    try:
        verifier = cosignature.WitnessVerifier.from_key_string(text.strip())
    except cosignature.CosignatureError as exc:
        raise WitnessVerifyError(
            f"The witness key file {path!r} does not hold a cosignature/v1 verifier key: {exc}"
        ) from exc
    return WitnessKey(path, verifier)


def _same_key(line: str, verifier: cosignature.WitnessVerifier) -> tuple[bool, bool]:
    """(same name, same name and key ID) of a stored line, without verifying it."""
    try:
        name, _, blob = cosignature.parse_line(line)
    except cosignature.CosignatureError:
        return False, False
    return name == verifier.name, name == verifier.name and blob[:4] == verifier.key_id


def _check_one(
    key: WitnessKey, newest: SignedCheckpoint, rows: list[Cosignature]
) -> Cosigned | str:
    verifier = key.verifier
    text = cosignature.note_text(newest.note)
    own_key = verifier.key_string()
    altered = other_key = False
    for row in rows:
        try:
            timestamp = verifier.verify_line(row.line, text)
        except cosignature.CosignatureError:
            # This key's name and ID on a line that does not verify, or an unreadable
            # line stored for the witness registered with this key: altered either way.
            # Another witness's unreadable line is that witness's problem, not this one's.
            if _same_key(row.line, verifier)[1] or row.witness.key == own_key:
                altered = True
            continue
        if timestamp is not None:
            return Cosigned(verifier.name, newest.size, timestamp)
        same_name, _ = _same_key(row.line, verifier)
        if row.witness.key == own_key:
            altered = True  # stored for this key's witness, but not by this key
        elif same_name:
            other_key = True
    size = newest.size
    if altered:
        return (
            f"{key.label}: its cosignature on the newest checkpoint (size {size}) does not "
            "verify: the stored line has been altered"
        )
    older = _older(verifier, size)
    if older is not None:
        return (
            f"{key.label} has cosigned only an older checkpoint (size {older}), not the "
            f"newest (size {size}); a cosignature on an older size does not count"
        )
    if other_key:
        return (
            f"{key.label}: the cosignature named {verifier.name} on the newest checkpoint "
            f"(size {size}) is by another key than the one in {key.path}"
        )
    return f"{key.label} has not cosigned the newest checkpoint (size {size})"


def _older(verifier: cosignature.WitnessVerifier, size: int) -> int | None:
    """The largest older size the witness registered with this key has a cosignature
    line by this key on (not verified: it only explains the failure). `ledger.witness`
    stores only lines that verify with the registered key, so no other row can hold one."""
    older = (
        Cosignature.objects.filter(size__lt=size, witness__key=verifier.key_string())
        .order_by("-size")
        .first()
    )
    if older is not None and _same_key(older.line, verifier)[1]:
        return older.size
    return None


def check_cosignatures(keys: Sequence[WitnessKey]) -> Outcome:
    """Each key's cosignature on the newest stored checkpoint, or one line saying why not."""
    newest = SignedCheckpoint.objects.order_by("-size").first()
    if newest is None:
        return Outcome(
            [],
            [
                f"{key.label}: no signed checkpoint is stored, so there is none it can have "
                "cosigned"
                for key in keys
            ],
        )
    rows = list(
        Cosignature.objects.filter(size=newest.size).select_related("witness").order_by("pk")
    )
    cosigned: list[Cosigned] = []
    problems: list[str] = []
    for key in keys:
        result = _check_one(key, newest, rows)
        if isinstance(result, Cosigned):
            cosigned.append(result)
        else:
            problems.append(result)
    return Outcome(cosigned, problems)
