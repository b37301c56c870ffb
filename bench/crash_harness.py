"""Kill -9 ledger writers at random moments, again and again, then check nothing was lost.

    .venv/bin/python bench/crash_harness.py [--rounds 40] [--writers 4] [--seed 1]

Writer processes append through the action layer (subjects add_person, which appends its
ledger entry in the same transaction) to a scratch database: a SQLite file, or a new
PostgreSQL database beside DATABASE_URL when that is PostgreSQL. Each prints
"ack <sequence>" only after its transaction has committed. The harness SIGKILLs a random
writer every so often (mid-transaction, mid-commit, at start-up: wherever it happens to
be) and starts a new one. At the end every writer is killed, then the harness checks that
every acknowledged sequence number is in the ledger, that sequences have no gaps, and that
`verify_ledger()` passes. Exit 0 when all holds.

This tests process death, not power loss: the SQLite file is WAL with synchronous=FULL,
but scripts/with-postgres.sh runs PostgreSQL with fsync=off, which survives a killed
client or backend but not a crashed machine.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import threading
import time

from ledger_scratch import environment, migrate, scratch_database, setup_django


def writer() -> int:
    import django

    django.setup()
    from safeshare.accounts.models import Organisation, Role, User
    from safeshare.ledger.models import Entry
    from safeshare.subjects import actions

    organisation, _ = Organisation.objects.get_or_create(
        name="Crash Harness School", defaults={"kind": "school"}
    )
    user, _ = User.objects.get_or_create(
        username=f"writer-{os.getpid()}",
        defaults={"organisation": organisation, "role": Role.PRACTITIONER},
    )
    n = 0
    while True:
        person = actions.add_person(
            actor=user, kind="child", given_names=f"Child{n}", family_name="Harness"
        )
        # add_person has returned: its transaction, and the entry in it, committed.
        sequence = (
            Entry.objects.filter(object_id=str(person.pk)).values_list("sequence", flat=True).get()
        )
        print(f"ack {sequence}", flush=True)
        n += 1


def _collect(process: subprocess.Popen[str], acked: set[int]) -> None:
    assert process.stdout is not None
    for line in process.stdout:
        # A writer killed mid-print leaves a partial line without its newline: ignore it.
        if line.startswith("ack ") and line.endswith("\n"):
            acked.add(int(line[4:]))


def run(args: argparse.Namespace) -> int:
    rng = random.Random(args.seed)
    with scratch_database(os.environ.get("DATABASE_URL")) as url:
        migrate(url)
        env = environment(url)
        acked: set[int] = set()
        readers: list[threading.Thread] = []

        def start() -> subprocess.Popen[str]:
            process = subprocess.Popen(  # noqa: S603 — this script, fixed arguments
                [sys.executable, __file__, "writer"],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
            )
            reader = threading.Thread(target=_collect, args=(process, acked), daemon=True)
            reader.start()
            readers.append(reader)
            return process

        writers = [start() for _ in range(args.writers)]
        kills = 0
        for _ in range(args.rounds):
            time.sleep(rng.uniform(args.min_pause, args.max_pause))
            victim = rng.randrange(len(writers))
            writers[victim].send_signal(signal.SIGKILL)
            writers[victim].wait()
            kills += 1
            writers[victim] = start()
        time.sleep(args.max_pause)
        for process in writers:
            process.send_signal(signal.SIGKILL)
            process.wait()
            kills += 1
        for reader in readers:
            reader.join(timeout=10)

        setup_django(url)
        from django.db import connection

        from safeshare.ledger.models import Entry
        from safeshare.ledger.verify import verify_ledger

        stored = set(Entry.objects.values_list("sequence", flat=True))
        lost = sorted(acked - stored)
        gaps = sorted(set(range(len(stored))) - stored)
        report = verify_ledger()
        ok = bool(acked) and not lost and not gaps and report.ok
        print(
            f"{connection.vendor}: {kills} writers killed with SIGKILL; {len(acked)} appends "
            f"acknowledged, {len(stored)} entries stored; acknowledged but lost: "
            f"{lost[:10] or 'none'}; gaps: {gaps[:10] or 'none'}; verify: "
            f"{'passed' if report.ok else report.lines()[:5]}"
        )
        connection.close()
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("mode", nargs="?", default="run", choices=["run", "writer"])
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--min-pause", type=float, default=0.05)
    parser.add_argument("--max-pause", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    return writer() if args.mode == "writer" else run(args)


if __name__ == "__main__":
    sys.exit(main())
