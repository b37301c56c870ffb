"""RFC 9421 HTTP Message Signatures for messages between deployments, with the kept
library http-message-signatures: Ed25519 (`alg="ed25519"`), covering "@method", "@path"
and "content-digest" (RFC 9530, SHA-256 of the body), with the `created`, `nonce` and
`keyid` parameters, under the label `safeshare`. Answers are signed the same way,
covering "@status" and "content-digest".

What the library leaves to its caller is done here: a message whose `created` is more
than `MAX_SKEW` from now (either way) is stale, and the caller records the nonce in the
transaction of the effect (models.Nonce is unique per peer), so a replay writes nothing.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from http_message_signatures import (
    HTTPMessageSigner,
    HTTPMessageVerifier,
    HTTPSignatureKeyResolver,
    algorithms,
)
from http_message_signatures.exceptions import HTTPMessageSignaturesException
from requests.structures import CaseInsensitiveDict

LABEL = "safeshare"
REQUEST_COMPONENTS = ("@method", "@path", "content-digest")
RESPONSE_COMPONENTS = ("@status", "content-digest")
MAX_SKEW = datetime.timedelta(seconds=300)


class Refused(Exception):
    """A message this side will not accept: `status` is the HTTP status to answer with
    (400 malformed, 401 unknown key or bad signature or stale, 409 replay), `message` says
    why, for the other side's operators."""

    def __init__(self, status: int, message: str) -> None:
        self.status = status
        self.message = message
        super().__init__(message)


@dataclass
class _Request:
    method: str
    url: str
    headers: CaseInsensitiveDict[str] = field(default_factory=CaseInsensitiveDict)


@dataclass
class _Response:
    status_code: int
    headers: CaseInsensitiveDict[str] = field(default_factory=CaseInsensitiveDict)
    request: Any = None


class _Keys(HTTPSignatureKeyResolver):
    def __init__(
        self,
        private: Ed25519PrivateKey | None = None,
        public: Callable[[str], Ed25519PublicKey | None] | None = None,
    ) -> None:
        self.private = private
        self.public = public

    def resolve_private_key(self, key_id: str) -> Ed25519PrivateKey:
        assert self.private is not None
        return self.private

    def resolve_public_key(self, key_id: str) -> Ed25519PublicKey | None:
        return None if self.public is None else self.public(key_id)


@dataclass(frozen=True)
class Verified:
    key_id: str
    nonce: str
    created: datetime.datetime


def sign_request(
    *,
    method: str,
    url: str,
    body: bytes,
    key: Ed25519PrivateKey,
    key_id: str,
    created: datetime.datetime | None = None,
    nonce: str | None = None,
) -> dict[str, str]:
    """The headers to send with `body` (Content-Type, Content-Digest, Signature-Input,
    Signature)."""
    message = _Request(
        method.upper(), url, CaseInsensitiveDict({"Content-Type": "application/json"})
    )
    HTTPMessageSigner(signature_algorithm=algorithms.ED25519, key_resolver=_Keys(key)).sign(
        message,
        key_id=key_id,
        created=created or datetime.datetime.now(datetime.UTC),
        nonce=nonce or secrets.token_urlsafe(24),
        label=LABEL,
        covered_component_ids=REQUEST_COMPONENTS,
        body=body,
    )
    return dict(message.headers)


def sign_response(
    *, status: int, body: bytes, key: Ed25519PrivateKey, key_id: str
) -> dict[str, str]:
    message = _Response(status, CaseInsensitiveDict({"Content-Type": "application/json"}))
    HTTPMessageSigner(signature_algorithm=algorithms.ED25519, key_resolver=_Keys(key)).sign(
        message,
        key_id=key_id,
        nonce=secrets.token_urlsafe(24),
        label=LABEL,
        covered_component_ids=RESPONSE_COMPONENTS,
        body=body,
    )
    return dict(message.headers)


def signed_key_id(headers: Mapping[str, str]) -> str:
    """The `keyid` the message says signed it (not yet verified): which pinned key to try."""
    value = CaseInsensitiveDict(headers).get("Signature-Input", "")
    marker = 'keyid="'
    start = value.find(marker)
    if not value or start < 0:
        raise Refused(
            400, "The message is not signed: send Signature-Input and Signature (RFC 9421)"
        )
    end = value.find('"', start + len(marker))
    if end < 0:
        raise Refused(400, "The Signature-Input header is malformed")
    return value[start + len(marker) : end]


def _why(what: str, exc: Exception) -> str:
    detail = str(exc) or "it does not match the message and the pinned key"
    return f"{what}: {detail}"


def _check(results: list[Any], now: datetime.datetime | None) -> Verified:
    if len(results) != 1 or results[0].label != LABEL:
        raise Refused(401, "Exactly one signature labelled 'safeshare' is expected")
    params = results[0].parameters
    if params.get("alg") != "ed25519":
        raise Refused(401, 'The signature must say alg="ed25519"')
    nonce = params.get("nonce")
    created_at = params.get("created")
    if not isinstance(nonce, str) or not 16 <= len(nonce) <= 100:
        raise Refused(401, "The signature must carry a nonce of 16 to 100 characters")
    if not isinstance(created_at, int):
        raise Refused(401, "The signature must carry its created time")
    created = datetime.datetime.fromtimestamp(created_at, datetime.UTC)
    if abs((now or datetime.datetime.now(datetime.UTC)) - created) > MAX_SKEW:
        raise Refused(
            401, "The message is stale: its signature was created more than 300 seconds from now"
        )
    return Verified(str(params.get("keyid")), nonce, created)


def verify_request(
    *,
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: bytes,
    key: Ed25519PublicKey,
    now: datetime.datetime | None = None,
) -> Verified:
    """Verify a request against the pinned `key`; raise Refused saying why not."""
    message = _Request(method.upper(), url, CaseInsensitiveDict(headers))
    verifier = HTTPMessageVerifier(
        signature_algorithm=algorithms.ED25519, key_resolver=_Keys(public=lambda _: key)
    )
    # The library allows a created time only 5 s ahead; _check allows MAX_SKEW either way.
    verifier.max_clock_skew = MAX_SKEW
    try:
        results = verifier.verify(
            message,
            max_age=None,
            expect_label=None,
            require_components=REQUEST_COMPONENTS,
            body=body,
        )
    except HTTPMessageSignaturesException as exc:
        raise Refused(401, _why("The signature does not verify", exc)) from exc
    return _check(results, now)


def verify_response(
    *, status: int, headers: Mapping[str, str], body: bytes, key: Ed25519PublicKey
) -> Verified:
    message = _Response(status, CaseInsensitiveDict(headers), _Request("POST", "https://peer/"))
    verifier = HTTPMessageVerifier(
        signature_algorithm=algorithms.ED25519, key_resolver=_Keys(public=lambda _: key)
    )
    # The library allows a created time only 5 s ahead; _check allows MAX_SKEW either way.
    verifier.max_clock_skew = MAX_SKEW
    try:
        results = verifier.verify(
            message, max_age=None, require_components=RESPONSE_COMPONENTS, body=body
        )
    except HTTPMessageSignaturesException as exc:
        raise Refused(401, _why("The answer's signature does not verify", exc)) from exc
    return _check(results, None)
