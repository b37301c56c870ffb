"""Signed tree heads as C2SP tlog-checkpoint bodies inside C2SP signed notes (Ed25519).

Formats (c2sp.org/signed-note, c2sp.org/tlog-checkpoint, and the key strings of
golang.org/x/mod/sumdb/note, so Go tooling and public witnesses can read our checkpoints):

* checkpoint body: ``origin\\nsize\\nbase64(root)\\n`` then optional non-empty extension
  lines, each ending in a newline;
* signed note: ``body + "\\n" + "— <key name> <base64(key id || signature)>\\n" ...``;
* Ed25519 key ID: ``SHA-256(name || "\\n" || 0x01 || public key)[:4]``;
* verifier key: ``<name>+<hex key id>+<base64(0x01 || public key)>``;
* signer key: ``PRIVATE+KEY+<name>+<hex key id>+<base64(0x01 || seed)>``.

No Django here: this module is shared with offline verifiers.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

__all__ = [
    "MAX_NOTE_BYTES",
    "MAX_SIGNATURES",
    "Checkpoint",
    "CheckpointError",
    "KeyFormatError",
    "NoteError",
    "Signer",
    "Verifier",
    "generate_signer_key",
    "key_id",
    "open_note",
    "sign_checkpoint",
    "sign_note",
    "verify_checkpoint",
]

# Limits on untrusted input. signed-note asks verifiers to cap signatures but accept at
# least 16; 100 is what golang.org/x/mod/sumdb/note enforces.
MAX_NOTE_BYTES = 1 << 20
MAX_SIGNATURES = 100

ALG_ED25519 = 0x01  # signed-note signature type byte for Ed25519
_SIG_PREFIX = "\u2014 "  # em dash + space opens every signature line
_PRIVATE_PREFIX = "PRIVATE+KEY+"
_HASH_SIZE = 32
# tlog-checkpoint sizes are uint64 in every implementation we interoperate with.
_MAX_TREE_SIZE = (1 << 64) - 1
_DECIMAL = re.compile(r"0|[1-9][0-9]*")
_HEX_KEY_ID = re.compile(r"[0-9a-f]{8}")


class NoteError(ValueError):
    """A signed note is malformed or not signed by any trusted key."""


class KeyFormatError(NoteError):
    """A signer or verifier key string is malformed."""


class CheckpointError(ValueError):
    """A checkpoint body does not follow c2sp.org/tlog-checkpoint."""


# ---------------------------------------------------------------------------------------
# Validation helpers
# ---------------------------------------------------------------------------------------


def _has_control(text: str) -> bool:
    # signed-note: "MUST NOT contain any ASCII control characters (those below U+0020)
    # other than newline".
    return any(ord(c) < 0x20 and c != "\n" for c in text)


def _valid_key_name(name: str) -> bool:
    # signed-note: non-empty, no Unicode spaces, no "+" (it delimits key strings).
    return (
        isinstance(name, str)
        and name != ""
        and "+" not in name
        and not any(c.isspace() for c in name)
        and not _has_control(name)
    )


def _b64decode_canonical(text: str) -> bytes:
    """Strict standard base64 (RFC 4648 §4, padded) that also rejects non-zero pad bits,
    so every value has exactly one accepted spelling."""
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (UnicodeEncodeError, binascii.Error, ValueError) as exc:
        raise ValueError("not canonical base64") from exc
    if base64.b64encode(raw).decode("ascii") != text:
        raise ValueError("not canonical base64")
    return raw


def key_id(name: str, public_key: bytes) -> bytes:
    """signed-note Ed25519 key ID: first 4 bytes of SHA-256(name || 0x0A || 0x01 || key)."""
    return hashlib.sha256(
        name.encode("utf-8") + b"\n" + bytes([ALG_ED25519]) + public_key
    ).digest()[:4]


# ---------------------------------------------------------------------------------------
# Keys
# ---------------------------------------------------------------------------------------


def _public_bytes(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


@dataclass(frozen=True)
class Verifier:
    """A trusted Ed25519 note verifier key."""

    name: str
    key_id: bytes
    public_key: Ed25519PublicKey = field(repr=False, compare=False)
    public_key_bytes: bytes

    @classmethod
    def from_key_string(cls, key: str) -> Verifier:
        """Parse ``<name>+<hex id>+<base64(0x01 || 32-byte public key)>``."""
        if not isinstance(key, str):
            raise KeyFormatError("verifier key must be a string")
        parts = key.split("+", 2)
        if len(parts) != 3:  # maxsplit: base64 key material may itself contain "+"
            raise KeyFormatError("verifier key must be <name>+<hex key id>+<base64 key>")
        name, hex_id, b64 = parts
        if not _valid_key_name(name):
            raise KeyFormatError(f"invalid key name {name!r}")
        if not _HEX_KEY_ID.fullmatch(hex_id):
            raise KeyFormatError("key id must be 8 lowercase hex digits")
        try:
            raw = _b64decode_canonical(b64)
        except ValueError as exc:
            raise KeyFormatError("verifier key material is not canonical base64") from exc
        if len(raw) != 33 or raw[0] != ALG_ED25519:
            raise KeyFormatError("verifier key is not an Ed25519 (type 0x01) key")
        pub = raw[1:]
        if key_id(name, pub) != bytes.fromhex(hex_id):
            raise KeyFormatError("key id does not match key name and public key")
        try:
            public_key = Ed25519PublicKey.from_public_bytes(pub)
        except ValueError as exc:
            raise KeyFormatError("invalid Ed25519 public key") from exc
        return cls(name, bytes.fromhex(hex_id), public_key, pub)

    def key_string(self) -> str:
        b64 = base64.b64encode(bytes([ALG_ED25519]) + self.public_key_bytes).decode("ascii")
        return f"{self.name}+{self.key_id.hex()}+{b64}"

    def verify(self, message: bytes, signature: bytes) -> bool:
        if len(signature) != 64:
            return False
        try:
            self.public_key.verify(signature, message)
        except InvalidSignature:
            return False
        return True


@dataclass(frozen=True)
class Signer:
    """An Ed25519 note signer. Keep the key string secret; it is the private key."""

    name: str
    key_id: bytes
    private_key: Ed25519PrivateKey = field(repr=False, compare=False)

    @classmethod
    def from_key_string(cls, key: str) -> Signer:
        """Parse ``PRIVATE+KEY+<name>+<hex id>+<base64(0x01 || 32-byte seed)>``."""
        # Error messages never echo the key: it is secret.
        if not isinstance(key, str) or not key.startswith(_PRIVATE_PREFIX):
            raise KeyFormatError("signer key must start with PRIVATE+KEY+")
        parts = key[len(_PRIVATE_PREFIX) :].split("+", 2)
        if len(parts) != 3:  # maxsplit: base64 key material may itself contain "+"
            raise KeyFormatError("signer key must be PRIVATE+KEY+<name>+<hex id>+<base64>")
        name, hex_id, b64 = parts
        if not _valid_key_name(name):
            raise KeyFormatError("invalid key name in signer key")
        if not _HEX_KEY_ID.fullmatch(hex_id):
            raise KeyFormatError("key id must be 8 lowercase hex digits")
        try:
            raw = _b64decode_canonical(b64)
        except ValueError as exc:
            raise KeyFormatError("signer key material is not canonical base64") from exc
        if len(raw) != 33 or raw[0] != ALG_ED25519:
            raise KeyFormatError("signer key is not an Ed25519 (type 0x01) key")
        private_key = Ed25519PrivateKey.from_private_bytes(raw[1:])
        if key_id(name, _public_bytes(private_key.public_key())) != bytes.fromhex(hex_id):
            raise KeyFormatError("key id does not match key name and key")
        return cls(name, bytes.fromhex(hex_id), private_key)

    def verifier(self) -> Verifier:
        public_key = self.private_key.public_key()
        return Verifier(self.name, self.key_id, public_key, _public_bytes(public_key))

    def sign(self, message: bytes) -> bytes:
        return self.private_key.sign(message)


def generate_signer_key(name: str) -> tuple[str, str]:
    """New Ed25519 key pair as ``(signer_key_string, verifier_key_string)``."""
    if not _valid_key_name(name):
        raise KeyFormatError(f"invalid key name {name!r}")
    private_key = Ed25519PrivateKey.generate()
    seed = private_key.private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )
    pub = _public_bytes(private_key.public_key())
    hex_id = key_id(name, pub).hex()
    prefix = bytes([ALG_ED25519])
    signer = f"{_PRIVATE_PREFIX}{name}+{hex_id}+{base64.b64encode(prefix + seed).decode('ascii')}"
    verifier = f"{name}+{hex_id}+{base64.b64encode(prefix + pub).decode('ascii')}"
    return signer, verifier


# ---------------------------------------------------------------------------------------
# Signed notes
# ---------------------------------------------------------------------------------------


def _check_note_text(text: str) -> None:
    if text == "" or not text.endswith("\n"):
        raise NoteError("note text must be non-empty and end with a newline")
    if _has_control(text):
        raise NoteError("note text contains a control character")
    try:
        encoded = text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise NoteError("note text is not valid UTF-8") from exc
    if len(encoded) > MAX_NOTE_BYTES:
        raise NoteError("note text is too large")


def sign_note(body: str, signer: Signer) -> str:
    """Sign ``body`` (the note text, ending in a newline) and return the signed note."""
    _check_note_text(body)
    sig = signer.sign(body.encode("utf-8"))
    b64 = base64.b64encode(signer.key_id + sig).decode("ascii")
    return f"{body}\n{_SIG_PREFIX}{signer.name} {b64}\n"


def open_note(note: str | bytes, verifiers: Sequence[Verifier]) -> tuple[str, list[str]]:
    """Verify a signed note; return ``(text, names of trusted keys that signed it)``.

    Signatures by unknown keys (name and key ID not both matching a trusted key) are
    ignored, as signed-note requires. A signature by a trusted key that does not verify
    rejects the whole note, and so does a note with no valid trusted signature.
    """
    if isinstance(note, bytes):
        if len(note) > MAX_NOTE_BYTES:
            raise NoteError("note is larger than 1 MiB")
        try:
            note = note.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise NoteError("note is not valid UTF-8") from exc
    if not isinstance(note, str):
        raise NoteError("note must be str or bytes")
    # Cheap bound before encoding: a UTF-8 character is at least one byte.
    if len(note) > MAX_NOTE_BYTES:
        raise NoteError("note is larger than 1 MiB")
    try:
        size = len(note.encode("utf-8"))
    except UnicodeEncodeError as exc:  # lone surrogates cannot come from real UTF-8
        raise NoteError("note is not valid UTF-8") from exc
    if size > MAX_NOTE_BYTES:
        raise NoteError("note is larger than 1 MiB")
    if _has_control(note):
        raise NoteError("note contains a control character")

    trusted: dict[tuple[str, bytes], Verifier] = {}
    for v in verifiers:
        if not isinstance(v, Verifier):
            raise NoteError("verifiers must be Verifier instances")
        other = trusted.setdefault((v.name, v.key_id), v)
        if other.public_key_bytes != v.public_key_bytes:
            raise NoteError(f"two different trusted keys share name and id {v.name!r}")

    # The text ends at the last blank line (signed-note §Format): text may itself contain
    # blank lines, signature lines never can.
    split = note.rfind("\n\n")
    if split < 0:
        raise NoteError("note has no blank line before its signatures")
    text, sig_block = note[: split + 1], note[split + 2 :]
    if sig_block == "" or not sig_block.endswith("\n"):
        raise NoteError("note has no signature lines")
    message = text.encode("utf-8")

    lines = sig_block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise NoteError(f"note has more than {MAX_SIGNATURES} signatures")
    verified: list[str] = []
    for line in lines:
        if not line.startswith(_SIG_PREFIX):
            raise NoteError("signature line does not start with an em dash and a space")
        name, sep, b64 = line[len(_SIG_PREFIX) :].partition(" ")
        if not sep or not _valid_key_name(name) or b64 == "":
            raise NoteError("malformed signature line")
        # Canonical only: otherwise the unused low bits of the last digit give one
        # signature several spellings, and a tampered note would still verify.
        try:
            blob = _b64decode_canonical(b64)
        except ValueError as exc:
            raise NoteError("signature is not canonical base64") from exc
        if len(blob) < 5:
            raise NoteError("signature is too short")
        verifier = trusted.get((name, blob[:4]))
        if verifier is None:
            continue
        if not verifier.verify(message, blob[4:]):
            raise NoteError(f"invalid signature by trusted key {name!r}")
        if name not in verified:
            verified.append(name)
    if not verified:
        raise NoteError("note is not signed by any trusted key")
    return text, verified


# ---------------------------------------------------------------------------------------
# Checkpoints
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Checkpoint:
    """A tlog-checkpoint: the log's origin, tree size and RFC 9162 root hash."""

    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.origin, str) or self.origin == "":
            raise CheckpointError("origin must be a non-empty string")
        if "\n" in self.origin or _has_control(self.origin):
            raise CheckpointError("origin must be one line without control characters")
        if (
            not isinstance(self.size, int)
            or isinstance(self.size, bool)
            or not 0 <= self.size <= _MAX_TREE_SIZE
        ):
            raise CheckpointError("size must be an integer between 0 and 2**64 - 1")
        if not isinstance(self.root_hash, bytes) or len(self.root_hash) != _HASH_SIZE:
            raise CheckpointError("root hash must be 32 bytes")
        if not isinstance(self.extensions, tuple):
            raise CheckpointError("extensions must be a tuple of strings")
        for ext in self.extensions:
            if not isinstance(ext, str) or ext == "":
                raise CheckpointError("extension lines must be non-empty strings")
            if "\n" in ext or _has_control(ext):
                raise CheckpointError("extension lines must be single lines without controls")

    def body(self) -> str:
        """The note text: origin, size, base64 root, extensions, each ending in a newline."""
        root = base64.b64encode(self.root_hash).decode("ascii")
        return "".join(
            f"{line}\n" for line in (self.origin, str(self.size), root, *self.extensions)
        )

    @classmethod
    def parse(cls, body: str) -> Checkpoint:
        """Strictly parse a checkpoint body; raise CheckpointError explaining any fault."""
        if not isinstance(body, str):
            raise CheckpointError("checkpoint body must be a string")
        if not body.endswith("\n"):
            raise CheckpointError("checkpoint body must end with a newline")
        if _has_control(body):
            raise CheckpointError("checkpoint body contains a control character")
        lines = body[:-1].split("\n")
        if len(lines) < 3:
            raise CheckpointError("checkpoint needs origin, size and root hash lines")
        if any(line == "" for line in lines):
            raise CheckpointError("checkpoint body must not contain empty lines")
        origin, size_text, root_text, *extensions = lines
        # Only ASCII digits (str.isdigit accepts other scripts) and no leading zeros, so
        # each size has exactly one spelling.
        if not _DECIMAL.fullmatch(size_text):
            raise CheckpointError(f"tree size {size_text!r} is not canonical decimal")
        size = int(size_text)
        if size > _MAX_TREE_SIZE:
            raise CheckpointError("tree size does not fit in 64 bits")
        try:
            root = _b64decode_canonical(root_text)
        except ValueError as exc:
            raise CheckpointError("root hash is not canonical base64") from exc
        if len(root) != _HASH_SIZE:
            raise CheckpointError("root hash is not 32 bytes")
        return cls(origin, size, root, tuple(extensions))


def sign_checkpoint(cp: Checkpoint, signer: Signer) -> str:
    """Signed note carrying ``cp``. tlog-checkpoint: the key name SHOULD equal the origin."""
    return sign_note(cp.body(), signer)


def verify_checkpoint(
    note: str | bytes, verifier: Verifier, origin: str | None = None
) -> Checkpoint:
    """Verify a signed checkpoint by ``verifier`` and parse it.

    Raises NoteError if the signature does not verify, CheckpointError if the body is not
    a checkpoint or its origin differs from ``origin`` (when given): checking the origin
    stops a checkpoint of one log being replayed as another log's.
    """
    body, _ = open_note(note, [verifier])
    cp = Checkpoint.parse(body)
    if origin is not None and cp.origin != origin:
        raise CheckpointError(f"checkpoint origin {cp.origin!r} is not {origin!r}")
    return cp
