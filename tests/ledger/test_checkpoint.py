"""Tests for safeshare.ledger.checkpoint (C2SP signed-note + tlog-checkpoint, Ed25519)."""

from __future__ import annotations

import base64
import hashlib
import re
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safeshare.ledger import checkpoint as cpm
from safeshare.ledger.checkpoint import (
    Checkpoint,
    CheckpointError,
    KeyFormatError,
    NoteError,
    Signer,
    Verifier,
)

# Published example from golang.org/x/mod/sumdb/note (note_test.go, and the package
# documentation). Ed25519 is deterministic (RFC 8032), so signing must reproduce it.
PETER_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
PETER_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
PETER_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
PETER_SIG = (
    "\u2014 PeterNeumann "
    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)
PETER_NOTE = PETER_TEXT + "\n" + PETER_SIG
# A second signer of the same text from the same Go test file.
ENOCH_VKEY = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"
ENOCH_SIG = (
    "\u2014 EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnW"
    "Lox33WWd1RvMc+QQ=\n"
)

ORIGIN = "safeshare.example.org/partnership-test"
ROOT = hashlib.sha256(b"root").digest()


@pytest.fixture(scope="module")
def keys() -> tuple[Signer, Verifier]:
    skey, vkey = cpm.generate_signer_key(ORIGIN)
    return Signer.from_key_string(skey), Verifier.from_key_string(vkey)


def independent_key_id(name: str, public_key: bytes) -> str:
    # signed-note: key ID = SHA-256(key name || 0x0A || 0x01 || 32-byte public key)[:4].
    h = hashlib.sha256()
    h.update(name.encode())
    h.update(bytes([10, 1]))
    h.update(public_key)
    return h.hexdigest()[:8]


# ---------------------------------------------------------------------------------------
# Published vector
# ---------------------------------------------------------------------------------------


def test_go_example_verifies() -> None:
    v = Verifier.from_key_string(PETER_VKEY)
    assert open_ok(PETER_NOTE, [v]) == (PETER_TEXT, ["PeterNeumann"])


def open_ok(note: str, verifiers: list[Verifier]) -> tuple[str, list[str]]:
    return cpm.open_note(note, verifiers)


def test_go_example_signing_is_byte_identical() -> None:
    signer = Signer.from_key_string(PETER_SKEY)
    assert cpm.sign_note(PETER_TEXT, signer) == PETER_NOTE
    assert signer.verifier().key_string() == PETER_VKEY
    assert signer.verifier() == Verifier.from_key_string(PETER_VKEY)


def test_go_example_key_id_matches_independent_computation() -> None:
    raw = base64.b64decode(PETER_VKEY.split("+", 2)[2])
    assert raw[0] == 1 and len(raw) == 33
    assert independent_key_id("PeterNeumann", raw[1:]) == "c74f20a3"
    assert cpm.key_id("PeterNeumann", raw[1:]).hex() == "c74f20a3"


def test_go_example_two_signers() -> None:
    peter, enoch = Verifier.from_key_string(PETER_VKEY), Verifier.from_key_string(ENOCH_VKEY)
    note = PETER_TEXT + "\n" + PETER_SIG + ENOCH_SIG
    assert cpm.open_note(note, [peter]) == (PETER_TEXT, ["PeterNeumann"])
    assert cpm.open_note(note, [enoch]) == (PETER_TEXT, ["EnochRoot"])
    assert cpm.open_note(note, [enoch, peter])[1] == ["PeterNeumann", "EnochRoot"]
    with pytest.raises(NoteError):
        cpm.open_note(note, [])


