"""Sending the outbound queue: each queued message, oldest first per peer, POSTed to the
peer's inbox signed (RFC 9421), its signed answer verified against the pinned key.

- 200 with a verified answer: delivered, with the peer's ledger entry hash recorded.
- 4xx (the peer refuses it: bad content, unknown organisation): refused for good, kept
  with the reason for the administrators; later messages to that peer still go.
- No answer, 5xx or an answer that does not verify: tried again later, with backoff
  (1, 2, 4 ... up to 60 minutes); later messages to that peer wait, so a receipt never
  arrives before the disclosure it is about.

Delivery runs after the transaction that queued a message commits (for the practitioner,
at once) and from the scheduled job `federation.deliver` (every minute).
"""

from __future__ import annotations

import datetime
import json
import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

import requests
from safeshare.federation import actions, keys, signing
from safeshare.federation.models import Direction, Message, MessageStatus, Nonce, Peer

logger = logging.getLogger(__name__)
MAX_BACKOFF_MINUTES = 60


def _post(message: Message, peer: Peer) -> tuple[int | None, str, dict[str, Any] | None]:
    """(status, reason, verified answer) of one attempt."""
    body = actions.envelope(message)
    url = peer.base_url + actions.INBOX_PATH
    private = keys.own_key()
    headers = signing.sign_request(
        method="POST", url=url, body=body, key=private, key_id=keys.key_id(private.public_key())
    )
    try:
        response = requests.post(
            url,
            data=body,
            headers=headers,
            timeout=float(settings.SAFESHARE_FEDERATION_TIMEOUT),
            allow_redirects=False,
        )
    except requests.RequestException as exc:
        return None, f"no answer: {type(exc).__name__}", None
    content = response.content[: 64 * 1024]
    try:
        answer = json.loads(content)
    except ValueError:
        answer = None
    if response.status_code != 200:
        reason = answer.get("error", "") if isinstance(answer, dict) else ""
        return response.status_code, str(reason)[:250] or response.reason, None
    try:
        signing.verify_response(
            status=200,
            headers=dict(response.headers),
            body=response.content,
            key=keys.load_public(peer.public_key),
        )
    except signing.Refused as exc:
        return None, exc.message[:250], None
    if not isinstance(answer, dict) or not isinstance(answer.get("ledger_entry"), str):
        return None, "the answer does not name the peer's ledger entry", None
    return 200, "", answer


def _retry(message: Message, reason: str) -> None:
    with transaction.atomic():
        locked = Message.objects.select_for_update().get(pk=message.pk)
        if locked.status != MessageStatus.QUEUED:
            return
        locked.attempts += 1
        wait = min(2 ** (locked.attempts - 1), MAX_BACKOFF_MINUTES)
        locked.next_attempt_at = timezone.now() + datetime.timedelta(minutes=wait)
        locked.last_error = reason[:300]
        locked.save(update_fields=["attempts", "next_attempt_at", "last_error"])


def deliver(message: Message) -> bool:
    """One attempt; True when delivered."""
    peer = Peer.objects.get(pk=message.peer_id)
    status, reason, answer = _post(message, peer)
    if status == 200 and answer is not None:
        actions.record_delivered(message, answer["ledger_entry"])
        return True
    if status is not None and 400 <= status < 500 and status not in {408, 429}:
        actions.record_refused(message, status, reason)
        logger.warning(
            "federation message %s refused by %s: %s", message.message_id, peer.name, status
        )
        return False
    _retry(message, f"{status or ''} {reason}".strip())
    logger.warning(
        "federation message %s to %s not delivered; will retry", message.message_id, peer.name
    )
    return False


def deliver_queued(*, peer_id: Any = None, now: datetime.datetime | None = None) -> int:
    """Deliver what is due, oldest first, stopping at a peer's first message that must be
    retried. Returns the number delivered."""
    if not settings.SAFESHARE_FEDERATION_KEY:
        return 0
    now = now or timezone.now()
    queued = Message.objects.filter(direction=Direction.OUT, status=MessageStatus.QUEUED)
    if peer_id is not None:
        queued = queued.filter(peer_id=peer_id)
    delivered = 0
    waiting: set[Any] = set()
    for message in queued.order_by("created_at", "id")[:500]:
        if message.peer_id in waiting:
            continue
        if message.next_attempt_at > now:
            waiting.add(message.peer_id)
            continue
        if deliver(message):
            delivered += 1
        elif Message.objects.filter(pk=message.pk, status=MessageStatus.QUEUED).exists():
            waiting.add(message.peer_id)
    return delivered


def deliver_job(*, now: datetime.datetime | None = None) -> int:
    """The scheduled job: deliver what is due, and forget nonces too old to be replayed
    (a signature more than 300 seconds old is refused as stale anyway)."""
    now = now or timezone.now()
    count = deliver_queued(now=now)
    Nonce.objects.filter(created__lt=now - 2 * signing.MAX_SKEW).delete()
    return count
