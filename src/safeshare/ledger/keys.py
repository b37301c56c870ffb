"""The checkpoint signing key, from settings (SAFESHARE_LEDGER_SIGNING_KEY or _FILE)."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings

from safeshare.ledger.bundle import load_verifier
from safeshare.ledger.checkpoint import KeyFormatError, Signer, Verifier


class SigningKeyMissing(RuntimeError):
    """No signing key is configured, so no checkpoint can be signed."""


MISSING_KEY_MESSAGE = (
    "The ledger has no signing key, so it cannot sign checkpoints. Set "
    "SAFESHARE_LEDGER_SIGNING_KEY or SAFESHARE_LEDGER_SIGNING_KEY_FILE "
    "(`safeshare ledger keygen` makes one)."
)


def origin() -> str:
    return str(settings.SAFESHARE_LEDGER_ORIGIN)


def signer() -> Signer:
    key = settings.SAFESHARE_LEDGER_SIGNING_KEY
    if not key:
        raise SigningKeyMissing(MISSING_KEY_MESSAGE)
    try:
        loaded = Signer.from_key_string(key)
    except KeyFormatError as exc:
        raise SigningKeyMissing(f"The ledger signing key is not valid: {exc}") from exc
    if loaded.name != origin():
        # tlog-checkpoint: the key name should be the origin, and witnesses look keys up
        # by it; a mismatch means the key belongs to another deployment.
        raise SigningKeyMissing(
            f"The ledger signing key is named {loaded.name!r} but SAFESHARE_LEDGER_ORIGIN "
            f"is {origin()!r}; make a key for this origin with `safeshare ledger keygen`."
        )
    return loaded


def has_signer() -> bool:
    return bool(settings.SAFESHARE_LEDGER_SIGNING_KEY)


def verifier() -> Verifier:
    return signer().verifier()


def verifiers(given: Sequence[str] | None = None) -> list[Verifier]:
    """The keys to check checkpoints with: those given (a key, or a file holding one; the
    old and the new after a rotation), else this deployment's own, else none. Raises
    bundle.ProofError for a key given that is not one, SigningKeyMissing for a bad one
    configured."""
    if given:
        return [load_verifier(key) for key in given]
    return [verifier()] if has_signer() else []
