"""Kill -9 ledger writers at random moments, again and again, then check nothing was lost.

    .venv/bin/python bench/crash_harness.py [--kills 1000 | --rounds 40] [--writers 4] [--seed 1]
        [--min-pause 0.05] [--max-pause 1.0] [--max-seconds 3600] [--require-durable]
        [--backend-kills 0]

Writer processes append through the action layer (subjects add_person, which appends its
ledger entry in the same transaction) to a scratch database: a SQLite file, or a new
PostgreSQL database beside DATABASE_URL when that is PostgreSQL. Each prints
"ack <sequence> <uuid>" only after its transaction has committed. The harness SIGKILLs a random
writer after a random pause and starts a new one in its place; at the end it kills every
writer still running. `--kills N` is the number of SIGKILLs in all (N - writers during the
run, then one per writer at the end); `--rounds R` the number during the run (R + writers
in all). Each writer marks in a shared byte where it is (start-up, in the transaction
before COMMIT, in COMMIT, committed but not yet acknowledged); the harness reads it just
before each signal, so the summary says where the kills landed.

Then it checks that every acknowledged entry is in the ledger under the same sequence and
uuid (a sequence number alone is not enough: an entry lost in a crash leaves its number
to the next append), that no sequence was acknowledged twice, that sequences have no gaps,
and that `verify_ledger()` passes (and on SQLite `PRAGMA integrity_check`), and
prints a summary: kills, entries, losses, gaps, verify, wall time, machine, versions, and
the durability settings in force as every writer's own connection read them back
(`PRAGMA journal_mode` and `PRAGMA synchronous`; `SHOW fsync`, `SHOW synchronous_commit`
and two more). `--require-durable` fails the run unless they are WAL with synchronous FULL
(or EXTRA), or fsync and synchronous_commit on. `--max-seconds` bounds the killing: a run
that has not done its kills by then stops and fails. Exit 0 when all holds.

`--backend-kills K` (PostgreSQL only) adds K SIGKILLs of the server process serving a
randomly chosen writer, at random points among the others. The postmaster then resets the
whole cluster: it ends every other session and replays the WAL from the last checkpoint
(crash recovery), so committed entries survive only through the WAL. Because every session
on the cluster is cut off, the harness refuses unless the cluster has no client session
outside its own scratch database, and it only signals a process whose title names that
database: use it on a throwaway cluster such as scripts/with-postgres.sh's, never a shared
one. Writers cut off by a reset exit on their own and are replaced.

This tests process death, not power loss or a crashed machine: the operating system's page
cache survives every kill here, so a commit that reached it without an fsync would survive
too. SQLite runs WAL with synchronous=FULL (settings.py); PostgreSQL has fsync=on and
synchronous_commit=on only on a cluster started so, e.g. `SAFESHARE_PG_DURABLE=1
scripts/with-postgres.sh`. docs/performance.md has the commands and the figures.
"""

from __future__ import annotations

import argparse
import collections
import json
import mmap
import os
import platform
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from ledger_scratch import environment, is_postgres, migrate, scratch_database, setup_django

# Where a writer is, in its byte of the shared phase file.
START_UP, IN_TRANSACTION, IN_COMMIT, COMMITTED = 0, 1, 2, 3
PHASES = {
    START_UP: "at start-up",
    IN_TRANSACTION: "in the transaction, before COMMIT",
    IN_COMMIT: "in COMMIT",
    COMMITTED: "committed, not yet acknowledged",
}
SQLITE_SYNCHRONOUS = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}


