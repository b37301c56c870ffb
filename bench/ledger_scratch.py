"""Scratch databases for the ledger benchmarks and harnesses (not a benchmark itself).

SQLite: a new file in a temporary folder. PostgreSQL (when the given URL is one): a new
database on the same server, dropped afterwards, so a harness never touches real data.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

# Throwaway settings for the harness processes only.
ENVIRONMENT = {
    "SECRET_KEY": "ledger-harness-only-secret-key-never-used-for-anything-0000",
    "DEBUG": "false",
    "SAFESHARE_DEMO": "false",
    "SAFESHARE_LEDGER_ORIGIN": "safeshare.test/ledger",
    "SAFESHARE_LEDGER_SIGNING_KEY": (
        "PRIVATE+KEY+safeshare.test/ledger+8d31aa4e+AQma055LPNZfZPg3HbYtw7eWSQQYl54XfW/rKzQi4GJP"
    ),
    "DJANGO_SETTINGS_MODULE": "safeshare.settings",
}


def is_postgres(url: str | None) -> bool:
    return bool(url) and str(url).startswith(("postgres://", "postgresql://"))


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


@contextmanager
def scratch_database(database_url: str | None = None) -> Iterator[str]:
    """Yield the URL of a new, empty database; remove it afterwards."""
    if is_postgres(database_url):
        import psycopg

        assert database_url is not None
        name = f"safeshare_scratch_{secrets.token_hex(4)}"
        admin = _with_database(database_url, "postgres")
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        try:
            yield _with_database(database_url, name)
        finally:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        with tempfile.TemporaryDirectory(prefix="safeshare-ledger-") as folder:
            yield f"sqlite:///{Path(folder) / 'ledger.sqlite3'}"


def environment(database_url: str) -> dict[str, str]:
    env = {**os.environ, **{k: v for k, v in ENVIRONMENT.items() if k not in os.environ}}
    env["DATABASE_URL"] = database_url
    return env


def migrate(database_url: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "django", "migrate", "--no-input", "-v", "0"],
        env=environment(database_url),
        check=True,
    )


def setup_django(database_url: str) -> None:
    """Configure Django in this process for `database_url` (call once, before any import
    of models)."""
    os.environ.update(environment(database_url))
    import django

    django.setup()
