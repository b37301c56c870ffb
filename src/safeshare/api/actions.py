"""Every change to an API token: keyword-only `actor=`, a permission check, one
transaction, and the ledger entry in that same transaction (ids only: never the secret).

A token is "ssk_" + a 12-character prefix + "_" + 32 random bytes (base64url). The prefix
finds the row; the SHA-256 of the whole token is compared in constant time.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import re
import secrets
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from safeshare.api.models import ApiToken
from safeshare.api.permissions import can_hold_token, can_revoke_token
from safeshare.ledger.actions import append_entry

DEFAULT_DAYS = 30
MAX_DAYS = 90
# How often the "last used" time is written: a busy client should not turn every read
# into a write.
LAST_USED_EVERY = datetime.timedelta(minutes=1)
TOKEN_PATTERN = re.compile(r"^ssk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def _ledger(event: str, actor: Any, token: ApiToken) -> None:
    append_entry(
        event_type=f"api.token.{event}",
        actor=actor,
        organisation=token.user.organisation,
        obj=token,
        payload={"token": str(token.pk), "user": str(token.user_id)},
    )


def create_token(*, actor: Any, name: str, days: int = DEFAULT_DAYS) -> tuple[ApiToken, str]:
    """A new token for the actor, working for `days` days (1 to 90). Returns the row and
    the token itself, which is not stored and cannot be shown again."""
    if not can_hold_token(actor):
        raise PermissionDenied("Sign in to make an API token")
    if not 1 <= days <= MAX_DAYS:
        raise ValueError(f"A token works for 1 to {MAX_DAYS} days")
    prefix = secrets.token_hex(6)
    token = f"ssk_{prefix}_{secrets.token_urlsafe(32)}"
    now = timezone.now()
    with transaction.atomic():
        row = ApiToken.objects.create(
            user_id=actor.pk,
            name=name,
            prefix=prefix,
            secret_hash=_hash(token),
            created_at=now,
            expires_at=now + datetime.timedelta(days=days),
            session_epoch=actor.session_epoch,
        )
        _ledger("created", actor, row)
    return row, token


def revoke_token(*, actor: Any, token: ApiToken) -> ApiToken:
    """Stop the token working now. Revoking one already revoked changes nothing."""
    if not can_revoke_token(actor, token):
        raise PermissionDenied("You can only revoke your own tokens")
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().select_related("user").get(pk=token.pk)
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.save(update_fields=["revoked_at"])
            _ledger("revoked", actor, locked)
    return locked


def authenticate(raw: str) -> ApiToken | None:
    """The token row for a presented token, if it is current; None otherwise (unknown,
    wrong secret, revoked, expired, user disabled, or the user's sessions ended since)."""
    match = TOKEN_PATTERN.fullmatch(raw)
    if match is None:
        return None
    row = (
        ApiToken.objects.select_related("user", "user__organisation")
        .filter(prefix=match.group(1))
        .first()
    )
    if row is None or not hmac.compare_digest(_hash(raw), row.secret_hash):
        return None
    if not row.is_current():
        return None
    now = timezone.now()
    if row.last_used_at is None or now - row.last_used_at >= LAST_USED_EVERY:
        # A plain update of one column: no ledger entry (it is not an event the ledger
        # records, and the column is left out of the token's digest).
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        row.last_used_at = now
    return row
