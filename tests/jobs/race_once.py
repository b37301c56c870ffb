"""Two `safeshare jobs run --once` processes started at the same moment, against a real
scratch database of the suite's vendor (a SQLite file, or a new PostgreSQL database
beside DATABASE_URL; bench/ledger_scratch.py), with a test-only job that takes a second
and appends a line to a file each time it runs.

    python -m tests.jobs.race_once

prints one JSON line: each process's exit code and output, the JobRun rows per job, and
how many times the test job ran. tests/jobs/test_once_at_once.py runs it.
"""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from ledger_scratch import environment, migrate, scratch_database, setup_django

TEST_JOB = "test.race_counted"


def child(folder: Path, number: str) -> int:
    import django

    django.setup()
    from safeshare import cli
    from safeshare.jobs.registry import register

    def counted(*, now: datetime.datetime) -> int:
        with (folder / "effects").open("a", encoding="utf-8") as effects:
            effects.write(f"{os.getpid()}\n")
        time.sleep(1)  # long enough that the other process tries while this one runs
        return 1

    register(TEST_JOB, run=counted, every=datetime.timedelta(days=1), description="test")
    (folder / f"ready{number}").touch()
    while not (folder / "go").exists():
        time.sleep(0.005)
    return cli.main(["safeshare", "jobs", "run", "--once"])


def _clear_of_a_slot_boundary() -> None:
    """Every job's period is a multiple of 5 minutes: start well inside one, so both
    processes see the same slots."""
    while True:
        into = time.time() % 300
        if 5 < into < 285:
            return
        time.sleep(1)


def main() -> None:
    with (
        scratch_database(os.environ.get("DATABASE_URL")) as url,
        tempfile.TemporaryDirectory() as tmp,
    ):
        migrate(url)
        folder = Path(tmp)
        env = environment(url)
        _clear_of_a_slot_boundary()
        processes = [
            subprocess.Popen(
                [sys.executable, "-m", "tests.jobs.race_once", "child", tmp, str(n)],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for n in (1, 2)
        ]
        deadline = time.monotonic() + 120
        while not all((folder / f"ready{n}").exists() for n in (1, 2)):
            if time.monotonic() > deadline or any(p.poll() is not None for p in processes):
                break
            time.sleep(0.01)
        (folder / "go").touch()  # the barrier: both are set up and waiting
        outputs = [p.communicate(timeout=120) for p in processes]
        effects = (folder / "effects").read_text().split() if (folder / "effects").exists() else []
        setup_django(url)
        from django.db.models import Count

        from safeshare.jobs.models import JobRun
        from safeshare.jobs.registry import all_jobs

        runs = dict(JobRun.objects.values_list("job").annotate(n=Count("id")).order_by("job"))
        outcomes = sorted(set(JobRun.objects.values_list("outcome", flat=True)))
        print(
            json.dumps(
                {
                    "returncodes": [p.returncode for p in processes],
                    "stdout": [out for out, _ in outputs],
                    "stderr": [err[-2000:] for _, err in outputs],
                    "registered": sorted([j.name for j in all_jobs()] + [TEST_JOB]),
                    "runs": runs,
                    "outcomes": outcomes,
                    "effects": len(effects),
                }
            )
        )


if __name__ == "__main__":
    if sys.argv[1:2] == ["child"]:
        sys.exit(child(Path(sys.argv[2]), sys.argv[3]))
    main()