def test_go_malformed_messages() -> None:
    peter = Verifier.from_key_string(PETER_VKEY)
    bad = [
        PETER_TEXT,
        PETER_TEXT + "\n",
        PETER_TEXT + "\n" + PETER_SIG[:-1],
        "\x01" + PETER_TEXT + "\n" + PETER_SIG,
        PETER_TEXT + "\n" + "\u2014 Bad Name " + PETER_SIG.split(" ")[2],
        PETER_TEXT + "\n" + PETER_SIG + "Unexpected line.\n",
        PETER_TEXT + "\n" + PETER_SIG[:60] + "ABCD" + PETER_SIG[60:],  # bad signature
        PETER_TEXT + "\n" + PETER_SIG.replace("\u2014", "-"),
    ]
    for note in bad:
        with pytest.raises(NoteError):
            cpm.open_note(note, [peter])
    with pytest.raises(NoteError):
        cpm.open_note(b"\xff" + (PETER_TEXT + "\n" + PETER_SIG).encode(), [peter])


def test_go_key_manglings_rejected() -> None:
    # Port of golang.org/x/mod/sumdb/note TestNewVerifier / TestNewSigner.
    for key, parse in (
        (PETER_VKEY, Verifier.from_key_string),
        (PETER_SKEY, Signer.from_key_string),
    ):
        parse(key)
        for i in range(len(key) + 1):
            for j in range(i + 1, len(key) + 1):
                if (i, j) != (0, len(key)):
                    with pytest.raises(KeyFormatError):
                        parse(key[i:j])
        for i in range(len(key)):
            mangled = key[:i] + chr(ord(key[i]) + 1) + key[i + 1 :]
            with pytest.raises(KeyFormatError):
                parse(mangled)
    # Wrong algorithm byte even with a matching key id.
    pub = base64.b64decode(PETER_VKEY.split("+", 2)[2])[1:]
    alg2 = base64.b64encode(b"\x02" + pub).decode()
    with pytest.raises(KeyFormatError):
        Verifier.from_key_string(f"PeterNeumann+c74f20a3+{alg2}")


# ---------------------------------------------------------------------------------------
# Keys
# ---------------------------------------------------------------------------------------


def test_generate_key_formats_and_key_id() -> None:
    skey, vkey = cpm.generate_signer_key("safeshare.example.org/p1")
    m = re.fullmatch(r"PRIVATE\+KEY\+safeshare\.example\.org/p1\+([0-9a-f]{8})\+(\S+)", skey)
    assert m
    n = re.fullmatch(r"safeshare\.example\.org/p1\+([0-9a-f]{8})\+(\S+)", vkey)
    assert n and n.group(1) == m.group(1)
    pub = base64.b64decode(n.group(2))
    assert len(pub) == 33 and pub[0] == 1
    assert independent_key_id("safeshare.example.org/p1", pub[1:]) == n.group(1)
    signer = Signer.from_key_string(skey)
    assert signer.verifier().key_string() == vkey
    assert signer.verifier() == Verifier.from_key_string(vkey)
    # The private key must not show up in reprs (logs, tracebacks).
    assert m.group(2) not in repr(signer)


@pytest.mark.parametrize("name", ["", "a b", "a+b", "tab\tname", "nbsp\u00a0name", "nl\n"])
def test_invalid_key_names(name: str) -> None:
    with pytest.raises(KeyFormatError):
        cpm.generate_signer_key(name)


# ---------------------------------------------------------------------------------------
# Notes
# ---------------------------------------------------------------------------------------


def test_round_trip(keys: tuple[Signer, Verifier]) -> None:
    signer, verifier = keys
    cp = Checkpoint(ORIGIN, 42, ROOT, ("extension one",))
    note = cpm.sign_checkpoint(cp, signer)
    assert note.startswith(cp.body() + "\n\u2014 " + ORIGIN + " ")
    assert cpm.verify_checkpoint(note, verifier) == cp
    assert cpm.verify_checkpoint(note, verifier, origin=ORIGIN) == cp
    assert cpm.verify_checkpoint(note.encode(), verifier) == cp
    assert cpm.open_note(note, [verifier]) == (cp.body(), [ORIGIN])


