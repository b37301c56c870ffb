from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from safeshare.accounts.models import User
from safeshare.ledger import keys
from safeshare.ledger.bundle import ProofError, check_bundle
from safeshare.ledger.checkpoint import Verifier, generate_signer_key
from safeshare.ledger.models import Entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def bundle_file(append: Callable[..., Entry], tmp_path: Path) -> Path:
    for _ in range(6):
        append()
    path = tmp_path / "proof.json"
    call_command("ledger", "prove", "3", "--out", str(path))
    return path


def _check_offline(*args: str) -> subprocess.CompletedProcess[str]:
    """The console command a partner runs: no settings, no secret key, no database."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SAFESHARE", "SECRET", "DJANGO", "DATABASE"))
    }
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from safeshare.cli import main; sys.exit(main())",
            "ledger",
            "check-proof",
            *args,
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def test_a_bundle_proves_its_entry_offline(bundle_file: Path) -> None:
    result = _check_offline(str(bundle_file), "--key", keys.verifier().key_string())
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(
        "Proof valid: entry 3 is in the ledger safeshare.test/ledger of 6 entries"
    )
    assert '"event_type": "subjects.person.added"' in result.stdout


def test_a_bundle_holds_the_entry_index_proof_and_signed_checkpoint(bundle_file: Path) -> None:
    bundle = json.loads(bundle_file.read_text())
    assert set(bundle) >= {
        "entry",
        "index",
        "tree_size",
        "inclusion_proof",
        "checkpoint",
        "verifier_key",
    }
    assert (bundle["index"], bundle["tree_size"]) == (3, 6)
    assert bundle["entry"]["id"] == str(Entry.objects.get(sequence=3).uuid)
    assert check_bundle(bundle, keys.verifier()).index == 3


def _mutated(bundle_file: Path, change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    bundle: dict[str, Any] = json.loads(bundle_file.read_text())
    change(bundle)
    return bundle


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda b: b["entry"].update(event_type="subjects.person.removed"),
            "differs from what the leaf proves",
        ),
        (lambda b: b.update(index=2), "index is not the entry's sequence"),
        (lambda b: b.update(tree_size=7), "is not the checkpoint's size"),
        (lambda b: b["inclusion_proof"].reverse(), "does not place the entry"),
        (
            lambda b: b.update(checkpoint=b["checkpoint"].replace("\n6\n", "\n7\n")),
            "does not verify",
        ),
    ],
)
def test_a_tampered_bundle_is_refused(
    bundle_file: Path, change: Callable[[dict[str, Any]], None], message: str
) -> None:
    with pytest.raises(ProofError, match=message):
        check_bundle(_mutated(bundle_file, change), keys.verifier())


def test_a_bundle_is_refused_with_another_key(bundle_file: Path, tmp_path: Path) -> None:
    _, other = generate_signer_key("safeshare.test/ledger")
    key_file = tmp_path / "other.key"
    key_file.write_text(other + "\n")
    result = _check_offline(str(bundle_file), "--key", str(key_file))
    assert result.returncode == 1
    assert "Proof NOT valid: the checkpoint does not verify with the given key" in result.stderr
    with pytest.raises(ProofError):
        check_bundle(json.loads(bundle_file.read_text()), Verifier.from_key_string(other))


def test_the_proof_view_downloads_the_bundle_for_the_entrys_organisation(
    client: Client, practitioner: User, append: Callable[..., Entry]
) -> None:
    entry = append()
    client.force_login(practitioner)
    response = client.get(reverse("ledger:proof", args=[entry.uuid]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="safeshare-ledger-entry-0.json"'
    assert check_bundle(json.loads(response.content), keys.verifier()).index == 0


def test_the_proof_view_hides_another_organisations_entry(
    client: Client, outsider: User, append: Callable[..., Entry]
) -> None:
    client.force_login(outsider)
    assert client.get(reverse("ledger:proof", args=[append().uuid])).status_code == 404


def test_the_bundle_checker_imports_no_django() -> None:
    code = "import sys, safeshare.ledger.bundle; assert 'django' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
