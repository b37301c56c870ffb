"""`safeshare federation ...`: the administrators' side of pinning deployments."""

from __future__ import annotations

import io
import stat
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import CommandError, call_command

from safeshare.accounts.models import Organisation
from safeshare.federation import keys
from safeshare.federation.models import Direction, Message, MessageStatus, Peer, RemoteOrganisation
from safeshare.ledger.models import Entry
from tests.factories import OrganisationFactory
from tests.factories.requests import InformationRequestFactory
from tests.federation.conftest import (
    PEER_URL,
    SignedPost,
    envelope,
    key_id,
    public_pem,
    request_content,
)


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("federation", *args, stdout=out)
    return out.getvalue()


def fails(*args: str) -> str:
    with pytest.raises(CommandError) as caught:
        run(*args)
    return str(caught.value)


@pytest.fixture
def key_file(tmp_path: Path, peer_key: Ed25519PrivateKey) -> str:
    path = tmp_path / "peer.pem"
    path.write_text(public_pem(peer_key))
    return str(path)


def test_keygen_writes_a_private_key_only_its_owner_can_read(tmp_path: Path) -> None:
    out = tmp_path / "keys" / "federation.pem"
    printed = run("keygen", "--out", str(out))
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    key = keys.load_private(out.read_text())
    assert f"Federation key written to {out}" in printed
    assert f"Key id: {keys.key_id(key.public_key())}" in printed
    assert keys.public_pem(key.public_key()).strip() in printed
    assert "PRIVATE KEY" not in printed


def test_keygen_refuses_to_replace_a_key_without_force(tmp_path: Path) -> None:
    out = tmp_path / "federation.pem"
    run("keygen", "--out", str(out))
    first = out.read_text()
    assert fails("keygen", "--out", str(out)) == f"{out} exists: pass --force to replace it"
    assert out.read_text() == first
    run("keygen", "--out", str(out), "--force")
    assert out.read_text() != first
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_show_key_prints_the_key_and_the_organisations_codes(
    db: None, own_key: Ed25519PrivateKey, peer_key: Ed25519PrivateKey, key_file: str
) -> None:
    school = OrganisationFactory.create(name="Riverside Primary School")
    run(
        "add-remote",
        "--name",
        "Eastshire Council",
        "--url",
        PEER_URL,
        "--key",
        key_file,
        "--organisation-code",
        "c1",
    )
    printed = run("show-key")
    assert f"Key id: {key_id(own_key)}" in printed
    assert public_pem(own_key).strip() in printed
    assert "Organisations (name: code):" in printed
    assert f"  Riverside Primary School: {school.pk}" in printed
    assert "Eastshire Council" not in printed  # another deployment's, not ours


def test_show_key_without_a_key_says_how_to_make_one(db: None, settings: Any) -> None:
    settings.SAFESHARE_FEDERATION_KEY = ""
    assert "safeshare federation keygen --out FILE" in fails("show-key")


def test_add_peer_pins_the_deployment(db: None, peer_key: Ed25519PrivateKey, key_file: str) -> None:
    printed = run("add-peer", "--name", "Eastshire", "--url", PEER_URL + "/", "--key", key_file)
    peer = Peer.objects.get()
    assert (peer.name, peer.base_url, peer.key_id) == ("Eastshire", PEER_URL, key_id(peer_key))
    assert printed.strip() == f"Pinned Eastshire at {PEER_URL} (key id {key_id(peer_key)})"
    assert Entry.objects.filter(event_type="federation.peer.pinned").count() == 1
    assert (
        fails("add-peer", "--name", "Eastshire", "--url", "https://b.example", "--key", key_file)
        == "--name: A deployment named 'Eastshire' is already pinned"
    )
    assert fails("add-peer", "--name", "B", "--url", PEER_URL, "--key", key_file) == (
        f"--url: A deployment at {PEER_URL} is already pinned"
    )
    assert fails("add-peer", "--name", "B", "--url", "ftp://b", "--key", key_file).startswith(
        "--url: Enter the deployment's base URL"
    )
    assert fails("add-peer", "--name", "B", "--url", "https://b.example", "--key", "/nonexistent")
    assert Peer.objects.count() == 1


def test_add_remote_adds_the_organisation_the_remote_and_the_peer(
    db: None, peer_key: Ed25519PrivateKey, key_file: str
) -> None:
    printed = run(
        "add-remote",
        "--name",
        "Eastshire Council",
        "--url",
        PEER_URL,
        "--key",
        key_file,
        "--organisation-code",
        "c1",
        "--peer-name",
        "Eastshire",
    )
    remote = RemoteOrganisation.objects.select_related("organisation", "peer").get()
    assert remote.code == "c1"
    assert remote.organisation.name == "Eastshire Council"
    assert (remote.peer.name, remote.peer.key_id) == ("Eastshire", key_id(peer_key))
    assert printed.strip() == f"Added Eastshire Council, of Eastshire ({PEER_URL})"
    # A second organisation of the same deployment reuses its pin.
    run(
        "add-remote",
        "--name",
        "Eastshire Police",
        "--url",
        PEER_URL,
        "--key",
        key_file,
        "--organisation-code",
        "c2",
    )
    assert Peer.objects.count() == 1
    assert RemoteOrganisation.objects.count() == 2
    assert Entry.objects.filter(event_type="federation.remote.added").count() == 2


