"""Every secret setting (ledger, witness and federation keys, the Notify API key) is read
one way: NAME, or else the file NAME_FILE names; a file that cannot be read stops the
start-up naming the variable."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from safeshare.settings import secret_from_environment

NAME = "SAFESHARE_TEST_ONLY_SECRET"


def test_the_variable_then_the_file_then_nothing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv(NAME, raising=False)
    monkeypatch.delenv(f"{NAME}_FILE", raising=False)
    assert secret_from_environment(NAME) == ""
    secret = tmp_path / "secret"
    secret.write_text("  from the file\n", encoding="utf-8")
    monkeypatch.setenv(f"{NAME}_FILE", str(secret))
    assert secret_from_environment(NAME) == "from the file"
    monkeypatch.setenv(NAME, " given \n")
    assert secret_from_environment(NAME) == "given"


def test_a_file_that_cannot_be_read_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv(NAME, raising=False)
    monkeypatch.setenv(f"{NAME}_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match=f"{NAME}_FILE .* cannot be read"):
        secret_from_environment(NAME)
