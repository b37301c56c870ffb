"""Two live deployments on loopback, each with its own database, keys and demo
partnership: a request from alpha's social worker to a school in beta's partnership, the
school's answer as a signed disclosure that the social worker opens and acknowledges,
then the school's revocation, each step delivered over HTTP signed (RFC 9421) and
recorded in both ledgers with the other side's entry hash. Then tampering: a modified
message, a replay and a wrong key are refused with a clear error and nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from safeshare.federation import keys, signing
from tests.federation.deployments import (
    ANSWER_AND_SEND,
    RAISE_REQUEST,
    RECIPIENT,
    REVOKE,
    Partnership,
    counts,
    partnership,
)
from tests.ledger.deployments import Databases, query

SCHOOL = "Riverside Primary School"
REMOTE_SCHOOL = "Riverside Primary School (Beta partnership)"


def _messages(side: Partnership) -> list[tuple[str, str, str, str, str]]:
    rows = query(
        side.url,
        "SELECT direction, kind, status, entry_hash, peer_entry_hash FROM federation_message "
        "ORDER BY created_at",
    )
    return [tuple(str(v) for v in row) for row in rows]  # type: ignore[misc]


def _entry(side: Partnership, entry: str) -> tuple[str, str]:
    sequence, leaf = entry.split(":")
    ((event, stored),) = query(
        side.url, f"SELECT event_type, leaf_hash FROM ledger_entry WHERE sequence = {int(sequence)}"
    )
    assert bytes(stored).hex() == leaf
    return str(event), leaf


@pytest.fixture
def pair(tmp_path: Path):  # type: ignore[no-untyped-def]
    databases = Databases(tmp_path)
    alpha = partnership("alpha", databases, tmp_path)
    beta = partnership("beta", databases, tmp_path)
    try:
        alpha.deployment.serve()
        beta.deployment.serve()
        code = beta.organisation_code(SCHOOL)
        alpha.run(
            "federation",
            "add-remote",
            "--name",
            REMOTE_SCHOOL,
            "--url",
            beta.base,
            "--key",
            str(beta.public_key),
            "--organisation-code",
            code,
            "--kind",
            "school",
            "--peer-name",
            "beta",
        )
        beta.run(
            "federation",
            "add-peer",
            "--name",
            "alpha",
            "--url",
            alpha.base,
            "--key",
            str(alpha.public_key),
        )
        yield alpha, beta
    finally:
        alpha.deployment.stop()
        beta.deployment.stop()
        databases.drop_all()


def test_a_request_answered_by_a_signed_disclosure_opened_acknowledged_and_revoked(pair) -> None:  # type: ignore[no-untyped-def]
    alpha, beta = pair
    request = alpha.step(RAISE_REQUEST.format(to=REMOTE_SCHOOL))
    # Delivered as the request committed: beta queues it as a request from outside.
    ((direction, kind, status, alpha_entry, beta_entry),) = _messages(alpha)
    assert (direction, kind, status) == ("out", "request", "delivered")
    ((_, _, received, beta_own, alpha_seen),) = _messages(beta)
    assert received == "received" and alpha_seen == alpha_entry and beta_own == beta_entry
    assert _entry(alpha, alpha_entry)[0] == "federation.message.sent"
    assert _entry(beta, beta_entry)[0] == "federation.message.received"
    ((name, organisation, check, status_b),) = query(
        beta.url,
        "SELECT external_requester_name, external_requester_organisation, "
        "external_identity_check, status FROM requests_informationrequest r JOIN "
        "federation_inboundrequest f ON f.request_id = r.id",
    )
    assert organisation.startswith("Northshire Children's Social Care (alpha)")
    assert "signature (RFC 9421, Ed25519) verified" in check and status_b == "open"
    assert name

    sent = beta.step(ANSWER_AND_SEND.format(remote_id=request["id"]))
    out = _messages(beta)[-1]
    assert out[:3] == ("out", "disclosure", "delivered")
    ((jws, recipient),) = query(
        alpha.url,
        "SELECT d.jws, u.username FROM federation_receiveddisclosure d "
        "JOIN accounts_user u ON u.id = d.recipient_id",
    )
    assert recipient == "csc.sw" and jws.count(".") == 2
    # Alpha's request is answered, shared.
    assert query(
        alpha.url,
        f"SELECT status, response FROM requests_informationrequest WHERE reference = '{request['reference']}'",
    ) == [("answered", "shared")]
    # What alpha stored verifies against beta's key, with EdDSA.
    from safeshare.federation import jws as jws_module

    payload = jws_module.verify(jws, keys.load_public(beta.public_key.read_text()))
    assert payload["reference"] == sent["reference"] and payload["items"]

    opened = alpha.step(
        RECIPIENT.format(
            remote_id=sent["id"], action="actions.record_opened(actor=actor, disclosure=received)"
        )
    )
    assert opened["status"] == "opened"
    acked = alpha.step(
        RECIPIENT.format(
            remote_id=sent["id"], action="actions.acknowledge(actor=actor, disclosure=received)"
        )
    )
    assert acked["status"] == "acknowledged"
    reported = query(beta.url, "SELECT kind FROM federation_sentevent ORDER BY at")
    assert [k for (k,) in reported] == ["opened", "acknowledged"]

    revoked = beta.step(REVOKE.format(sent_id=sent["id"]))
    assert revoked["status"] == "revoked"
    after = alpha.step(RECIPIENT.format(remote_id=sent["id"], action=""))
    assert after["status"] == "revoked"

    # Every message both ways delivered, and each side's entry names the other's.
    alpha_out = [m for m in _messages(alpha) if m[0] == "out"]
    beta_in = {m[4]: m[3] for m in _messages(beta) if m[0] == "in"}
    assert [m[1] for m in alpha_out] == ["request", "receipt", "receipt"]
    for _, _, status, own, theirs in alpha_out:
        assert status == "delivered" and beta_in[own] == theirs
    beta_out = [m for m in _messages(beta) if m[0] == "out"]
    alpha_in = {m[4]: m[3] for m in _messages(alpha) if m[0] == "in"}
    assert [m[1] for m in beta_out] == ["disclosure", "revocation"]
    for _, _, status, own, theirs in beta_out:
        assert status == "delivered" and alpha_in[own] == theirs
    # Both ledgers verify, from outside.
    for side in (alpha, beta):
        assert "Ledger verified" in side.run("ledger", "verify")


def _post(side: Partnership, body: bytes, headers: dict[str, str]) -> tuple[int, dict[str, str]]:
    import urllib.error
    import urllib.request

    request = urllib.request.Request(  # noqa: S310 — loopback only
        side.base + "/federation/inbox", data=body, method="POST", headers=headers
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_tampering_replay_and_a_wrong_key_are_refused_with_nothing_written(pair) -> None:  # type: ignore[no-untyped-def]
    alpha, beta = pair
    request = alpha.step(RAISE_REQUEST.format(to=REMOTE_SCHOOL))
    assert request["reference"]
    # A message as alpha's deployment would sign it, for a second request.
    key = keys.load_private(alpha.deployment.env["SAFESHARE_FEDERATION_KEY"])
    (body_text,) = query(alpha.url, "SELECT body FROM federation_message")[0]
    envelope = json.loads(body_text)
    envelope["id"] = "6f1c9d4e-2b7a-4c1e-9f3d-0a1b2c3d4e5f"
    envelope["content"]["request"]["id"] = "7a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d"
    envelope["ledger_entry"] = "1:" + "0" * 64
    body = json.dumps(envelope).encode()
    url = beta.base + "/federation/inbox"
    headers = signing.sign_request(
        method="POST", url=url, body=body, key=key, key_id=keys.key_id(key.public_key())
    )
    before = counts(beta)

    # A modified message: the body changed after signing.
    tampered = body.replace(b"Section 47", b"Section 17")
    status, answer = _post(beta, tampered, headers)
    assert status == 401 and "Content-Digest does not match" in answer["error"]
    # A wrong key: signed by a key beta never pinned, claiming alpha's key id.
    impostor = keys.load_private(keys.generate())
    forged = signing.sign_request(
        method="POST", url=url, body=body, key=impostor, key_id=keys.key_id(key.public_key())
    )
    status, answer = _post(beta, body, forged)
    assert status == 401 and "does not verify" in answer["error"]
    # An unknown key id.
    unknown = signing.sign_request(
        method="POST", url=url, body=body, key=impostor, key_id=keys.key_id(impostor.public_key())
    )
    status, answer = _post(beta, body, unknown)
    assert status == 401 and "not pinned" in answer["error"]
    assert counts(beta) == before

    # The genuine message is taken once; the same signature again is a replay.
    status, answer = _post(beta, body, headers)
    assert status == 200 and answer["ledger_entry"]
    taken = counts(beta)
    status, answer = _post(beta, body, headers)
    assert status == 409 and "Replay" in answer["error"]
    assert counts(beta) == taken
