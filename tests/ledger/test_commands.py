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
