"""C2SP tlog-cosignature: Ed25519 ``cosignature/v1`` witness cosignatures (pure, no Django).

A cosignature is a signed-note signature line over the message

    cosignature/v1\\n
    time <seconds since the Unix epoch>\\n
    <the checkpoint note text: origin, size, root hash, extension lines>

by a witness key of signature type 0x04. The key ID is the first four bytes of
SHA-256(name || 0x0A || 0x04 || 32-byte public key), and the signature blob is
key ID (4) || timestamp (8, big-endian) || Ed25519 signature (64).

Witness keys are spelled like note keys with the 0x04 type byte:
``<name>+<hex id>+<base64(0x04 || key)>`` and
``PRIVATE+KEY+<name>+<hex id>+<base64(0x04 || seed)>``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import struct
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

ALG_COSIGNATURE_V1 = 0x04
HEADER = "cosignature/v1\n"
SIG_PREFIX = "\u2014 "
_PRIVATE_PREFIX = "PRIVATE+KEY+"
_HEX_KEY_ID = re.compile(r"[0-9a-f]{8}")
_MAX_TIME = (1 << 64) - 1


class CosignatureError(ValueError):
    """A witness key or cosignature line that is malformed (the message says why)."""


def _valid_name(name: str) -> bool:
    return (
        bool(name)
        and "+" not in name
        and not any(c.isspace() or ord(c) < 0x20 or ord(c) == 0x7F for c in name)
    )


def _b64(text: str) -> bytes:
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (UnicodeEncodeError, binascii.Error, ValueError) as exc:
        raise CosignatureError("not canonical base64") from exc
    if base64.b64encode(raw).decode("ascii") != text:
        raise CosignatureError("not canonical base64")
    return raw


def _public_bytes(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(name: str, public_key: bytes) -> bytes:
    """tlog-cosignature key ID: SHA-256(name || 0x0A || 0x04 || key)[:4]."""
    return hashlib.sha256(
        name.encode("utf-8") + b"\n" + bytes([ALG_COSIGNATURE_V1]) + public_key
    ).digest()[:4]


def message(checkpoint_body: str, timestamp: int) -> bytes:
    """The signed message: header, time line, then the checkpoint note text."""
    if not checkpoint_body.endswith("\n"):
        raise CosignatureError("checkpoint body must end with a newline")
    if not 0 <= timestamp <= _MAX_TIME:
        raise CosignatureError("timestamp must fit in 64 bits")
    return f"{HEADER}time {timestamp}\n{checkpoint_body}".encode()


@dataclass(frozen=True)
class WitnessVerifier:
    name: str
    key_id: bytes
    public_key: Ed25519PublicKey = field(repr=False, compare=False)
    public_key_bytes: bytes

    @classmethod
    def from_key_string(cls, key: str) -> WitnessVerifier:
        parts = key.strip().split("+", 2)
        if len(parts) != 3:
            raise CosignatureError("witness key must be <name>+<hex key id>+<base64 key>")
        name, hex_id, b64 = parts
        if not _valid_name(name):
            raise CosignatureError(f"invalid key name {name!r}")
        if not _HEX_KEY_ID.fullmatch(hex_id):
            raise CosignatureError("key id must be 8 lowercase hex digits")
        raw = _b64(b64)
        if len(raw) != 33 or raw[0] != ALG_COSIGNATURE_V1:
            raise CosignatureError("witness key is not a cosignature/v1 (type 0x04) key")
        pub = raw[1:]
        if key_id(name, pub) != bytes.fromhex(hex_id):
            raise CosignatureError("key id does not match key name and public key")
        try:
            public_key = Ed25519PublicKey.from_public_bytes(pub)
        except ValueError as exc:
            raise CosignatureError("invalid Ed25519 public key") from exc
        return cls(name, bytes.fromhex(hex_id), public_key, pub)

    def key_string(self) -> str:
        b64 = base64.b64encode(bytes([ALG_COSIGNATURE_V1]) + self.public_key_bytes).decode()
        return f"{self.name}+{self.key_id.hex()}+{b64}"

    def verify_line(self, line: str, checkpoint_body: str) -> int | None:
        """The cosignature's timestamp if ``line`` is a valid cosignature by this key of
        ``checkpoint_body``; None if it is another key's line; raises if it is this key's
        and does not verify."""
        name, timestamp, blob = parse_line(line)
        if name != self.name or blob[:4] != self.key_id:
            return None
        try:
            self.public_key.verify(blob[12:], message(checkpoint_body, timestamp))
        except InvalidSignature as exc:
            raise CosignatureError(f"invalid cosignature by witness {name!r}") from exc
        return timestamp


@dataclass(frozen=True)
class WitnessSigner:
    name: str
    key_id: bytes
    private_key: Ed25519PrivateKey = field(repr=False, compare=False)

    @classmethod
    def from_key_string(cls, key: str) -> WitnessSigner:
        key = key.strip()
        if not key.startswith(_PRIVATE_PREFIX):
            raise CosignatureError("witness signer key must start with PRIVATE+KEY+")
        parts = key[len(_PRIVATE_PREFIX) :].split("+", 2)
        if len(parts) != 3:
            raise CosignatureError("witness signer key must be PRIVATE+KEY+<name>+<id>+<key>")
        name, hex_id, b64 = parts
        if not _valid_name(name) or not _HEX_KEY_ID.fullmatch(hex_id):
            raise CosignatureError("malformed witness signer key")
        raw = _b64(b64)
        if len(raw) != 33 or raw[0] != ALG_COSIGNATURE_V1:
            raise CosignatureError("witness signer key is not a type 0x04 key")
        private_key = Ed25519PrivateKey.from_private_bytes(raw[1:])
        if key_id(name, _public_bytes(private_key.public_key())) != bytes.fromhex(hex_id):
            raise CosignatureError("key id does not match key name and key")
        return cls(name, bytes.fromhex(hex_id), private_key)

    def verifier(self) -> WitnessVerifier:
        pub = self.private_key.public_key()
        return WitnessVerifier(self.name, self.key_id, pub, _public_bytes(pub))

    def cosign(self, checkpoint_body: str, timestamp: int) -> str:
        """The cosignature line (with its trailing newline) for ``checkpoint_body``."""
        sig = self.private_key.sign(message(checkpoint_body, timestamp))
        blob = self.key_id + struct.pack(">Q", timestamp) + sig
        return f"{SIG_PREFIX}{self.name} {base64.b64encode(blob).decode('ascii')}\n"


def parse_line(line: str) -> tuple[str, int, bytes]:
    """(name, timestamp, blob) of a cosignature line; raises CosignatureError."""
    line = line.rstrip("\n")
    if not line.startswith(SIG_PREFIX):
        raise CosignatureError("signature line does not start with an em dash and a space")
    name, sep, b64 = line[len(SIG_PREFIX) :].partition(" ")
    if not sep or not _valid_name(name):
        raise CosignatureError("malformed signature line")
    blob = _b64(b64)
    if len(blob) != 4 + 8 + 64:
        raise CosignatureError("not a cosignature/v1 signature (wrong length)")
    (timestamp,) = struct.unpack(">Q", blob[4:12])
    return name, timestamp, blob


def generate_key(name: str) -> tuple[str, str]:
    """New witness key pair as ``(signer_key_string, verifier_key_string)``."""
    if not _valid_name(name):
        raise CosignatureError(f"invalid key name {name!r}")
    private_key = Ed25519PrivateKey.generate()
    seed = private_key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    pub = _public_bytes(private_key.public_key())
    hex_id = key_id(name, pub).hex()
    prefix = bytes([ALG_COSIGNATURE_V1])
    signer = f"{_PRIVATE_PREFIX}{name}+{hex_id}+{base64.b64encode(prefix + seed).decode()}"
    verifier = f"{name}+{hex_id}+{base64.b64encode(prefix + pub).decode()}"
    return signer, verifier


def signature_lines(note: str) -> list[str]:
    """The signature lines of a signed note (after its last blank line)."""
    split = note.rfind("\n\n")
    if split < 0:
        return []
    return [line for line in note[split + 2 :].split("\n") if line]


def note_text(note: str) -> str:
    split = note.rfind("\n\n")
    return note[: split + 1] if split >= 0 else note
