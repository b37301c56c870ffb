"""Scratch deployments for the backup tests: databases of their own (SQLite files, or new
databases on the suite's PostgreSQL server) driven by the `safeshare` command in
processes of its own, as an operator runs it while the service runs.

The suite's own database cannot serve: on SQLite it lives in memory, and on PostgreSQL
each test's rows are in a transaction that never commits, which pg_dump cannot see.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

SERVER = os.environ.get("DATABASE_URL", "")
POSTGRES = SERVER.startswith(("postgres://", "postgresql://"))
# The suite's throwaway settings (tests/environment.py), for the commands' processes.
SETTINGS = (
    "SECRET_KEY",
    "SAFESHARE_LEDGER_ORIGIN",
    "SAFESHARE_LEDGER_SIGNING_KEY",
    "DEBUG",
    "HTTPS",
)


def _on_server(name: str) -> str:
    return urlunsplit(urlsplit(SERVER)._replace(path=f"/{name}"))


class Databases:
    """New databases for one test (or one session), removed afterwards."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.made: list[str] = []

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(_on_server("postgres"), autocommit=True) as db:
            db.execute(sql)

    def new(self, template: str | None = None) -> str:
        """The URL of a new database: empty, or a copy of `template`'s."""
        name = f"safeshare_backup_{secrets.token_hex(4)}"
        if POSTGRES:
            copy = "" if template is None else f' TEMPLATE "{urlsplit(template).path[1:]}"'
            self._admin(f'CREATE DATABASE "{name}"{copy}')
            self.made.append(name)
            return _on_server(name)
        path = self.folder / f"{name}.sqlite3"
        if template is not None:
            with (
                closing(sqlite3.connect(sqlite_path(template))) as source,
                closing(sqlite3.connect(path)) as copy_to,
            ):
                source.backup(copy_to)
        return f"sqlite:///{path}"

    def drop_all(self) -> None:
        for name in self.made:
            self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.made.clear()


def sqlite_path(url: str) -> str:
    return url.removeprefix("sqlite:///")


def safeshare(url: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`safeshare ARGS` against the database at `url`."""
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SAFESHARE", "DATABASE"))},
        **{k: os.environ[k] for k in SETTINGS if k in os.environ},
        "DATABASE_URL": url,
        **env,
    }
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from safeshare.cli import main; sys.exit(main())",
            *args,
        ],
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def query(url: str, sql: str) -> list[tuple[Any, ...]]:
    """Rows read from the database directly (no safeshare code between)."""
    if POSTGRES:
        import psycopg

        with psycopg.connect(url) as db:
            return [tuple(row) for row in db.execute(sql)]
    if not Path(sqlite_path(url)).exists():
        raise FileNotFoundError(sqlite_path(url))
    with closing(sqlite3.connect(sqlite_path(url))) as db:
        return [tuple(row) for row in db.execute(sql)]


def execute(url: str, *statements: str) -> None:
    """Run statements on the database directly and commit them (tampering, as a database
    owner could)."""
    if POSTGRES:
        import psycopg

        with psycopg.connect(url) as db:
            for sql in statements:
                db.execute(sql)
        return
    with closing(sqlite3.connect(sqlite_path(url))) as db:
        for sql in statements:
            db.execute(sql)
        db.commit()


def tables(url: str) -> list[str]:
    if POSTGRES:
        sql = "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
    else:
        if not Path(sqlite_path(url)).exists():
            return []
        sql = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    return sorted(name for (name,) in query(url, sql))


# --- live deployments (tests/witness/test_two_deployments.py) ---------------------------


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    import socket

    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def http(
    method: str, url: str, body: bytes | None = None, timeout: float = 10
) -> tuple[int, str, bytes]:
    """(status, content type, body) of one request; HTTP errors are answers, not raised."""
    import urllib.error
    import urllib.request

    request = urllib.request.Request(url, data=body, method=method)  # noqa: S310 — loopback only
    if body is not None:
        request.add_header("Content-Type", "text/plain")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


class LiveServer:
    """`safeshare serve` (gunicorn, one worker) for the database at `url` on 127.0.0.1:`port`
    with the environment `env`; `start()` waits until it answers, `stop()` ends it (and its
    workers: it runs in a process group of its own)."""

    def __init__(self, url: str, port: int, env: dict[str, str], log: Path) -> None:
        self.url, self.port, self.env, self.log = url, port, env, log
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30) -> None:
        import time

        environment = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("SAFESHARE", "DATABASE"))},
            **{k: os.environ[k] for k in SETTINGS if k in os.environ},
            "DATABASE_URL": self.url,
            "SAFESHARE_BIND": f"127.0.0.1:{self.port}",
            "SAFESHARE_WORKERS": "1",
            "SAFESHARE_THREADS": "4",
            **self.env,
        }
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    "import sys; from safeshare.cli import main; sys.exit(main())",
                    "serve",
                ],
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"safeshare serve exited: {self.log.read_text()[-2000:]}")
            try:
                http("GET", f"{self.base}/ledger/key", timeout=2)
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise TimeoutError(f"safeshare serve did not answer in {timeout} s")

    def stop(self) -> None:
        import signal

        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=15)
        except ProcessLookupError:
            pass