def test_every_character_and_byte_of_the_note_is_protected(keys: tuple[Signer, Verifier]) -> None:
    signer, verifier = keys
    note = cpm.sign_checkpoint(Checkpoint(ORIGIN, 7, ROOT), signer)
    for i, ch in enumerate(note):
        tampered = note[:i] + chr(ord(ch) ^ 1) + note[i + 1 :]
        with pytest.raises((NoteError, CheckpointError)):
            cpm.verify_checkpoint(tampered, verifier)
    raw = note.encode()
    for i in range(len(raw)):
        for bit in (0x01, 0x80):
            tampered_b = raw[:i] + bytes([raw[i] ^ bit]) + raw[i + 1 :]
            with pytest.raises((NoteError, CheckpointError)):
                cpm.verify_checkpoint(tampered_b, verifier)


def test_wrong_key_fails(keys: tuple[Signer, Verifier]) -> None:
    signer, verifier = keys
    note = cpm.sign_checkpoint(Checkpoint(ORIGIN, 1, ROOT), signer)
    # Same name, different key: different key ID, so the signature is "unknown" and the
    # note has no trusted signature.
    _, other_vkey = cpm.generate_signer_key(ORIGIN)
    with pytest.raises(NoteError, match="not signed by any trusted key"):
        cpm.verify_checkpoint(note, Verifier.from_key_string(other_vkey))
    # Different name altogether.
    _, stranger = cpm.generate_signer_key("someone.else.example/log")
    with pytest.raises(NoteError):
        cpm.verify_checkpoint(note, Verifier.from_key_string(stranger))
    # A trusted key whose name and ID match but whose public key differs (an ID collision)
    # must be reported as a bad signature, never ignored.
    impostor_pub = Verifier.from_key_string(other_vkey)
    colliding = Verifier(
        verifier.name, verifier.key_id, impostor_pub.public_key, impostor_pub.public_key_bytes
    )
    with pytest.raises(NoteError, match="invalid signature"):
        cpm.open_note(note, [colliding])


def test_unknown_signatures_ignored_known_bad_signature_rejected(
    keys: tuple[Signer, Verifier],
) -> None:
    signer, verifier = keys
    other_skey, _ = cpm.generate_signer_key("witness.example/w1")
    witness = Signer.from_key_string(other_skey)
    body = Checkpoint(ORIGIN, 3, ROOT).body()
    log_line = cpm.sign_note(body, signer)[len(body) + 1 :]
    witness_line = cpm.sign_note(body, witness)[len(body) + 1 :]
    cosigned = body + "\n" + log_line + witness_line
    assert cpm.open_note(cosigned, [verifier]) == (body, [ORIGIN])
    assert cpm.open_note(cosigned, [verifier, witness.verifier()])[1] == [
        ORIGIN,
        "witness.example/w1",
    ]
    # A valid log signature does not excuse a failing signature by another trusted key.
    bad_witness = cpm.sign_note("different\n", witness)[len("different\n") + 1 :]
    with pytest.raises(NoteError, match="invalid signature"):
        cpm.open_note(body + "\n" + log_line + bad_witness, [verifier, witness.verifier()])
    assert cpm.open_note(body + "\n" + log_line + bad_witness, [verifier])[1] == [ORIGIN]


