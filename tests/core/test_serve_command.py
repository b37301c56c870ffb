"""`safeshare serve`'s gunicorn command line: workers and threads from SAFESHARE_WORKERS and
SAFESHARE_THREADS, or from the core count (the server itself: tests/core/test_serve.py)."""

from __future__ import annotations

import os

import pytest

from safeshare import cli


class Exec(Exception):
    """Stands in for os.execv, which would replace the test process with gunicorn."""


def _served(monkeypatch: pytest.MonkeyPatch, cpus: int = 2) -> list[str]:
    seen: list[list[str]] = []

    def execv(path: str, args: list[str]) -> None:
        seen.append(args)
        raise Exec

    monkeypatch.setattr(os, "execv", execv)
    monkeypatch.setattr(cli, "cpu_count", lambda: cpus)
    with pytest.raises(Exec):
        cli.main(["safeshare", "serve", "--log-level", "warning"])
    return seen[0]


def _option(args: list[str], name: str) -> str:
    return args[args.index(name) + 1]


def test_it_passes_the_configured_workers_and_threads_to_gunicorn(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SAFESHARE_WORKERS", "7")
    monkeypatch.setenv("SAFESHARE_THREADS", "3")
    monkeypatch.setenv("SAFESHARE_BIND", "127.0.0.1:8123")
    args = _served(monkeypatch)
    assert args[1:3] == ["-m", "gunicorn"]
    assert _option(args, "--workers") == "7"
    assert _option(args, "--threads") == "3"
    assert _option(args, "--worker-class") == "gthread"
    assert _option(args, "--bind") == "127.0.0.1:8123"
    # Extra arguments reach gunicorn after ours, so they can override them.
    assert args[-2:] == ["--log-level", "warning"]


@pytest.mark.parametrize(("cpus", "workers"), [(1, 3), (2, 5), (4, 9), (5, 11), (64, 12)])
def test_without_settings_it_runs_two_workers_a_core_and_one_more_up_to_twelve(
    monkeypatch: pytest.MonkeyPatch, cpus: int, workers: int
) -> None:
    monkeypatch.delenv("SAFESHARE_WORKERS", raising=False)
    monkeypatch.delenv("SAFESHARE_THREADS", raising=False)
    args = _served(monkeypatch, cpus)
    assert _option(args, "--workers") == str(workers)
    assert _option(args, "--threads") == str(cli.DEFAULT_THREADS)


@pytest.mark.parametrize("value", ["0", "two", "-1", "2.5"])
def test_it_refuses_a_worker_count_that_is_not_a_whole_number(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("SAFESHARE_THREADS", value)
    with pytest.raises(SystemExit, match="SAFESHARE_THREADS must be a whole number"):
        _served(monkeypatch)


def test_the_core_count_is_the_cores_this_process_may_use() -> None:
    assert cli.cpu_count() == len(os.sched_getaffinity(0))


@pytest.mark.parametrize(
    ("configured", "served"), [(None, "60"), ("", "60"), ("0", "0"), ("5", "5")]
)
def test_the_server_keeps_database_connections_unless_told_otherwise(
    monkeypatch: pytest.MonkeyPatch, configured: str | None, served: str
) -> None:
    if configured is None:
        monkeypatch.delenv("DATABASE_CONN_MAX_AGE", raising=False)
    else:
        monkeypatch.setenv("DATABASE_CONN_MAX_AGE", configured)
    _served(monkeypatch)
    assert os.environ["DATABASE_CONN_MAX_AGE"] == served
