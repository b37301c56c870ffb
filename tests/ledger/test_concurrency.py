"""Appends from many threads and killed processes, on the suite's own database vendor.

Both run the bench/ scripts in a subprocess against a scratch database (a SQLite file, or
a new PostgreSQL database on the server DATABASE_URL names), because the suite's own
SQLite test database lives in memory, where threads cannot each have a connection.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ},
    )


def test_sixteen_threads_append_without_gaps_or_duplicates_and_the_right_root() -> None:
    """Issue 5's figure: 16 threads x 1,000 appends (about 5 s on SQLite, 17 s on
    PostgreSQL on the 2-core machine, docs/performance.md)."""
    result = _run(
        str(BENCH / "bench_ledger.py"), "concurrency", "--threads", "16", "--appends", "1000"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "16 threads x 1000 appends = 16000 entries" in result.stdout
    assert "gaps or duplicates: none" in result.stdout
    assert "root matches RFC 9162 over all leaves: True" in result.stdout


def test_writers_killed_at_random_moments_lose_no_acknowledged_entry() -> None:
    """The short version of the 1,000-kill run in docs/performance.md: 9 SIGKILLs."""
    result = _run(
        str(BENCH / "crash_harness.py"),
        *("--kills", "9", "--writers", "3", "--max-pause", "0.7", "--max-seconds", "120"),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "kills done: 9 SIGKILLs of writer processes, of 9 asked" in result.stdout
    assert "acknowledged but lost: none; gaps: none; verify: passed" in result.stdout
    assert "result: PASS" in result.stdout