def test_limits(keys: tuple[Signer, Verifier]) -> None:
    signer, verifier = keys
    body = Checkpoint(ORIGIN, 3, ROOT).body()
    sig_line = cpm.sign_note(body, signer)[len(body) + 1 :]
    unknown_line = "\u2014 unknown.example " + base64.b64encode(bytes(68)).decode() + "\n"
    assert cpm.open_note(body + "\n" + sig_line + unknown_line * 99, [verifier])
    with pytest.raises(NoteError, match="more than 100"):
        cpm.open_note(body + "\n" + sig_line + unknown_line * 100, [verifier])
    big = "x" * (1 << 20) + "\n"
    with pytest.raises(NoteError, match="1 MiB"):
        cpm.open_note(big + "\n" + sig_line, [verifier])
    with pytest.raises(NoteError, match="1 MiB"):
        cpm.open_note((big + "\n" + sig_line).encode(), [verifier])
    with pytest.raises(NoteError):
        cpm.sign_note(big, signer)
    for control in ("\x00", "\t", "\r", "\x1b"):
        with pytest.raises(NoteError, match="control"):
            cpm.open_note(body.replace("\n", control + "\n", 1) + "\n" + sig_line, [verifier])
        with pytest.raises(NoteError):
            cpm.sign_note("a" + control + "\n", signer)
    with pytest.raises(NoteError, match="UTF-8"):
        cpm.open_note(b"\xc3\x28\n\n" + sig_line.encode(), [verifier])
    with pytest.raises(NoteError, match="UTF-8"):
        cpm.open_note("\ud800\n\n" + sig_line, [verifier])


def test_sign_note_rejects_bad_text(keys: tuple[Signer, Verifier]) -> None:
    signer, _ = keys
    for text in ("", "no newline", "\x07bell\n"):
        with pytest.raises(NoteError):
            cpm.sign_note(text, signer)


def test_note_text_may_contain_blank_lines(keys: tuple[Signer, Verifier]) -> None:
    # signed-note: the text ends at the *last* blank line.
    signer, verifier = keys
    text = "para one\n\npara two\n"
    assert cpm.open_note(cpm.sign_note(text, signer), [verifier]) == (text, [ORIGIN])


def test_non_canonical_signature_base64_rejected() -> None:
    # The last base64 digit before "=" carries 2 unused bits; flipping them must not yield
    # a second valid spelling of the same signature.
    peter = Verifier.from_key_string(PETER_VKEY)
    sig = PETER_SIG.rstrip("\n").split(" ")[2]
    alphabet = string.ascii_uppercase + string.ascii_lowercase + string.digits + "+/"
    last = sig[-2]
    twin = alphabet[alphabet.index(last) ^ 1]
    note = PETER_TEXT + "\n\u2014 PeterNeumann " + sig[:-2] + twin + "=\n"
    assert base64.b64decode(sig[:-2] + twin + "=") == base64.b64decode(sig)
    with pytest.raises(NoteError):
        cpm.open_note(note, [peter])


def test_conflicting_trusted_keys_rejected(keys: tuple[Signer, Verifier]) -> None:
    _, verifier = keys
    _, other = cpm.generate_signer_key(ORIGIN)
    o = Verifier.from_key_string(other)
    clash = Verifier(verifier.name, verifier.key_id, o.public_key, o.public_key_bytes)
    with pytest.raises(NoteError, match="share name and id"):
        cpm.open_note(PETER_NOTE, [verifier, clash])
    # The same key listed twice is harmless.
    assert cpm.open_note(PETER_NOTE, [Verifier.from_key_string(PETER_VKEY)] * 2)


# ---------------------------------------------------------------------------------------
# Checkpoint bodies
# ---------------------------------------------------------------------------------------


