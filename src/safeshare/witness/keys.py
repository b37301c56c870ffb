"""The witness cosigning key, from settings (SAFESHARE_WITNESS_KEY or _FILE)."""

from __future__ import annotations

from django.conf import settings

from safeshare.ledger.cosignature import CosignatureError, WitnessSigner


class WitnessKeyMissing(RuntimeError):
    pass


MISSING_KEY_MESSAGE = (
    "This deployment has no witness key, so it cannot cosign checkpoints. Set "
    "SAFESHARE_WITNESS_KEY or SAFESHARE_WITNESS_KEY_FILE "
    "(`safeshare ledger keygen --witness` makes one)."
)


def signer() -> WitnessSigner:
    key = settings.SAFESHARE_WITNESS_KEY
    if not key:
        raise WitnessKeyMissing(MISSING_KEY_MESSAGE)
    try:
        return WitnessSigner.from_key_string(key)
    except CosignatureError as exc:
        raise WitnessKeyMissing(f"The witness key is not valid: {exc}") from exc
