"""Personal API tokens: a signed-in user's key to the API (docs/api.md).

Only a SHA-256 hash of the token is stored (the secret is 32 random bytes, so a fast hash
is enough: there is nothing to guess), with a short non-secret prefix to find it by and to
show on the token page. The token is shown once, when it is made.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.db import models
from django.utils import timezone

from safeshare.accounts.models import User


class ApiToken(models.Model):
    # Out of the ledger digest: the hash is a secret's digest and the last use changes on
    # every call; neither is an event the ledger records (ledger/digest.py).
    ledger_exclude_fields: ClassVar[frozenset[str]] = frozenset({"secret_hash", "last_used_at"})

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField(max_length=100)
    # The token's public part ("ssk_<prefix>_<secret>"): finds the row, and tells the user
    # which token is which. Never enough to use the token.
    prefix = models.CharField(max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # The user's session epoch when the token was made: when it moves (signed out, password,
    # second factor or access changed, account disabled) the token stops working, as every
    # session does (signin/actions.py).
    session_epoch = models.PositiveIntegerField()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"API token {self.prefix}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    def is_current(self) -> bool:
        """Usable now: not revoked, not expired, and the user's sessions have not been
        ended since it was made."""
        return (
            not self.is_revoked
            and not self.is_expired()
            and self.user.is_active
            and self.user.session_epoch == self.session_epoch
        )

    @property
    def status_text(self) -> str:
        if self.is_revoked:
            return "Revoked"
        if self.is_expired():
            return "Expired"
        if not self.user.is_active or self.user.session_epoch != self.session_epoch:
            return "Stopped working"
        return "Active"


class CallCount(models.Model):
    """How many calls a token has made in one minute: the rate limit's fixed window, kept in
    the database so that every process and app server counts the same calls
    (actions.count_call). A token keeps only its current minute's row."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="call_counts")
    # Whole minutes since 1970 (UTC): the window.
    minute = models.BigIntegerField()
    calls = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["token", "minute"], name="api_call_count_per_minute")
        ]

    def __str__(self) -> str:
        return f"{self.calls} calls in minute {self.minute}"


class IdempotentCall(models.Model):
    """A creating call made with an `Idempotency-Key` header, so that repeating it returns
    the first result instead of creating again (actions.once, docs/api.md).

    Holds no personal data: the key and the request are kept only as keyed hashes (HMAC with
    the service's secret key: a client may put anything in a key, and a bare hash of a short
    body could be guessed), and the result only as the id of the record the call made, which
    a repeat shows again through the same scoped read, permission check and read audit."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="idempotent_calls")
    key_hash = models.CharField(max_length=64)
    request_hash = models.CharField(max_length=64)
    # The record made (a request) or acted on (the disclosure acknowledged). Set in the same
    # transaction as the row, so no other call ever sees it empty.
    object_id = models.UUIDField(null=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            # Keys are scoped per user: two users may use the same key; one user may not
            # create twice with it.
            models.UniqueConstraint(
                fields=["user", "key_hash"], name="api_idempotency_key_per_user"
            )
        ]
        indexes = [models.Index(fields=["user", "created_at"])]

    def __str__(self) -> str:
        return f"Idempotent call {self.pk}"