def test_checkpoint_body_format() -> None:
    cp = Checkpoint(
        "example.com/behind-the-sofa",
        20852163,
        base64.b64decode("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I="),
    )
    # The example body from c2sp.org/tlog-checkpoint.
    assert cp.body() == (
        "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    )
    assert Checkpoint.parse(cp.body()) == cp
    empty = Checkpoint(ORIGIN, 0, hashlib.sha256(b"").digest())
    assert empty.body().split("\n")[1] == "0"
    with_ext = Checkpoint(ORIGIN, 5, ROOT, ("a", "b c"))
    assert with_ext.body().endswith("\na\nb c\n")
    assert Checkpoint.parse(with_ext.body()) == with_ext


GOOD_ROOT_B64 = base64.b64encode(ROOT).decode()
URLSAFE_ROOT_B64 = base64.urlsafe_b64encode(b"\xff" * 32).decode()


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (f"{ORIGIN}\n1\n{GOOD_ROOT_B64}", "newline"),
        (f"{ORIGIN}\n1\n", "origin, size and root"),
        (f"\n1\n{GOOD_ROOT_B64}\n", "empty lines"),
        (f"{ORIGIN}\n1\n{GOOD_ROOT_B64}\n\next\n", "empty lines"),
        (f"{ORIGIN}\n01\n{GOOD_ROOT_B64}\n", "canonical decimal"),
        (f"{ORIGIN}\n+1\n{GOOD_ROOT_B64}\n", "canonical decimal"),
        (f"{ORIGIN}\n-1\n{GOOD_ROOT_B64}\n", "canonical decimal"),
        (f"{ORIGIN}\n 1\n{GOOD_ROOT_B64}\n", "canonical decimal"),
        (f"{ORIGIN}\n1_000\n{GOOD_ROOT_B64}\n", "canonical decimal"),
        (f"{ORIGIN}\n\u0661\n{GOOD_ROOT_B64}\n", "canonical decimal"),
        (f"{ORIGIN}\n{2**64}\n{GOOD_ROOT_B64}\n", "64 bits"),
        (f"{ORIGIN}\n1\n{GOOD_ROOT_B64.rstrip('=')}\n", "base64"),
        (f"{ORIGIN}\n1\n{base64.b64encode(ROOT[:31]).decode()}\n", "32 bytes"),
        (f"{ORIGIN}\n1\n{URLSAFE_ROOT_B64}\n", "base64"),
        (f"{ORIGIN}\n1\n{GOOD_ROOT_B64[:-2]}{chr(ord(GOOD_ROOT_B64[-2]) ^ 1)}=\n", "base64"),
        (f"{ORIGIN}\n1\n {GOOD_ROOT_B64}\n", "base64"),
        (f"{ORIGIN}\t\n1\n{GOOD_ROOT_B64}\n", "control"),
    ],
)
def test_checkpoint_parse_is_strict(body: str, reason: str) -> None:
    with pytest.raises(CheckpointError, match=reason):
        Checkpoint.parse(body)


def test_checkpoint_constructor_validates() -> None:
    for args in (
        ("", 1, ROOT),
        ("a\nb", 1, ROOT),
        (ORIGIN, -1, ROOT),
        (ORIGIN, 2**64, ROOT),
        (ORIGIN, True, ROOT),
        (ORIGIN, 1, ROOT[:31]),
        (ORIGIN, 1, ROOT, ("",)),
        (ORIGIN, 1, ROOT, ("a\nb",)),
    ):
        with pytest.raises(CheckpointError):
            Checkpoint(*args)


def test_verify_checkpoint_checks_origin(keys: tuple[Signer, Verifier]) -> None:
    signer, verifier = keys
    note = cpm.sign_checkpoint(Checkpoint(ORIGIN, 9, ROOT), signer)
    with pytest.raises(CheckpointError, match="origin"):
        cpm.verify_checkpoint(note, verifier, origin="safeshare.example.org/other")
    # A validly signed note whose body is not a checkpoint.
    with pytest.raises(CheckpointError):
        cpm.verify_checkpoint(cpm.sign_note("hello\n", signer), verifier)


line_text = st.text(
    alphabet=st.characters(exclude_categories=["Cs"], min_codepoint=0x20),
    min_size=1,
    max_size=30,
)


@settings(max_examples=100, deadline=None)
@given(
    origin=line_text,
    size=st.integers(0, 2**64 - 1),
    root=st.binary(min_size=32, max_size=32),
    extensions=st.lists(line_text, max_size=3).map(tuple),
)
def test_checkpoint_body_round_trip(
    origin: str, size: int, root: bytes, extensions: tuple[str, ...]
) -> None:
    cp = Checkpoint(origin, size, root, extensions)
    assert Checkpoint.parse(cp.body()) == cp
