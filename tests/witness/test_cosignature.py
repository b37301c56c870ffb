"""tlog-cosignature cosignature/v1: message, key ID, line format, sign and verify."""

from __future__ import annotations

import base64
import hashlib
import struct

import pytest

from safeshare.ledger import cosignature
from safeshare.ledger.cosignature import CosignatureError, WitnessSigner, WitnessVerifier

BODY = "example.com/log\n5\n" + base64.b64encode(b"\x01" * 32).decode() + "\n"


def test_message_is_header_time_then_checkpoint() -> None:
    assert cosignature.message(BODY, 1234) == (b"cosignature/v1\ntime 1234\n" + BODY.encode())


def test_key_id_uses_signature_type_4() -> None:
    pub = b"\x02" * 32
    assert cosignature.key_id("w", pub) == hashlib.sha256(b"w\n\x04" + pub).digest()[:4]


def test_sign_and_verify_round_trip() -> None:
    signer_key, verifier_key = cosignature.generate_key("witness.example")
    signer = WitnessSigner.from_key_string(signer_key)
    verifier = WitnessVerifier.from_key_string(verifier_key)
    assert verifier.key_string() == verifier_key
    line = signer.cosign(BODY, 1700000000)
    assert line.startswith("\u2014 witness.example ") and line.endswith("\n")
    name, timestamp, blob = cosignature.parse_line(line)
    assert (name, timestamp) == ("witness.example", 1700000000)
    assert blob[:4] == verifier.key_id
    assert struct.unpack(">Q", blob[4:12]) == (1700000000,)
    assert len(blob) == 76
    assert verifier.verify_line(line, BODY) == 1700000000


def test_tampered_checkpoint_or_time_fails() -> None:
    signer_key, verifier_key = cosignature.generate_key("w")
    signer = WitnessSigner.from_key_string(signer_key)
    verifier = WitnessVerifier.from_key_string(verifier_key)
    line = signer.cosign(BODY, 10)
    with pytest.raises(CosignatureError):
        verifier.verify_line(line, BODY.replace("5", "6"))
    name, _, blob = cosignature.parse_line(line)
    forged = blob[:4] + struct.pack(">Q", 11) + blob[12:]
    with pytest.raises(CosignatureError):
        verifier.verify_line(f"\u2014 {name} {base64.b64encode(forged).decode()}\n", BODY)


def test_other_keys_line_is_ignored() -> None:
    a = WitnessSigner.from_key_string(cosignature.generate_key("a")[0])
    b = WitnessVerifier.from_key_string(cosignature.generate_key("b")[1])
    assert b.verify_line(a.cosign(BODY, 1), BODY) is None


def test_note_key_is_not_a_witness_key() -> None:
    from safeshare.ledger.checkpoint import generate_signer_key

    _, note_verifier = generate_signer_key("w")
    with pytest.raises(CosignatureError, match="0x04"):
        WitnessVerifier.from_key_string(note_verifier)
