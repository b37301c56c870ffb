"""This deployment's federation key (Ed25519) and the peers' pinned public keys.

One key signs both the HTTP messages (RFC 9421) and the disclosure payloads (JWS), so a
peer pins one public key per deployment. Its id is the RFC 7638 JWK thumbprint (SHA-256,
base64url), the `keyid` of every signature and the `kid` of every JWS.
"""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from joserfc.jwk import OKPKey


class KeyError_(ValueError):
    """A key that cannot be read or is not Ed25519 (the message says which and why)."""


class NotConfigured(RuntimeError):
    """SAFESHARE_FEDERATION_KEY (or _FILE) is not set: this deployment cannot sign."""


def generate() -> str:
    """A new private key as PEM (PKCS #8)."""
    return (
        Ed25519PrivateKey.generate()
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )


def load_private(pem: str) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(pem.encode(), password=None)
    except (ValueError, TypeError) as exc:
        raise KeyError_(f"The federation key is not a PEM private key: {exc}") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyError_("The federation key must be an Ed25519 key")
    return key


def load_public(pem: str) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(pem.strip().encode())
    except (ValueError, TypeError) as exc:
        raise KeyError_(f"Not a PEM public key: {exc}") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise KeyError_("The public key must be an Ed25519 key")
    return key


def public_pem(key: Ed25519PublicKey) -> str:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def key_id(key: Ed25519PublicKey) -> str:
    """RFC 7638 thumbprint of the key as a JWK."""
    return str(OKPKey.import_key(public_pem(key)).thumbprint())


def read_public_file(path: str) -> Ed25519PublicKey:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise KeyError_(f"Cannot read the key file {path!r}: {exc}") from exc
    return load_public(text)


def own_key() -> Ed25519PrivateKey:
    pem = settings.SAFESHARE_FEDERATION_KEY
    if not pem:
        raise NotConfigured(
            "This deployment has no federation key: set SAFESHARE_FEDERATION_KEY_FILE "
            "(`safeshare federation keygen --out FILE` makes one)"
        )
    return load_private(pem)


def own_key_id() -> str:
    return key_id(own_key().public_key())