def durability_settings(connection: Any) -> dict[str, str]:
    """The durability settings in force on this Django connection, read back from the
    database (not taken from the configuration)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA journal_mode")
            journal_mode = str(cursor.fetchone()[0])
            cursor.execute("PRAGMA synchronous")
            synchronous = int(cursor.fetchone()[0])
            cursor.execute("SELECT sqlite_version()")
            return {
                "journal_mode": journal_mode,
                "synchronous": f"{synchronous} ({SQLITE_SYNCHRONOUS.get(synchronous, '?')})",
                "version": f"SQLite {cursor.fetchone()[0]}",
            }
        settings = {}
        for name in (
            "fsync",
            "synchronous_commit",
            "full_page_writes",
            "wal_sync_method",
            "server_version",
        ):
            cursor.execute(f"SHOW {name}")
            settings[name] = str(cursor.fetchone()[0])
        settings["version"] = f"PostgreSQL {settings.pop('server_version')}"
        return settings


def is_durable(settings: dict[str, str]) -> bool:
    if "journal_mode" in settings:
        return settings["journal_mode"].lower() == "wal" and settings["synchronous"][0] in "23"
    return settings.get("fsync") == "on" and settings.get("synchronous_commit") == "on"


def _backend_pid(connection: Any) -> int:
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def writer(phase_file: str | None, slot: int) -> int:
    phases: mmap.mmap | None = None
    if phase_file:
        with open(phase_file, "r+b") as f:
            phases = mmap.mmap(f.fileno(), 0)

    def mark(phase: int) -> None:
        if phases is not None:
            phases[slot] = phase

    import django

    django.setup()
    from django.db import connections

    from safeshare.accounts.models import Organisation, Role, User
    from safeshare.ledger.digest import model_label
    from safeshare.ledger.models import Entry
    from safeshare.subjects import actions

    organisation, _ = Organisation.objects.get_or_create(
        name="Crash Harness School", defaults={"kind": "school"}
    )
    user, _ = User.objects.get_or_create(
        username=f"writer-{os.getpid()}",
        defaults={"organisation": organisation, "role": Role.PRACTITIONER},
    )
    db: Any = connections["default"]
    ready = {"backend_pid": _backend_pid(db), "settings": durability_settings(db)}
    print(f"ready {json.dumps(ready, sort_keys=True)}", flush=True)

    # Mark the COMMIT that ends add_person's transaction (Django's atomic calls _commit).
    commit = db._commit

    def marked_commit() -> Any:
        mark(IN_COMMIT)
        result = commit()
        mark(COMMITTED)
        return result

    db._commit = marked_commit
    n = 0
    while True:
        mark(IN_TRANSACTION)
        person = actions.add_person(
            actor=user, kind="child", given_names=f"Child{n}", family_name="Harness"
        )
        # add_person has returned: its transaction, and the entry in it, committed. Look
        # the entry up by the object index (object_type, object_id), not by a table scan.
        sequence, entry_uuid = (
            Entry.objects.filter(object_type=model_label(person), object_id=str(person.pk))
            .values_list("sequence", "uuid")
            .get()
        )
        print(f"ack {sequence} {entry_uuid}", flush=True)
        n += 1


@dataclass
class Writer:
    process: subprocess.Popen[str]
    slot: int
    backend_pid: int = 0
    ready: threading.Event = field(default_factory=threading.Event)


@dataclass
class Tally:
    acks: list[tuple[int, str]] = field(default_factory=list)
    settings: collections.Counter[str] = field(default_factory=collections.Counter)
    started: int = 0
    exited_on_their_own: int = 0
    client_kills: collections.Counter[int] = field(default_factory=collections.Counter)
    backend_kills: collections.Counter[int] = field(default_factory=collections.Counter)
    recoveries: list[float] = field(default_factory=list)


def _collect(w: Writer, tally: Tally) -> None:
    assert w.process.stdout is not None
    for line in w.process.stdout:
        # A writer killed mid-print leaves a partial line without its newline: ignore it.
        if not line.endswith("\n"):
            continue
        if line.startswith("ack "):
            sequence, entry_uuid = line[4:].split()
            tally.acks.append((int(sequence), entry_uuid))
        elif line.startswith("ready "):
            ready = json.loads(line[6:])
            w.backend_pid = int(ready["backend_pid"])
            tally.settings[json.dumps(ready["settings"], sort_keys=True)] += 1
            w.ready.set()


class Harness:
    def __init__(self, args: argparse.Namespace, url: str, folder: Path) -> None:
        self.args = args
        self.url = url
        self.rng = random.Random(args.seed)
        self.env = environment(url)
        self.tally = Tally()
        self.readers: list[threading.Thread] = []
        self.phase_path = folder / "phases"
        self.phase_path.write_bytes(bytes(args.writers))
        with open(self.phase_path, "r+b") as f:
            self.phases = mmap.mmap(f.fileno(), 0)
        self.log: IO[str] = open(folder / "writers.log", "w")  # noqa: SIM115 — closed in run()
        self.database = urlsplit(url).path.lstrip("/")
        self.writers = [self.start(slot) for slot in range(args.writers)]

    def start(self, slot: int) -> Writer:
        self.phases[slot] = START_UP
        command = [sys.executable, __file__, "writer", "--phase-file", str(self.phase_path)]
        process = subprocess.Popen(  # noqa: S603 — this script, fixed arguments
            [*command, "--slot", str(slot)],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
        )
        w = Writer(process, slot)
        reader = threading.Thread(target=_collect, args=(w, self.tally), daemon=True)
        reader.start()
        self.readers.append(reader)
        self.tally.started += 1
        return w

    def replace_dead(self) -> None:
        for i, w in enumerate(self.writers):
            if w.process.poll() is not None:
                self.tally.exited_on_their_own += 1
                self.writers[i] = self.start(w.slot)

    def kill_client(self, i: int, replace: bool = True) -> None:
        """SIGKILL writer i, counted with where it was, and (unless `replace` is false)
        start another in its place. A writer that has exited on its own (cut off by a
        cluster reset) is replaced first, after another pause, so every call is one kill."""
        while True:
            w = self.writers[i]
            if w.process.poll() is None:
                phase = self.phases[w.slot]
                # Not yet waited for, so this pid is still ours even if it has just exited.
                os.kill(w.process.pid, signal.SIGKILL)
                w.process.wait()
                if w.process.returncode == -signal.SIGKILL:
                    self.tally.client_kills[phase] += 1
                    if replace:
                        self.writers[i] = self.start(w.slot)
                    return
            self.tally.exited_on_their_own += 1
            self.writers[i] = self.start(w.slot)
            time.sleep(self.rng.uniform(self.args.min_pause, self.args.max_pause))

    def kill_backend(self) -> None:
        """SIGKILL the PostgreSQL process serving a random ready writer, then wait for the
        cluster's crash recovery and replace the writers it cut off."""
        give_up = time.monotonic() + 30
        while time.monotonic() < give_up:
            ready = [w for w in self.writers if w.ready.is_set() and w.process.poll() is None]
            victims = [w for w in ready if self._is_our_backend(w.backend_pid)]
            if victims:
                break
            time.sleep(0.05)
        else:
            raise RuntimeError("no writer with a live backend of the scratch database in 30 s")
        victim = self.rng.choice(victims)
        phase = self.phases[victim.slot]
        os.kill(victim.backend_pid, signal.SIGKILL)
        self.tally.backend_kills[phase] += 1
        started = time.monotonic()
        # The postmaster reaps the killed process as it begins the reset: wait for that,
        # then for the cluster to take connections again (recovery done).
        while Path(f"/proc/{victim.backend_pid}").exists() and time.monotonic() < started + 30:
            time.sleep(0.01)
        _wait_for_server(self.url, timeout=120)
        self.tally.recoveries.append(time.monotonic() - started)
        # Every writer that had a session was cut off and exits on its next statement.
        give_up = time.monotonic() + 5
        while time.monotonic() < give_up and any(
            w.ready.is_set() and w.process.poll() is None for w in self.writers
        ):
            time.sleep(0.02)
        self.replace_dead()

    def _is_our_backend(self, pid: int) -> bool:
        """Whether `pid` is a live server process of this run's scratch database (its
        process title names the database), so a signal can hit nothing else."""
        if pid <= 0:
            return False
        try:
            title = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            return False
        return title.startswith(b"postgres: ") and f" {self.database} ".encode() in title

    def run(self) -> tuple[int, bool]:
        """Do the kills; return how many were done and whether the deadline stopped it."""
        try:
            return self._kill_all_asked()
        finally:
            for w in self.writers:  # only after an error or the deadline: each is dead
                if w.process.poll() is None:
                    w.process.kill()
                    w.process.wait()
            for reader in self.readers:
                reader.join(timeout=10)
            self.log.close()

    def _ready_writer(self, deadline: float) -> int:
        """A random writer that has started appending (said "ready"), waiting for one up to
        the deadline: on a loaded machine a writer's start-up (Django, its connection) can
        outlast every pause, and a harness that only ever kills writers at start-up tests
        nothing. Any writer, if none is ready by then."""
        while True:
            ready = [
                i
                for i, w in enumerate(self.writers)
                if w.ready.is_set() and w.process.poll() is None
            ]
            if ready or time.monotonic() > deadline:
                return self.rng.choice(ready) if ready else self.rng.randrange(len(self.writers))
            time.sleep(0.05)

    def _kill_all_asked(self) -> tuple[int, bool]:
        args = self.args
        during = args.kills - args.writers if args.kills is not None else args.rounds
        events = ["client"] * during + ["backend"] * args.backend_kills
        self.rng.shuffle(events)
        deadline = time.monotonic() + args.max_seconds
        for event in events:
            if time.monotonic() > deadline:
                return sum(self.tally.client_kills.values()), True
            time.sleep(self.rng.uniform(args.min_pause, args.max_pause))
            self.replace_dead()
            if event == "client":
                self.kill_client(self._ready_writer(deadline))
            else:
                self.kill_backend()
        self.replace_dead()
        time.sleep(args.max_pause)
        for i in range(len(self.writers)):
            self.kill_client(i, replace=False)
        return sum(self.tally.client_kills.values()), False

    def errors(self) -> collections.Counter[str]:
        """How each writer that failed ended: the last exception of each traceback (a
        chain of exceptions counts once), counted."""
        found: collections.Counter[str] = collections.Counter()
        text = Path(self.log.name).read_text(errors="replace")
        text = re.sub(r"\n(The above exception|During handling)[^\n]*\n\nTraceback", "", text)
        for block in text.split("Traceback (most recent call last):")[1:]:
            ends = re.findall(r"^[A-Za-z_][\w.]*(?:Error|Exception|Exit)\b.*$", block, re.M)
            if ends:
                found[re.sub(r'connection to server on socket "[^"]*" failed: ', "", ends[-1])] += 1
        return found


