"""The signed disclosure payload: a compact JWS, EdDSA over Ed25519, typ
safeshare-disclosure+json; anything else is refused with why."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from safeshare.federation import jws, keys

KEY = Ed25519PrivateKey.generate()
OTHER = Ed25519PrivateKey.generate()
PAYLOAD = {"id": "d-1", "items": [{"text": "Attends every day"}], "reference": "FED-ABCDEFGH"}


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def by_hand(header: dict[str, Any], payload: bytes | None = None) -> str:
    """A compact JWS signed with KEY's Ed25519 signature whatever the header says."""
    body = json.dumps(PAYLOAD).encode() if payload is None else payload
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(body)}"
    return f"{signing_input}.{b64(KEY.sign(signing_input.encode()))}"


def refused(token: str, key: Ed25519PrivateKey = KEY) -> str:
    with pytest.raises(jws.InvalidJWS) as caught:
        jws.verify(token, key.public_key())
    return str(caught.value)


def test_round_trip_with_the_header_asked_for() -> None:
    token = jws.sign(PAYLOAD, KEY)
    assert token.count(".") == 2
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    assert header == {
        "alg": "EdDSA",
        "kid": keys.key_id(KEY.public_key()),
        "typ": "safeshare-disclosure+json",
    }
    assert jws.kid_of(token) == keys.key_id(KEY.public_key())
    assert jws.verify(token, KEY.public_key()) == PAYLOAD


def test_a_token_made_by_hand_the_same_way_verifies() -> None:
    token = by_hand({"alg": "EdDSA", "typ": jws.TYPE})
    assert jws.verify(token, KEY.public_key()) == PAYLOAD


def test_another_key_is_refused() -> None:
    assert refused(jws.sign(PAYLOAD, KEY), OTHER).startswith(
        "The disclosure's signature does not verify"
    )


def test_an_altered_payload_is_refused() -> None:
    header, _, signature = jws.sign(PAYLOAD, KEY).split(".")
    altered = b64(json.dumps({**PAYLOAD, "reference": "FED-ZZZZZZZZ"}).encode())
    assert refused(f"{header}.{altered}.{signature}").startswith(
        "The disclosure's signature does not verify"
    )


@pytest.mark.parametrize("typ", [None, "JWT", "safeshare-request+json"])
def test_typ_missing_or_other_is_refused(typ: str | None) -> None:
    header: dict[str, Any] = {"alg": "EdDSA"}
    if typ is not None:
        header["typ"] = typ
    assert refused(by_hand(header)) == (
        "The disclosure's JWS must have typ 'safeshare-disclosure+json'"
    )


@pytest.mark.parametrize("alg", ["Ed25519", "ES256", "HS256", "none"])
def test_an_algorithm_other_than_eddsa_is_refused(alg: str) -> None:
    assert refused(by_hand({"alg": alg, "typ": jws.TYPE})).startswith(
        "The disclosure's signature does not verify"
    )


def test_an_hmac_token_keyed_with_the_public_key_is_refused() -> None:
    """The classic confusion: HS256 with the public key's bytes as the secret."""
    import hashlib
    import hmac

    header = b64(json.dumps({"alg": "HS256", "typ": jws.TYPE}).encode())
    body = b64(json.dumps(PAYLOAD).encode())
    secret = keys.public_pem(KEY.public_key()).encode()
    mac = hmac.new(secret, f"{header}.{body}".encode(), hashlib.sha256).digest()
    assert refused(f"{header}.{body}.{b64(mac)}").startswith(
        "The disclosure's signature does not verify"
    )


def test_a_payload_that_is_not_an_object_is_refused() -> None:
    token = by_hand({"alg": "EdDSA", "typ": jws.TYPE}, b"[1, 2]")
    assert refused(token) == "The disclosure's payload must be a JSON object"
    token = by_hand({"alg": "EdDSA", "typ": jws.TYPE}, b"not json")
    assert refused(token) == "The disclosure's payload is not JSON"


def test_not_a_compact_jws() -> None:
    with pytest.raises(jws.InvalidJWS) as caught:
        jws.kid_of("not-a-token")
    assert str(caught.value).startswith("The disclosure is not a compact JWS")
