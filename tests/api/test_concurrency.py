"""The rate limit and Idempotency-Key hold with several processes calling at once, as
several app servers would, on the suite's own database vendor.

Both run bench/api_concurrency.py in subprocesses against a scratch database (a SQLite
file, or a new PostgreSQL database on the server DATABASE_URL names), because the suite's
own SQLite test database lives in memory, where no other process can reach it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HARNESS = Path(__file__).resolve().parents[2] / "bench" / "api_concurrency.py"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(HARNESS), *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ},
    )


def test_calls_counted_at_once_by_four_processes_each_get_their_own_number() -> None:
    result = _run("rate-limit", "--processes", "4", "--calls", "50")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 processes x 50 calls = 200 counted; each its own number: True" in result.stdout
    assert "stored count: [200]" in result.stdout


def test_four_processes_with_one_idempotency_key_make_one_request() -> None:
    result = _run("idempotency", "--processes", "4", "--rounds", "3")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 requests made, 3 ledger entries, 3 keys" in result.stdout
    assert "every process answered with the same request: True" in result.stdout
