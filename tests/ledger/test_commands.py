from __future__ import annotations

import stat
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from safeshare.ledger.checkpoint import Signer, Verifier


def test_keygen_writes_a_private_key_file_named_after_the_origin(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "ledger_key"
    call_command("ledger", "keygen", "--out", str(path))
    signer = Signer.from_key_string(path.read_text().strip())
    assert signer.name == "safeshare.test/ledger"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    printed = capsys.readouterr().out.strip().splitlines()[-1]
    assert Verifier.from_key_string(printed) == signer.verifier()
    with pytest.raises(CommandError, match="already exists; use --force"):
        call_command("ledger", "keygen", "--out", str(path))


def test_a_subcommand_is_required() -> None:
    with pytest.raises(CommandError, match="SUBCOMMAND"):
        call_command("ledger")


def test_keygen_witness_makes_a_cosignature_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "witness_key"
    call_command("ledger", "keygen", "--witness", "--name", "witness.example", "--out", str(path))
    signer = path.read_text().strip()
    assert signer.startswith("PRIVATE+KEY+witness.example+")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with pytest.raises(CommandError, match="Cannot make a key"):
        call_command("ledger", "keygen", "--witness", "--name", "bad name")
    assert "Verifier key" in capsys.readouterr().out


@pytest.mark.django_db
def test_add_witness_registers_it_once_with_a_ledger_entry(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from safeshare.ledger.cosignature import generate_key
    from safeshare.ledger.models import Entry, Witness

    _, verifier = generate_key("witness.example")
    key = tmp_path / "witness.pub"
    key.write_text(verifier + "\n")
    args = ["ledger", "add-witness", "--name", "witness.example", "--url", "https://w.example/"]
    call_command(*args, "--key", str(key))
    witness = Witness.objects.get()
    assert (witness.name, witness.url, witness.key) == (
        "witness.example",
        "https://w.example",
        verifier,
    )
    assert Entry.objects.filter(event_type="ledger.witness.added").count() == 1
    with pytest.raises(CommandError, match="already registered"):
        call_command(*args, "--key", str(key))
    with pytest.raises(CommandError, match="not a cosignature/v1 key"):
        key.write_text("not a key")
        call_command(
            "ledger",
            "add-witness",
            "--name",
            "other",
            "--url",
            "https://o.example",
            "--key",
            str(key),
        )
    with pytest.raises(CommandError, match="Cannot read the witness key file"):
        call_command(*args, "--key", str(tmp_path / "missing"))
    assert Witness.objects.count() == 1