def _wait_for_server(url: str, timeout: float) -> None:
    import psycopg

    give_up = time.monotonic() + timeout
    while True:
        try:
            with psycopg.connect(url, connect_timeout=5) as conn:
                conn.execute("SELECT 1")
            return
        except psycopg.OperationalError:
            if time.monotonic() > give_up:
                raise
            time.sleep(0.1)


def _refuse_backend_kills(url: str) -> str | None:
    """Why killing a backend of this cluster would be unsafe, or None."""
    if not is_postgres(url):
        return "--backend-kills needs PostgreSQL"
    import psycopg

    with psycopg.connect(url) as conn:
        others = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' "
            "AND pid <> pg_backend_pid() AND datname IS DISTINCT FROM current_database()"
        ).fetchone()
        restart = conn.execute("SHOW restart_after_crash").fetchone()
    if others is None or others[0]:
        return "the cluster has client sessions outside the scratch database: a reset would cut them off"
    if restart is None or restart[0] != "on":
        return "restart_after_crash is off: the cluster would stay down after the first kill"
    return None


def _machine() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        memory = Path("/proc/meminfo").read_text().split()[1]
        gib = f", {int(memory) / 2**20:.0f} GiB"
    except OSError:
        gib = ""
    cores = len(os.sched_getaffinity(0))
    return (
        f"{cores} cores ({model or platform.machine()}){gib}, {platform.system()} "
        f"{platform.release()}, CPython {platform.python_version()}, nice {os.nice(0)}"
    )


