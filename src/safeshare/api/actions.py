"""Every change to an API token: keyword-only `actor=`, a permission check, one
transaction, and the ledger entry in that same transaction (ids only: never the secret).

A token is "ssk_" + a 12-character prefix + "_" + 32 random bytes (base64url). The prefix
finds the row; the SHA-256 of the whole token is compared in constant time.

Also the API's own bookkeeping, which the ledger does not record (it is not an event of
the service, and holds no personal data): the calls each token made this minute (the rate
limit) and the creating calls made with an Idempotency-Key.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import re
import secrets
import time
from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from safeshare.accounts.models import User
from safeshare.api.models import ApiToken, CallCount, IdempotentCall
from safeshare.api.permissions import can_hold_token, can_revoke_token
from safeshare.ledger.changes import record_change

DEFAULT_DAYS = 30
MAX_DAYS = 90
# How often the "last used" time is written: a busy client should not turn every read
# into a write.
LAST_USED_EVERY = datetime.timedelta(minutes=1)
TOKEN_PATTERN = re.compile(r"^ssk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def create_token(*, actor: User, name: str, days: int = DEFAULT_DAYS) -> tuple[ApiToken, str]:
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
        record_change(
            "api.token.created",
            actor=actor,
            obj=row,
            payload={"token": str(row.pk), "user": str(row.user_id)},
            organisation=row.user.organisation,
        )
    return row, token


def revoke_token(*, actor: User, token: ApiToken) -> ApiToken:
    """Stop the token working now. Revoking one already revoked changes nothing."""
    if not can_revoke_token(actor, token):
        raise PermissionDenied("You can only revoke your own tokens")
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().select_related("user").get(pk=token.pk)
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.save(update_fields=["revoked_at"])
            record_change(
                "api.token.revoked",
                actor=actor,
                obj=locked,
                payload={"token": str(locked.pk), "user": str(locked.user_id)},
                organisation=locked.user.organisation,
            )
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


# --- Rate limit: a fixed window of one minute per token, counted in the database -----------


def current_minute() -> int:
    return int(time.time() // 60)


def count_call(token: ApiToken) -> int:
    """Count one call of `token` in the current minute and return how many it has made in
    it, this one included. One INSERT ... ON CONFLICT DO UPDATE ... RETURNING (SQLite 3.35+
    and PostgreSQL), so calls counted at the same moment by different processes or app
    servers each get their own number and none is lost."""
    minute = current_minute()
    table = connection.ops.quote_name(CallCount._meta.db_table)
    token_id = CallCount._meta.get_field("token").get_db_prep_value(token.pk, connection)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (token_id, minute, calls) VALUES (%s, %s, 1) "  # noqa: S608 — the table name is ours, quoted; values are parameters
            f"ON CONFLICT (token_id, minute) DO UPDATE SET calls = {table}.calls + 1 "
            "RETURNING calls",
            [token_id, minute],
        )
        row = cursor.fetchone()
    calls = int(row[0])
    if calls == 1:
        # A new minute: the token's earlier windows are of no more use.
        CallCount.objects.filter(token_id=token.pk, minute__lt=minute).delete()
    return calls


# --- Idempotency-Key: a creating call made once, whatever the number of tries --------------

# How long a key is remembered: a client retries within minutes, not days.
IDEMPOTENCY_KEY_HOURS = 24


class KeyReused(Exception):
    """The key was used for a different request (another operation, record or body)."""


def _keyed_hash(kind: str, value: str) -> str:
    return salted_hmac(f"safeshare.api.idempotency.{kind}", value, algorithm="sha256").hexdigest()


def request_hash(operation: str, path: str, body: Any) -> str:
    """What makes two calls "the same request": the operation, its path (with the record's
    id) and the validated body, as canonical JSON. Kept only as a keyed hash."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return _keyed_hash("request", f"{operation}\n{path}\n{canonical}")


def once(*, actor: User, key: str, request: str, create: Callable[[], UUID]) -> UUID:
    """The id of what the first call with this `key` made: run `create` (the action) if the
    actor has not used the key in the last IDEMPOTENCY_KEY_HOURS, and remember its result
    in the action's own transaction; otherwise return the first call's result without
    running it again. `request` is request_hash() of this call; a key first used for a
    different one raises KeyReused.

    Two calls with the same key at the same moment make one record: the unique constraint
    on (user, key) lets one claim the key, and the other waits for that transaction
    (PostgreSQL holds its insert on the index entry; SQLite queues the second writer) and
    then finds the first call's result. If the first call fails, nothing of it is kept and
    the key is free again."""
    key_hash = _keyed_hash("key", key)
    earlier = _earlier(actor, key_hash)
    if earlier is not None:
        return _replay(earlier, request)
    with transaction.atomic():
        IdempotentCall.objects.filter(
            user_id=actor.pk,
            created_at__lt=timezone.now() - datetime.timedelta(hours=IDEMPOTENCY_KEY_HOURS),
        ).delete()
        try:
            with transaction.atomic():
                claim = IdempotentCall.objects.create(
                    user_id=actor.pk, key_hash=key_hash, request_hash=request
                )
        except IntegrityError:
            earlier = _earlier(actor, key_hash)
            if earlier is None:
                raise
            return _replay(earlier, request)
        object_id = create()
        claim.object_id = object_id
        claim.save(update_fields=["object_id"])
    return object_id


def _earlier(actor: User, key_hash: str) -> IdempotentCall | None:
    since = timezone.now() - datetime.timedelta(hours=IDEMPOTENCY_KEY_HOURS)
    return IdempotentCall.objects.filter(
        user_id=actor.pk, key_hash=key_hash, created_at__gte=since
    ).first()


def _replay(earlier: IdempotentCall, request: str) -> UUID:
    if not hmac.compare_digest(earlier.request_hash, request):
        raise KeyReused
    # Set in the transaction that made the row: no committed row is without it.
    assert earlier.object_id is not None
    return earlier.object_id
