"""RFC 9421 signing of the messages between deployments and of their answers: what
verifies, and each way a message can be tampered with or mis-signed, refused with why."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from http_message_signatures import HTTPMessageSigner, algorithms
from hypothesis import given, settings
from hypothesis import strategies as st
from requests.structures import CaseInsensitiveDict

from safeshare.federation import keys, signing

URL = "https://west.example/federation/inbox"
BODY = b'{"type":"request","id":"x"}'
KEY = Ed25519PrivateKey.generate()
OTHER = Ed25519PrivateKey.generate()
KEY_ID = keys.key_id(KEY.public_key())


def sign(body: bytes = BODY, **changes: Any) -> dict[str, str]:
    return signing.sign_request(
        method=changes.pop("method", "POST"),
        url=changes.pop("url", URL),
        body=body,
        key=KEY,
        key_id=KEY_ID,
        **changes,
    )


def verify(headers: dict[str, str], body: bytes = BODY, **changes: Any) -> signing.Verified:
    return signing.verify_request(
        method=changes.pop("method", "POST"),
        url=changes.pop("url", URL),
        headers=headers,
        body=body,
        key=changes.pop("key", KEY.public_key()),
        **changes,
    )


def refused(headers: dict[str, str], body: bytes = BODY, **changes: Any) -> signing.Refused:
    with pytest.raises(signing.Refused) as caught:
        verify(headers, body, **changes)
    return caught.value


def by_hand(*, include_alg: bool = True, nonce: str | None = None) -> dict[str, str]:
    """Signed with the library directly, to make what sign_request never makes."""

    class Keys:
        def resolve_private_key(self, key_id: str) -> Ed25519PrivateKey:
            return KEY

    message = signing._Request("POST", URL, CaseInsensitiveDict())
    HTTPMessageSigner(signature_algorithm=algorithms.ED25519, key_resolver=Keys()).sign(  # type: ignore[arg-type]
        message,
        key_id=KEY_ID,
        created=datetime.datetime.now(datetime.UTC),
        nonce=nonce,
        label=signing.LABEL,
        include_alg=include_alg,
        covered_component_ids=signing.REQUEST_COMPONENTS,
        body=BODY,
    )
    return dict(message.headers)


def test_a_signed_request_verifies_with_its_key_id_nonce_and_created_time() -> None:
    created = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    headers = sign(created=created, nonce="n" * 24)
    assert headers["Content-Digest"].startswith("sha-256=:")
    assert headers["Signature-Input"].startswith('safeshare=("@method" "@path" "content-digest");')
    assert 'alg="ed25519"' in headers["Signature-Input"]
    assert signing.signed_key_id(headers) == KEY_ID
    verified = verify(headers)
    assert verified == signing.Verified(KEY_ID, "n" * 24, created)


def test_a_fresh_nonce_each_time_unless_given() -> None:
    first, second = verify(sign()), verify(sign())
    assert first.nonce != second.nonce
    assert 16 <= len(first.nonce) <= 100


def test_a_changed_body_is_refused_by_its_content_digest() -> None:
    problem = refused(sign(), BODY.replace(b"request", b"receipt"))
    assert problem.status == 401
    assert problem.message.startswith("The signature does not verify: ")
    assert "digest" in problem.message.lower()


def test_a_changed_path_is_refused() -> None:
    problem = refused(sign(), url="https://west.example/federation/other")
    assert (problem.status, problem.message.split(":")[0]) == (401, "The signature does not verify")


def test_the_path_is_covered_but_not_the_host() -> None:
    # Only "@path" is covered (a deployment behind a proxy may not know its own host).
    assert verify(sign(), url="https://proxy.internal/federation/inbox").key_id == KEY_ID


def test_a_changed_method_is_refused() -> None:
    problem = refused(sign(), method="PUT")
    assert (problem.status, problem.message.split(":")[0]) == (401, "The signature does not verify")


def test_an_altered_signature_is_refused() -> None:
    headers = sign()
    value = headers["Signature"]
    # safeshare=:BASE64: change one base64 character inside the signature.
    inner = value[len("safeshare=:") : -1]
    flipped = ("B" if inner[5] != "B" else "C").join([inner[:5], inner[6:]])
    headers["Signature"] = f"safeshare=:{flipped}:"
    problem = refused(headers)
    assert (problem.status, problem.message.split(":")[0]) == (401, "The signature does not verify")


@pytest.mark.parametrize("param", ["created", "nonce"])
def test_altered_signature_parameters_are_refused(param: str) -> None:
    headers = sign()
    if param == "created":
        altered = re.sub(
            r"created=(\d+)", lambda m: f"created={int(m.group(1)) - 1}", headers["Signature-Input"]
        )
    else:
        altered = re.sub(r'nonce="[^"]+"', 'nonce="' + "z" * 32 + '"', headers["Signature-Input"])
    assert altered != headers["Signature-Input"]
    headers["Signature-Input"] = altered
    problem = refused(headers)
    assert (problem.status, problem.message.split(":")[0]) == (401, "The signature does not verify")


def test_another_key_is_refused() -> None:
    problem = refused(sign(), key=OTHER.public_key())
    assert (problem.status, problem.message.split(":")[0]) == (401, "The signature does not verify")


@pytest.mark.parametrize("seconds", [301, -301])
def test_a_signature_created_more_than_300_seconds_from_now_is_stale(seconds: int) -> None:
    created = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    headers = sign(created=created)
    problem = refused(headers, now=created + datetime.timedelta(seconds=seconds))
    assert problem.status == 401
    assert problem.message == (
        "The message is stale: its signature was created more than 300 seconds from now"
    )


@pytest.mark.parametrize("seconds", [299, -299])
def test_within_300_seconds_either_way_is_accepted(seconds: int) -> None:
    created = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    headers = sign(created=created)
    assert verify(headers, now=created + datetime.timedelta(seconds=seconds)).created == created


def test_a_sender_whose_clock_is_a_minute_ahead_is_accepted() -> None:
    """MAX_SKEW is "either way": the library's own 5-second allowance for a created time in
    the future must not refuse a peer whose clock runs a little fast."""
    ahead = datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=60)
    assert verify(sign(created=ahead)).key_id == KEY_ID


def test_a_sender_whose_clock_is_far_ahead_is_refused() -> None:
    ahead = datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=400)
    assert refused(sign(created=ahead)).status == 401


def test_a_short_nonce_is_refused() -> None:
    problem = refused(sign(nonce="short"))
    assert (problem.status, problem.message) == (
        401,
        "The signature must carry a nonce of 16 to 100 characters",
    )


def test_a_missing_nonce_is_refused() -> None:
    headers = by_hand(nonce=None)
    assert "nonce" not in headers["Signature-Input"]
    problem = refused(headers)
    assert (problem.status, problem.message) == (
        401,
        "The signature must carry a nonce of 16 to 100 characters",
    )


def test_a_signature_without_alg_is_refused() -> None:
    headers = by_hand(include_alg=False, nonce="n" * 24)
    assert "alg=" not in headers["Signature-Input"]
    problem = refused(headers)
    assert (problem.status, problem.message) == (401, 'The signature must say alg="ed25519"')


def test_a_signature_saying_another_alg_is_refused() -> None:
    headers = sign()
    headers["Signature-Input"] = headers["Signature-Input"].replace(
        'alg="ed25519"', 'alg="hmac-sha256"'
    )
    problem = refused(headers)
    assert problem.status == 401
    assert problem.message.startswith("The signature does not verify: ")
    assert "algorithm" in problem.message


def test_no_signature_headers_is_a_bad_request() -> None:
    with pytest.raises(signing.Refused) as caught:
        signing.signed_key_id({"Content-Type": "application/json"})
    assert (caught.value.status, caught.value.message) == (
        400,
        "The message is not signed: send Signature-Input and Signature (RFC 9421)",
    )
    headers = sign()
    del headers["Signature"]
    assert refused(headers).status == 401


def test_a_signed_answer_verifies_and_a_tampered_one_does_not() -> None:
    body = b'{"ledger_entry":"3:ab","received":"x"}'
    headers = signing.sign_response(status=200, body=body, key=KEY, key_id=KEY_ID)
    assert 'safeshare=("@status" "content-digest")' in headers["Signature-Input"]
    verified = signing.verify_response(status=200, headers=headers, body=body, key=KEY.public_key())
    assert verified.key_id == KEY_ID
    for status, found, key in [
        (200, body.replace(b"3:ab", b"4:ab"), KEY),
        (201, body, KEY),
        (200, body, OTHER),
    ]:
        with pytest.raises(signing.Refused) as caught:
            signing.verify_response(
                status=status, headers=headers, body=found, key=key.public_key()
            )
        assert caught.value.status == 401
        assert caught.value.message.startswith("The answer's signature does not verify")


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_any_single_byte_change_of_the_body_is_refused(data: st.DataObject) -> None:
    headers = sign()
    position = data.draw(st.integers(0, len(BODY) - 1))
    byte = data.draw(st.integers(0, 255).filter(lambda b: b != BODY[position]))
    changed = BODY[:position] + bytes([byte]) + BODY[position + 1 :]
    assert refused(headers, changed).status == 401


def test_a_signature_under_another_label_is_refused() -> None:
    headers = sign()
    for name in ("Signature-Input", "Signature"):
        headers[name] = headers[name].replace("safeshare=", "other=", 1)
    problem = refused(headers)
    assert (problem.status, problem.message) == (
        401,
        "Exactly one signature labelled 'safeshare' is expected",
    )


def test_an_answer_under_another_label_is_refused() -> None:
    body = b"{}"
    headers = signing.sign_response(status=200, body=body, key=KEY, key_id=KEY_ID)
    for name in ("Signature-Input", "Signature"):
        headers[name] = headers[name].replace("safeshare=", "other=", 1)
    with pytest.raises(signing.Refused) as caught:
        signing.verify_response(status=200, headers=headers, body=body, key=KEY.public_key())
    assert caught.value.message == "Exactly one signature labelled 'safeshare' is expected"
