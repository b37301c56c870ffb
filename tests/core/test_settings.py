from __future__ import annotations

import os
import subprocess
import sys

import pytest


def _start(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Import the settings in a fresh interpreter, as `safeshare serve` would."""
    clean = {
        k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "SECRET_KEY_FILE", "DEBUG"}
    }
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import safeshare.settings"],
        env=clean,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize("key", ["", "change-me", "too-short"])
def test_it_refuses_to_start_without_a_real_secret_key(key: str) -> None:
    result = _start({"DEBUG": "false", "SECRET_KEY": key})
    assert result.returncode != 0
    assert (
        "SECRET_KEY is missing, is the example value, or is shorter than 32 characters"
        in result.stderr
    )


def test_it_starts_with_a_real_secret_key() -> None:
    assert _start({"DEBUG": "false", "SECRET_KEY": "x" * 50}).returncode == 0


def test_it_reads_the_key_from_a_file(tmp_path: object) -> None:
    import pathlib

    path = pathlib.Path(str(tmp_path)) / "key"
    path.write_text("k" * 40)
    assert _start({"DEBUG": "false", "SECRET_KEY_FILE": str(path)}).returncode == 0


def test_it_says_which_setting_is_not_a_boolean() -> None:
    result = _start({"DEBUG": "perhaps"})
    assert "DEBUG must be true or false" in result.stderr


def test_sqlite_is_durable_and_takes_the_write_lock_at_begin() -> None:
    from django.conf import settings

    options = settings.DATABASES["default"].get("OPTIONS", {})
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        assert "journal_mode=WAL" in options["init_command"]
        assert "synchronous=FULL" in options["init_command"]
        assert options["transaction_mode"] == "IMMEDIATE"
    else:
        assert settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


@pytest.mark.django_db
def test_the_connection_waits_for_durable_commits() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA synchronous")
            assert cursor.fetchone()[0] == 2  # FULL
        else:
            cursor.execute("SHOW synchronous_commit")
            assert cursor.fetchone()[0] == "on"


def test_a_file_database_is_opened_in_wal_mode(tmp_path: object) -> None:
    """The test database lives in memory, so open a real file the way the service does."""
    import pathlib

    db = pathlib.Path(str(tmp_path)) / "wal.sqlite3"
    code = (
        "import django; django.setup();"
        "from django.db import connection;"
        "c = connection.cursor(); c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])"
    )
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        {
            "DATABASE_URL": f"sqlite:///{db}",
            "DJANGO_SETTINGS_MODULE": "safeshare.settings",
            "DEBUG": "true",
        }
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "wal"
