"""This deployment's federation key and the pinned public keys: Ed25519 only, named by
their RFC 7638 thumbprint."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from safeshare.federation import keys


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def private_pem(key: Any) -> str:
    return str(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
    )


def public_pem(key: Any) -> str:
    return str(
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def other_key(kind: str) -> Any:
    if kind == "RSA":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return ec.generate_private_key(ec.SECP256R1())


OTHERS = ["EC", "RSA"]


def test_generate_makes_an_ed25519_pkcs8_pem_that_loads() -> None:
    pem = keys.generate()
    assert pem.startswith("-----BEGIN PRIVATE KEY-----\n")
    key = keys.load_private(pem)
    assert isinstance(key, Ed25519PrivateKey)
    assert keys.generate() != pem
    public = keys.public_pem(key.public_key())
    assert public.startswith("-----BEGIN PUBLIC KEY-----\n")
    assert keys.key_id(keys.load_public(public)) == keys.key_id(key.public_key())
    # Pasted keys keep their surrounding blank lines.
    assert keys.key_id(keys.load_public(f"\n\n{public}\n")) == keys.key_id(key.public_key())


@pytest.mark.parametrize("kind", OTHERS)
def test_another_kind_of_private_key_is_refused(kind: str) -> None:
    with pytest.raises(keys.KeyError_) as caught:
        keys.load_private(private_pem(other_key(kind)))
    assert str(caught.value) == "The federation key must be an Ed25519 key"


@pytest.mark.parametrize("kind", OTHERS)
def test_another_kind_of_public_key_is_refused(kind: str) -> None:
    with pytest.raises(keys.KeyError_) as caught:
        keys.load_public(public_pem(other_key(kind)))
    assert str(caught.value) == "The public key must be an Ed25519 key"


def test_text_that_is_not_pem_is_refused() -> None:
    with pytest.raises(keys.KeyError_) as caught:
        keys.load_private("not a key")
    assert str(caught.value).startswith("The federation key is not a PEM private key: ")
    with pytest.raises(keys.KeyError_) as caught:
        keys.load_public("not a key")
    assert str(caught.value).startswith("Not a PEM public key: ")
    # A private key where the public one is expected.
    with pytest.raises(keys.KeyError_):
        keys.load_public(keys.generate())


def test_the_key_id_is_the_rfc_7638_thumbprint() -> None:
    key = Ed25519PrivateKey.generate().public_key()
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    canonical = '{"crv":"Ed25519","kty":"OKP","x":"' + b64url(raw) + '"}'
    assert keys.key_id(key) == b64url(hashlib.sha256(canonical.encode()).digest())
    assert len(keys.key_id(key)) == 43


def test_the_rfc_8037_example_key_has_its_published_thumbprint() -> None:
    """RFC 8037 appendix A.3: the thumbprint of its example Ed25519 key."""
    x = base64.urlsafe_b64decode("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo=")
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    key = Ed25519PublicKey.from_public_bytes(x)
    assert keys.key_id(key) == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"


def test_a_key_file_that_cannot_be_read_is_named(tmp_path: Any) -> None:
    missing = tmp_path / "peer.pem"
    with pytest.raises(keys.KeyError_) as caught:
        keys.read_public_file(str(missing))
    assert str(caught.value).startswith(f"Cannot read the key file {str(missing)!r}")
    missing.write_text(public_pem(Ed25519PrivateKey.generate()))
    assert keys.read_public_file(str(missing)) is not None


def test_own_key_needs_the_setting(settings: Any) -> None:
    settings.SAFESHARE_FEDERATION_KEY = ""
    with pytest.raises(keys.NotConfigured) as caught:
        keys.own_key()
    assert "SAFESHARE_FEDERATION_KEY_FILE" in str(caught.value)
    pem = keys.generate()
    settings.SAFESHARE_FEDERATION_KEY = pem
    assert keys.own_key_id() == keys.key_id(keys.load_private(pem).public_key())