def test_add_remote_refuses_a_key_other_than_the_pinned_one(
    db: None, key_file: str, tmp_path: Path
) -> None:
    run("add-peer", "--name", "Eastshire", "--url", PEER_URL, "--key", key_file)
    other = tmp_path / "other.pem"
    other.write_text(public_pem(Ed25519PrivateKey.generate()))
    before = Organisation.objects.count()
    message = fails(
        "add-remote",
        "--name",
        "Eastshire Council",
        "--url",
        PEER_URL,
        "--key",
        str(other),
        "--organisation-code",
        "c1",
    )
    assert message == (
        f"--key: The deployment at {PEER_URL} is pinned with another key: if it has rotated "
        "its key, run `safeshare federation pin-key --peer Eastshire --key FILE`"
    )
    assert Organisation.objects.count() == before
    assert RemoteOrganisation.objects.count() == 0


def test_add_remote_duplicates_name_the_option(db: None, key_file: str) -> None:
    OrganisationFactory.create(name="Riverside Primary School")
    args = ["--url", PEER_URL, "--key", key_file]
    assert fails(
        "add-remote", "--name", "Riverside Primary School", *args, "--organisation-code", "c1"
    ) == ("--name: An organisation named 'Riverside Primary School' already exists")
    run("add-remote", "--name", "Eastshire Council", *args, "--organisation-code", "c1")
    message = fails("add-remote", "--name", "Eastshire Police", *args, "--organisation-code", "c1")
    assert message.startswith("--organisation-code: ")
    assert message.endswith("'s organisation c1 is already added")
    assert RemoteOrganisation.objects.count() == 1


def test_pin_key_rotates_old_key_refused_new_key_accepted(
    db: None,
    own_key: Ed25519PrivateKey,
    peer_key: Ed25519PrivateKey,
    key_file: str,
    tmp_path: Path,
    signed_post: SignedPost,
) -> None:
    school = OrganisationFactory.create(name="Riverside Primary School")
    run("add-peer", "--name", "Eastshire", "--url", PEER_URL, "--key", key_file)
    assert signed_post(envelope("request", request_content(school)), peer_key).status_code == 200
    new_key = Ed25519PrivateKey.generate()
    new_file = tmp_path / "new.pem"
    new_file.write_text(public_pem(new_key))
    printed = run("pin-key", "--peer", "Eastshire", "--key", str(new_file))
    assert printed.strip() == f"Eastshire is now pinned with key id {key_id(new_key)}"
    peer = Peer.objects.get()
    assert peer.key_id == key_id(new_key)
    assert [k["key_id"] for k in peer.previous_keys] == [key_id(peer_key)]
    assert Entry.objects.filter(event_type="federation.peer.key_rotated").count() == 1
    old = signed_post(envelope("request", request_content(school)), peer_key)
    assert old.status_code == 401
    new = signed_post(envelope("request", request_content(school)), new_key)
    assert new.status_code == 200, new.content
    assert fails("pin-key", "--peer", "Westshire", "--key", str(new_file)) == (
        "--peer: No deployment named 'Westshire' is pinned"
    )


def test_deliver_and_status(
    db: None,
    own_key: Ed25519PrivateKey,
    peer_key: Ed25519PrivateKey,
    tmp_path: Path,
    settings: Any,
) -> None:
    settings.SAFESHARE_FEDERATION_TIMEOUT = 5
    path = tmp_path / "peer.pem"
    path.write_text(public_pem(peer_key))
    nowhere = "http://127.0.0.1:9"
    run(
        "add-remote",
        "--name",
        "Eastshire Council",
        "--url",
        nowhere,
        "--key",
        str(path),
        "--organisation-code",
        "c1",
        "--peer-name",
        "Eastshire",
    )
    remote = RemoteOrganisation.objects.get()
    InformationRequestFactory.create(to_organisation=remote.organisation)
    assert run("deliver").strip() == "Delivered 0; 1 waiting"
    message = Message.objects.get(direction=Direction.OUT)
    assert (message.status, message.attempts) == (MessageStatus.QUEUED, 1)
    assert run("status").strip() == (
        f"Eastshire {nowhere} key {key_id(peer_key)}: 1 queued, 0 refused"
    )