def _settings_text(settings: dict[str, str]) -> str:
    return ", ".join(f"{k}={v}" for k, v in settings.items() if k != "version")


def run(args: argparse.Namespace) -> int:
    started = time.monotonic()
    load_before = os.getloadavg()
    with (
        scratch_database(os.environ.get("DATABASE_URL")) as url,
        tempfile.TemporaryDirectory(prefix="safeshare-crash-") as folder,
    ):
        migrate(url)
        if args.backend_kills:
            reason = _refuse_backend_kills(url)
            if reason:
                print(f"refusing to kill PostgreSQL backends: {reason}", file=sys.stderr)
                return 2
        harness = Harness(args, url, Path(folder))
        kills_started = time.monotonic()
        kills, timed_out = harness.run()
        kill_seconds = time.monotonic() - kills_started
        if is_postgres(url):
            _wait_for_server(url, timeout=120)

        setup_django(url)
        from django.db import connection

        from safeshare.ledger.models import Entry
        from safeshare.ledger.verify import verify_ledger

        checked = durability_settings(connection)
        integrity = "not checked (PostgreSQL)"
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA integrity_check")
                integrity = "; ".join(str(row[0]) for row in cursor.fetchall()[:5])
        stored = {(n, str(u)) for n, u in Entry.objects.values_list("sequence", "uuid")}
        verify_started = time.monotonic()
        report = verify_ledger()
        verify_seconds = time.monotonic() - verify_started
        vendor = connection.vendor
        connection.close()
        errors = harness.errors()

    tally = harness.tally
    acked = set(tally.acks)
    # A sequence acknowledged twice means an acknowledged entry was lost and its number
    # went to a later append; `lost` then names the first of the two.
    twice = len(tally.acks) - len({n for n, _ in tally.acks})
    lost = sorted(acked - stored)
    gaps = sorted(set(range(len(stored))) - {n for n, _ in stored})
    asked = args.kills if args.kills is not None else args.rounds + args.writers
    writer_settings = [json.loads(s) for s in tally.settings]
    durable = all(is_durable(s) for s in [*writer_settings, checked])
    ok = (
        kills == asked
        and sum(tally.backend_kills.values()) == args.backend_kills
        and not timed_out
        and bool(acked)
        and not twice
        and not lost
        and not gaps
        and report.ok
        and integrity in ("ok", "not checked (PostgreSQL)")
        and (durable or not args.require_durable)
    )

    def where(counts: collections.Counter[int]) -> str:
        return "; ".join(f"{PHASES[p]} {counts[p]}" for p in PHASES)

    lines = [
        f"crash harness, {vendor}: {args.writers} writers at a time, seed {args.seed}, "
        f"pauses {args.min_pause}-{args.max_pause} s",
        f"  kills done: {kills} SIGKILLs of writer processes, of {asked} asked"
        + (f" (stopped at --max-seconds {args.max_seconds})" if timed_out else ""),
        f"    where the writer was (read just before the signal): {where(tally.client_kills)}",
    ]
    if args.backend_kills:
        recoveries = sorted(tally.recoveries)
        lines += [
            f"  PostgreSQL backends killed: {sum(tally.backend_kills.values())} of "
            f"{args.backend_kills} asked, each followed by the cluster's crash recovery "
            f"(back in {recoveries[0]:.1f} - {recoveries[-1]:.1f} s, median "
            f"{recoveries[len(recoveries) // 2]:.1f} s)"
            if recoveries
            else "  PostgreSQL backends killed: 0",
            f"    where that writer was: {where(tally.backend_kills)}",
        ]
    lines += [
        f"  writers started: {tally.started}; exited on their own (cut off or failed): "
        f"{tally.exited_on_their_own}",
        f"  acknowledged entries: {len(acked)} (sequences acknowledged twice: {twice})",
        f"  entries found: {len(stored)} ({len(stored - acked)} committed but not acknowledged)",
        f"  lost (acknowledged, not found with that sequence and uuid): {len(lost)}",
        f"  gaps in the sequence: {len(gaps)}",
        f"  verify: {'passed' if report.ok else 'FAILED'} ({verify_seconds:.1f} s)",
        f"  database integrity_check: {integrity}",
        f"  wall time: {time.monotonic() - started:.0f} s in all, {kill_seconds:.0f} s killing",
        f"  machine: {_machine()}; load average {load_before[0]:.1f} at the start, "
        f"{os.getloadavg()[0]:.1f} at the end",
        f"  version: {checked['version']}",
        f"  durability in force, read back by each writer's connection ({tally.settings.total()} "
        f"answers, {len(tally.settings)} distinct): "
        + " | ".join(_settings_text(s) for s in writer_settings),
        f"    and by the checking connection: {_settings_text(checked)}"
        + ("" if durable else " (NOT DURABLE against power loss)"),
    ]
    if errors:
        lines.append(
            "  how the writers that failed ended: "
            + "; ".join(f"{n} x {e}" for e, n in errors.most_common(5))
        )
    if not report.ok:
        lines += [f"    {line}" for line in report.lines()[:5]]
    lines.append(
        f"{vendor}: {kills} writers killed with SIGKILL; {len(acked)} appends "
        f"acknowledged, {len(stored)} entries stored; acknowledged but lost: "
        f"{[n for n, _ in lost[:10]] or 'none'}; gaps: {gaps[:10] or 'none'}; verify: "
        f"{'passed' if report.ok else 'failed'}"
    )
    lines.append(f"result: {'PASS' if ok else 'FAIL'}")
    print("\n".join(lines), flush=True)
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("mode", nargs="?", default="run", choices=["run", "writer"])
    how_many = parser.add_mutually_exclusive_group()
    how_many.add_argument("--kills", type=int, help="SIGKILLs in all, the final ones included")
    how_many.add_argument("--rounds", type=int, default=40, help="SIGKILLs during the run")
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--min-pause", type=float, default=0.05)
    parser.add_argument("--max-pause", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--max-seconds", type=float, default=3600)
    parser.add_argument("--require-durable", action="store_true")
    parser.add_argument("--backend-kills", type=int, default=0)
    parser.add_argument("--phase-file", help=argparse.SUPPRESS)
    parser.add_argument("--slot", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.mode == "writer":
        return writer(args.phase_file, args.slot)
    if args.kills is not None and args.kills < args.writers:
        parser.error("--kills must be at least --writers (each is killed at the end)")
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
