"""Ledger benchmarks and the concurrency check (results in docs/performance.md).

    .venv/bin/python bench/bench_ledger.py                 # everything below, in turn
    .venv/bin/python bench/bench_ledger.py appends [--count 2000] [--rounds 5] [--block 100] [--split]
    .venv/bin/python bench/bench_ledger.py concurrency [--threads 16] [--appends 1000]
    .venv/bin/python bench/bench_ledger.py verify [--entries 1000000] [--entries-per-record 4] [--records person|token]
    .venv/bin/python bench/bench_ledger.py pymerkle [--count 1000] [--rounds 7] [--block 100] [--split]
    .venv/bin/python bench/bench_ledger.py auditlog [--count 60] [--rounds 7] [--block 10] [--split]

Each runs in a scratch database: SQLite (a file, WAL, synchronous=FULL, as settings.py
configures it), or a new PostgreSQL database beside DATABASE_URL when that is PostgreSQL
(`concurrency`, `pymerkle` and `auditlog`; `appends` and `verify` are SQLite benchmarks).
`pymerkle` and `auditlog` need the `bench` extra (`make install-bench`).

* appends: appends per second through append_entry, each in its own durable transaction,
  against a bare durable SQLite insert loop (one row per committed transaction, same
  pragmas) in the same run, the two loops taking turns in blocks. Goal: at least half of it.
  --split adds the append's SQL alone (no ledger code), raw and inside Django's atomic.
* concurrency: N threads, each with its own connection, each appending M entries in its
  own transactions; then no gaps, no duplicates, the right root, and verify passes.
  Exits 1 otherwise (tests/ledger/test_concurrency.py runs a short version).
* verify: bulk-builds a ledger of N entries about N / k person records, or API tokens with
  --records token (a fast path of precomputed rows, not timed), then times
  `verify_ledger()` (goal: under 20 s for 1,000,000), the check that every record which
  must have an entry has one on its own, and inclusion proofs and whole proof bundles at
  that size.
* pymerkle (issue 14): append_entry's durable appends per second against pymerkle 7's
  SqliteTree appending the same leaf bytes, one committed transaction each, in a SQLite
  file beside the ledger's (or in the temporary folder, when the ledger is PostgreSQL):
  once with the journal pymerkle leaves (SQLite's rollback journal), once in WAL as the
  ledger's; synchronous=FULL both, read back and printed. Taking turns in blocks, in a
  different order each block, after a warm-up; goal: at least 2x pymerkle's. Also a
  minimal bare durable insert in SQLite (the disk's pace) and, when the ledger is
  PostgreSQL, in PostgreSQL (its commit's pace); with --split (SQLite) the append's SQL
  alone, raw and in Django's atomic.
* auditlog (issue 14): finalise_decision as it is against the same finalise with
  django-auditlog recording the change in place of the ledger (ledger_versus.Finalises
  says exactly what each writes), over drafts of every outcome built alike beforehand;
  only the finalise call is timed, the variants taking turns. Goal: the ledger's at most
  1.5x auditlog's time. --split adds the finalise with nothing recorded. Runs with
  bench/auditlog_settings.py, which adds auditlog to INSTALLED_APPS for this process.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ledger_scratch import is_postgres, migrate, scratch_database, setup_django


class _BareInserts:
    """A durable SQLite insert loop: one row per committed transaction, in its own file in
    the same temporary folder as the ledger's, with the same pragmas (WAL,
    synchronous=FULL).

    `shape="minimal"` is the issue's baseline: a table of (id, payload, digest) and no
    other index, so each commit writes one page. `shape="entry"` inserts rows of the
    ledger entry's own shape (the same columns and the same two indexes as ledger_entry,
    random uuids, 100 objects taking turns as in the append loop) without anything the
    ledger does besides storing them: the floor for storing an entry at all."""

    def __init__(self, folder: str, shape: str) -> None:
        self.shape = shape
        self.db = sqlite3.connect(Path(folder) / f"bare-{shape}.sqlite3", isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        if shape == "minimal":
            self.db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, payload TEXT, digest BLOB)")
        else:
            self.db.execute(
                "CREATE TABLE t (sequence INTEGER PRIMARY KEY, uuid CHAR(32) NOT NULL UNIQUE, "
                "time DATETIME, event_type VARCHAR(100), actor_id CHAR(32), "
                "organisation_id CHAR(32), object_type VARCHAR(100), object_id VARCHAR(64), "
                "record_digest VARCHAR(64), payload TEXT, leaf_hash BLOB)"
            )
            self.db.execute("CREATE INDEX t_object ON t (object_type, object_id, sequence)")
            self.objects = [str(uuid.uuid4()) for _ in range(100)]
            self.actor, self.organisation = uuid.uuid4().hex, uuid.uuid4().hex
        self.done = 0

    def run(self, count: int) -> float:
        """Insert `count` rows, each committed on its own; the seconds it took."""
        db = self.db
        start = time.perf_counter()
        for i in range(self.done, self.done + count):
            db.execute("BEGIN IMMEDIATE")
            if self.shape == "minimal":
                db.execute(
                    "INSERT INTO t (payload, digest) VALUES (?, ?)", (f"entry {i}", os.urandom(32))
                )
            else:
                db.execute(
                    "INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        i,
                        uuid.uuid4().hex,
                        "2026-12-01 17:00:00.000000",
                        "subjects.person.added",
                        self.actor,
                        self.organisation,
                        "subjects.person",
                        self.objects[i % 100],
                        os.urandom(32).hex(),
                        '{"kind":"child"}',
                        os.urandom(32),
                    ),
                )
            db.execute("COMMIT")
        self.done += count
        return time.perf_counter() - start


class _AppendSql:
    """What one append asks of SQLite and nothing else: the head read, the record's row
    read, the partner-node read on odd sizes, the entry insert and the node insert, with
    the values made up (random hashes, a fixed digest and time) instead of computed, on
    tables with ledger_entry's and ledger_node's columns and indexes (no actor or
    organisation, so no foreign-key reads).

    `django=False`: a plain sqlite3 connection to a file of its own (BEGIN IMMEDIATE ...
    COMMIT); `django=True`: the same statements inside transaction.atomic(durable=True)
    on Django's connection, as append_entry runs. With the bare loop, these split an
    append's cost into storage, Django's transaction and the ledger's own Python."""

    def __init__(self, ledger_file: str, folder: str, django: bool) -> None:
        from django.db import connection, transaction

        self.django = django
        self.atomic = transaction.atomic
        source = sqlite3.connect(ledger_file)
        schema = [
            sql
            for (sql,) in source.execute(
                "SELECT sql FROM sqlite_master WHERE tbl_name IN "
                "('ledger_entry', 'ledger_node', 'subjects_person') AND sql IS NOT NULL "
                "AND type IN ('table', 'index') ORDER BY type DESC"
            )
        ]
        self.people = [pk for (pk,) in source.execute("SELECT id FROM subjects_person")]
        source.close()
        if django:
            connection.ensure_connection()
            self.db = connection.connection
            prefix = "floor_"
            schema = [sql.replace('"ledger_', '"floor_') for sql in schema if "ledger_" in sql]
        else:
            self.db = sqlite3.connect(Path(folder) / "append-sql.sqlite3", isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=FULL")
            # The copied person rows come without their organisations and users.
            self.db.execute("PRAGMA foreign_keys=OFF")
            prefix = "ledger_"
        for sql in schema:
            self.db.execute(sql)
        if not django:
            self.db.execute("ATTACH DATABASE ? AS source", (ledger_file,))
            self.db.execute("INSERT INTO subjects_person SELECT * FROM source.subjects_person")
            self.db.execute("DETACH DATABASE source")
        self.last = f"SELECT sequence, leaf_hash FROM {prefix}entry ORDER BY sequence DESC LIMIT 1"  # noqa: S608
        self.record = (
            "SELECT id, organisation_id, kind, given_names, family_name, known_as, "
            "date_of_birth, created_at, created_by_id FROM subjects_person WHERE id IN (?)"
        )
        self.nodes = f"SELECT key, hash FROM {prefix}node WHERE key IN "  # noqa: S608
        self.entry = (
            f"INSERT INTO {prefix}entry (sequence, uuid, time, event_type, actor_id, "  # noqa: S608
            "organisation_id, object_type, object_id, record_digest, payload, leaf_hash) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        )
        self.node = f'INSERT INTO {prefix}node (key, level, "index", hash) VALUES '  # noqa: S608

    def _append(self, i: int) -> None:
        db = self.db
        row = db.execute(self.last).fetchone()
        size = 0 if row is None else row[0] + 1
        person = self.people[i % len(self.people)]
        db.execute(self.record, (person,)).fetchall()
        carries = ((size ^ (size + 1)).bit_length()) - 1 if size & 1 else 0
        if carries > 1:
            keys = [((size - (1 << level)) << 6) | level for level in range(1, carries)]
            db.execute(self.nodes + "(" + ", ".join("?" * len(keys)) + ")", keys).fetchall()
        db.execute(
            self.entry,
            (
                size,
                uuid.uuid4().hex,
                "2026-12-01 17:00:00.000000",
                "subjects.person.added",
                None,
                None,
                "subjects.person",
                f"{person[:8]}-{person[8:12]}-{person[12:16]}-{person[16:20]}-{person[20:]}",
                "0" * 64,
                '{"kind":"child"}',
                os.urandom(32),
            ),
        )
        if carries:
            params: list[Any] = []
            for level in range(1, carries + 1):
                params += [(size << 6) | level, level, ((size + 1) >> level) - 1, os.urandom(32)]
            db.execute(self.node + ", ".join(["(?, ?, ?, ?)"] * carries), params)

    def run(self, count: int) -> float:
        start = time.perf_counter()
        for i in range(count):
            if self.django:
                with self.atomic(durable=True):
                    self._append(i)
            else:
                self.db.execute("BEGIN IMMEDIATE")
                self._append(i)
                self.db.execute("COMMIT")
        return time.perf_counter() - start


def _fixtures() -> tuple[Any, Any, list[Any]]:
    from safeshare.accounts.models import Organisation, User
    from safeshare.subjects.models import Person

    organisation = Organisation.objects.create(name="Bench School", kind="school")
    user = User.objects.create(username="bench", organisation=organisation)
    people = Person.objects.bulk_create(
        Person(organisation=organisation, given_names=f"Child{i}", family_name="Bench")
        for i in range(100)
    )
    return organisation, user, people


Loop = Callable[[int], float]  # run n operations; the seconds they took


def _take_turns(
    loops: dict[str, Loop], rounds: int, count: int, block: int, rotate: bool = False
) -> Iterator[dict[str, float]]:
    """Each round's rate (operations per second) of every loop, the loops taking turns in
    blocks of `block` until each has run `count` (rounded down to whole blocks). With
    `rotate`, the order of the turns moves on by one each block, so no loop always follows
    the same other one."""
    names = list(loops)
    blocks = max(1, count // block)
    for _ in range(rounds):
        seconds = dict.fromkeys(names, 0.0)
        for b in range(blocks):
            shift = b % len(names) if rotate else 0
            for name in names[shift:] + names[:shift]:
                seconds[name] += loops[name](block)
        yield {name: blocks * block / seconds[name] for name in names}


def _spread(values: list[float], form: str = ",.0f") -> str:
    """The median of `values` and, in brackets, their range."""
    return f"{statistics.median(values):{form}} ({min(values):{form}} - {max(values):{form}})"


def _load() -> str:
    return " ".join(f"{load:.1f}" for load in os.getloadavg())


def _ledger_appends(organisation: Any, user: Any, people: list[Any]) -> Loop:
    """append_entry in a loop, each append in its own durable transaction, about the
    people in turn: the ledger side of `appends` and `pymerkle`."""
    from django.db import transaction

    from safeshare.ledger.actions import append_entry

    done = 0

    def run(count: int) -> float:
        nonlocal done
        start = time.perf_counter()
        for i in range(done, done + count):
            with transaction.atomic(durable=True):
                append_entry(
                    event_type="subjects.person.added",
                    actor=user,
                    organisation=organisation,
                    obj=people[i % len(people)],
                    payload={"kind": "child"},
                )
        done += count
        return time.perf_counter() - start

    return run


def appends(args: argparse.Namespace) -> int:
    """The three loops in blocks of `--block`, taking turns, so that they share the disk's
    mood: a durable commit's cost swings by a factor of several from one second to the
    next on this shared machine, and two loops run minutes apart measure that swing. Every
    file is warmed first (a new WAL file costs more per commit until it stops growing,
    which once flattered the ledger by about half)."""
    with scratch_database() as url:
        migrate(url)
        setup_django(url)
        organisation, user, people = _fixtures()
        folder = str(Path(url.removeprefix("sqlite:///")).parent)
        minimal, shaped = _BareInserts(folder, "minimal"), _BareInserts(folder, "entry")
        loops: dict[str, Loop] = {
            "minimal bare insert": minimal.run,
            "entry-shaped bare insert": shaped.run,
        }
        if args.split:
            ledger_file = url.removeprefix("sqlite:///")
            loops["the append's SQL alone"] = _AppendSql(ledger_file, folder, django=False).run
            loops["the same in Django's atomic"] = _AppendSql(ledger_file, folder, django=True).run
        loops["append_entry"] = _ledger_appends(organisation, user, people)
        for warm in loops.values():
            warm(args.warm)
        count = max(1, args.count // args.block) * args.block
        rates: dict[str, list[float]] = {name: [] for name in loops}
        for rate in _take_turns(loops, args.rounds, args.count, args.block):
            for name in loops:
                rates[name].append(rate[name])
            bare = rates["minimal bare insert"][-1]
            print(
                "; ".join(
                    f"{name} {rates[name][-1]:,.0f}/s ({rates[name][-1] / bare:.2f})"
                    for name in loops
                )
            )
        ratios = {
            name: statistics.median(
                r / b for r, b in zip(rates[name], rates["minimal bare insert"], strict=True)
            )
            for name in loops
        }
        shaped_ratio = statistics.median(
            r / b
            for r, b in zip(rates["append_entry"], rates["entry-shaped bare insert"], strict=True)
        )
        print(
            f"median over {args.rounds} rounds of {count} (blocks of {args.block}, taking "
            f"turns, after {args.warm} to warm each file), as a share of the minimal bare "
            "insert: " + ", ".join(f"{name} {ratio:.2f}" for name, ratio in ratios.items())
        )
        print(
            f"append_entry / minimal bare insert {ratios['append_entry']:.2f} (goal 0.5); "
            f"append_entry / entry-shaped bare insert {shaped_ratio:.2f}"
        )
    return 0


def concurrency(args: argparse.Namespace) -> int:
    with scratch_database(os.environ.get("DATABASE_URL")) as url:
        migrate(url)
        setup_django(url)
        from django.db import connection, transaction

        from safeshare.ledger import merkle, queries
        from safeshare.ledger.actions import append_entry
        from safeshare.ledger.models import Entry
        from safeshare.ledger.verify import verify_ledger

        organisation, user, people = _fixtures()
        connection.close()
        failures: list[BaseException] = []

        def writer(n: int) -> None:
            try:
                for i in range(args.appends):
                    with transaction.atomic(durable=True):
                        append_entry(
                            event_type="subjects.person.added",
                            actor=user,
                            organisation=organisation,
                            obj=people[(n * args.appends + i) % len(people)],
                            payload={"writer": n, "append": i},
                        )
            except BaseException as exc:  # reported below, after every thread ends
                failures.append(exc)
            finally:
                connection.close()

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(args.threads)]
        start = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - start
        total = args.threads * args.appends
        sequences = list(Entry.objects.order_by("sequence").values_list("sequence", flat=True))
        leaves = [
            bytes(h) for h in Entry.objects.order_by("sequence").values_list("leaf_hash", flat=True)
        ]
        root = queries.root_at(len(sequences))
        report = verify_ledger()
        ok = (
            not failures
            and sequences == list(range(total))
            and root == merkle.tree_root(leaves)
            and report.ok
        )
        print(
            f"{connection.vendor}: {args.threads} threads x {args.appends} appends = "
            f"{len(sequences)} entries in {elapsed:.1f} s ({len(sequences) / elapsed:,.0f}/s); "
            f"gaps or duplicates: {'none' if sequences == list(range(total)) else 'YES'}; "
            f"root matches RFC 9162 over all leaves: {root == merkle.tree_root(leaves)}; "
            f"verify: {'passed' if report.ok else report.lines()}; errors: {failures[:3]}"
        )
        connection.close()
    return 0 if ok else 1


def _records(kind: str, records: int, organisation: Any, user: Any) -> tuple[Any, str, str]:
    """Bulk-create the records the entries are about: person records (which need not have
    an entry, ledger/coverage.py) or API tokens (every one of which must, so verify's
    check the other way round has that many records to look for). Returns the model, its
    label and the event type."""
    import datetime
    import uuid

    from safeshare.api.models import ApiToken
    from safeshare.subjects.models import Person

    rows: Any
    model: Any
    if kind == "person":
        model, event_type = Person, "subjects.person.added"
        rows = (
            Person(
                id=uuid.UUID(int=i + 1),
                organisation=organisation,
                given_names=f"Child{i}",
                family_name="Bench",
                created_by=user,
            )
            for i in range(records)
        )
    else:
        model, event_type = ApiToken, "api.token.created"
        expires = datetime.datetime(2027, 1, 1, tzinfo=datetime.UTC)
        rows = (
            ApiToken(
                id=uuid.UUID(int=i + 1),
                user=user,
                name=f"Token {i}",
                prefix=f"{i:012x}",
                secret_hash="0" * 64,
                expires_at=expires,
                session_epoch=0,
            )
            for i in range(records)
        )
    model.objects.bulk_create(rows, batch_size=2000)
    return model, model._meta.label_lower, event_type


def _build(entries: int, per_record: int, kind: str = "person") -> None:
    """Fast path: precomputed rows written with executemany, as append_entry would."""
    import datetime
    import uuid

    from django.db import connection

    from safeshare.ledger import merkle
    from safeshare.ledger.bundle import canonical_text, format_time, leaf_bytes
    from safeshare.ledger.digest import record_digests
    from safeshare.ledger.models import node_key

    organisation, user, _ = _fixtures()
    records = max(1, entries // per_record)
    base = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    model, label, event_type = _records(kind, records, organisation, user)
    # Digests through the same code as append_entry (one batch query per 2,000 records).
    digests: list[str] = []
    for start in range(0, records, 2000):
        ids = [uuid.UUID(int=i + 1) for i in range(start, min(records, start + 2000))]
        batch = record_digests(model, ids)
        digests.extend(batch[str(pk)] for pk in ids)
    frontier: merkle.Frontier = []
    entry_rows: list[tuple[Any, ...]] = []
    node_rows: list[tuple[Any, ...]] = []
    cursor = connection.cursor()

    def flush() -> None:
        cursor.executemany(
            "INSERT INTO ledger_entry (sequence, uuid, time, event_type, actor_id, "
            "organisation_id, object_type, object_id, record_digest, payload, leaf_hash) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            entry_rows,
        )
        cursor.executemany(
            'INSERT INTO ledger_node (key, level, "index", hash) VALUES (%s, %s, %s, %s)', node_rows
        )
        entry_rows.clear()
        node_rows.clear()

    with connection.cursor() as c:
        c.execute("PRAGMA synchronous=OFF")  # building only; the timed verify only reads
    for seq in range(entries):
        record = seq % records
        moment = base + datetime.timedelta(milliseconds=seq)
        payload = {"kind": "child"}
        fields = {
            "sequence": seq,
            "time": format_time(moment),
            "event_type": event_type,
            "actor": str(user.pk),
            "organisation": str(organisation.pk),
            "object_type": label,
            "object_id": str(uuid.UUID(int=record + 1)),
            # Only a record's latest entry is compared with it, so earlier ones may differ.
            "record_digest": digests[record],
            "payload": payload,
        }
        leaf = merkle.leaf_hash(leaf_bytes(fields))
        frontier, created = merkle.frontier_append(frontier, leaf)
        entry_rows.append(
            (
                seq,
                uuid.uuid4().hex,
                moment.strftime("%Y-%m-%d %H:%M:%S.%f"),
                fields["event_type"],
                user.pk.hex,
                organisation.pk.hex,
                label,
                fields["object_id"],
                digests[record],
                canonical_text(payload),  # as append_entry stores it
                leaf,
            )
        )
        node_rows.extend((node_key(lv, ix), lv, ix, h) for lv, ix, h in created if lv)
        if len(entry_rows) >= 50_000:
            flush()
    flush()
    cursor.close()


def verify(args: argparse.Namespace) -> int:
    with scratch_database() as url:
        migrate(url)
        setup_django(url)
        from django.db import connection

        from safeshare.ledger import keys, queries
        from safeshare.ledger import verify as verify_module
        from safeshare.ledger.actions import sign_checkpoint
        from safeshare.ledger.models import Entry
        from safeshare.ledger.verify import verify_ledger

        start = time.perf_counter()
        _build(args.entries, args.entries_per_record, args.records)
        print(
            f"built {args.entries:,} entries about {args.records} records in "
            f"{time.perf_counter() - start:.0f} s (not timed below)"
        )
        stored = sign_checkpoint()
        connection.close()
        start = time.perf_counter()
        report = verify_ledger()
        seconds = time.perf_counter() - start
        print(
            f"verify: {report.size:,} entries, {report.records_checked:,} records, "
            f"{report.covered_checked:,} of them required to have an entry: "
            f"{'passed' if report.ok else report.lines()[:3]} in {seconds:.1f} s (goal < 20 s)"
        )
        # The check the other way round on its own (every record that must have an entry
        # has one), as verify_ledger runs it.
        start = time.perf_counter()
        alone = verify_module.Report()
        verify_module._check_coverage(alone, report.size, 10_000)
        print(
            f"of which the records-have-entries check: {alone.covered_checked:,} records in "
            f"{time.perf_counter() - start:.2f} s"
        )
        rng = random.Random(1)
        picks = [rng.randrange(args.entries) for _ in range(args.proofs)]
        key = keys.verifier().key_string()
        proof_times, bundle_times = [], []
        for seq in picks:
            start = time.perf_counter()
            queries.inclusion_proof(seq, stored.size)
            proof_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            queries.proof_bundle(Entry.objects.get(sequence=seq), stored, key)
            bundle_times.append(time.perf_counter() - start)
        for label, samples in (
            ("inclusion proof from the node table", proof_times),
            ("whole proof bundle (entry, proof, checkpoint)", bundle_times),
        ):
            p99 = sorted(samples)[int(len(samples) * 0.99) - 1]
            print(f"{label}: mean {statistics.fmean(samples) * 1e3:.2f} ms, p99 {p99 * 1e3:.2f} ms")
        return 0 if report.ok else 1


def pymerkle(args: argparse.Namespace) -> int:
    from ledger_versus import (
        PostgresBareInserts,
        PymerkleAppends,
        database_durability,
        ledger_leaves,
    )

    with (
        scratch_database(os.environ.get("DATABASE_URL")) as url,
        tempfile.TemporaryDirectory(prefix="safeshare-pymerkle-") as spare,
    ):
        postgres = is_postgres(url)
        if args.split and postgres:
            print("--split times the append's SQL on SQLite only", file=sys.stderr)
            return 2
        migrate(url)
        setup_django(url)
        organisation, user, people = _fixtures()
        # Beside the ledger's file, or in a temporary folder on the same disk for PostgreSQL.
        folder = spare if postgres else str(Path(url.removeprefix("sqlite:///")).parent)
        ledger = _ledger_appends(organisation, user, people)
        ledger(args.warm)
        leaves = ledger_leaves(args.warm)  # the same entries' bytes, for pymerkle to append
        own = PymerkleAppends(folder, leaves, wal=False)
        wal = PymerkleAppends(folder, leaves, wal=True)
        loops: dict[str, Loop] = {
            "append_entry": ledger,
            "pymerkle, its own journal": own.run,
            "pymerkle in WAL": wal.run,
            "minimal bare insert": _BareInserts(folder, "minimal").run,
        }
        if postgres:
            loops["minimal bare insert, PostgreSQL"] = PostgresBareInserts(url).run
        if args.split:
            ledger_file = url.removeprefix("sqlite:///")
            loops["the append's SQL alone"] = _AppendSql(ledger_file, folder, django=False).run
            loops["the same in Django's atomic"] = _AppendSql(ledger_file, folder, django=True).run
        for name, warm in loops.items():
            if name != "append_entry":
                warm(args.warm)
        print(f"append_entry: {database_durability()}")
        print(f"pymerkle, its own journal: {own.durability()}")
        print(f"pymerkle in WAL: {wal.durability()}")
        print(
            f"entries: the ledger's own leaf bytes, {min(map(len, leaves))} - "
            f"{max(map(len, leaves))} bytes; load average at the start {_load()}"
        )
        rates: dict[str, list[float]] = {name: [] for name in loops}
        ratios: dict[str, list[float]] = {"own": [], "wal": []}
        for n, rate in enumerate(_take_turns(loops, args.rounds, args.count, args.block, True)):
            for name in loops:
                rates[name].append(rate[name])
            ratios["own"].append(rate["append_entry"] / rate["pymerkle, its own journal"])
            ratios["wal"].append(rate["append_entry"] / rate["pymerkle in WAL"])
            print(
                f"round {n + 1}: "
                + "; ".join(f"{name} {rate[name]:,.0f}/s" for name in loops)
                + f"; append_entry / pymerkle {ratios['own'][-1]:.2f} (its own journal), "
                f"{ratios['wal'][-1]:.2f} (WAL); load {_load()}"
            )
        count = max(1, args.count // args.block) * args.block
        stored = own.committed(), wal.committed()
        if stored != (own.done, wal.done):
            print(f"pymerkle's files hold {stored} leaves, not {(own.done, wal.done)}")
            return 1
        print(
            f"medians over {args.rounds} rounds of {count} (blocks of {args.block}, taking "
            f"turns in a new order each block, after {args.warm} to warm each file), range in "
            "brackets: " + "; ".join(f"{name} {_spread(rates[name])}/s" for name in loops)
        )
        print(
            f"every pymerkle append committed: a second connection reads {stored[0]:,} and "
            f"{stored[1]:,} leaves; load average at the end {_load()}"
        )
        for key, label in (("own", "its own journal"), ("wal", "in WAL, as the ledger")):
            met = statistics.median(ratios[key]) >= 2
            print(
                f"append_entry / pymerkle {label}: {_spread(ratios[key], '.2f')} "
                f"(goal at least 2: {'met' if met else 'not met'})"
            )
    return 0


def auditlog(args: argparse.Namespace) -> int:
    from ledger_versus import Finalises, database_durability, drafts

    # The service's settings plus django-auditlog, for this process only.
    os.environ["DJANGO_SETTINGS_MODULE"] = "auditlog_settings"
    with scratch_database(os.environ.get("DATABASE_URL")) as url:
        setup_django(url)
        from django.conf import settings
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
        from auditlog.models import LogEntry

        from safeshare.accounts.models import Role, User
        from safeshare.decisions.models import Decision, DecisionStatus
        from safeshare.ledger.models import Entry

        assert "auditlog" in settings.INSTALLED_APPS
        organisation, _, people = _fixtures()
        actor = User.objects.create(
            username="practitioner", organisation=organisation, role=Role.PRACTITIONER
        )
        variants = ["ledger", "auditlog"] + (["nothing"] if args.split else [])
        count = max(1, args.count // args.block) * args.block
        start = time.perf_counter()
        built = drafts(len(variants), args.warm + args.rounds * count, actor, people)
        print(
            f"{len(variants)} x {len(built[0])} drafts built alike in "
            f"{time.perf_counter() - start:.0f} s (not timed); {database_durability()}"
        )
        finalises = {v: Finalises(v, actor, kept) for v, kept in zip(variants, built, strict=True)}
        before = {"ledger": Entry.objects.count(), "auditlog": LogEntry.objects.count()}
        for variant in finalises.values():
            variant.run(args.warm)
        print(f"load average at the start {_load()}")
        loops: dict[str, Loop] = {v: f.run for v, f in finalises.items()}
        rates: dict[str, list[float]] = {name: [] for name in loops}
        ratios = []
        for n, rate in enumerate(_take_turns(loops, args.rounds, args.count, args.block, True)):
            for name in loops:
                rates[name].append(rate[name])
            ratios.append(rate["auditlog"] / rate["ledger"])
            print(
                f"round {n + 1}: "
                + "; ".join(f"with {name} {1e3 / rate[name]:.2f} ms" for name in loops)
                + f" per finalise; ledger / auditlog {ratios[-1]:.2f}; load {_load()}"
            )
        finalised = Decision.objects.filter(status=DecisionStatus.FINALISED).count()
        total = len(variants) * (args.warm + args.rounds * count)
        if finalised != total:
            print(f"{finalised} decisions finalised, not {total}")
            return 1
        per = args.warm + args.rounds * count
        entries = (Entry.objects.count() - before["ledger"]) / per
        logs = (LogEntry.objects.count() - before["auditlog"]) / per
        print(
            f"medians over {args.rounds} rounds of {count} finalises each (blocks of "
            f"{args.block}, taking turns in a new order each block, after {args.warm} each), "
            "range in brackets: "
            + "; ".join(
                f"with {name} {_spread([1e3 / r for r in rates[name]], '.2f')} ms" for name in loops
            )
        )
        print(
            f"written per finalise: {entries:.2f} ledger entries, {logs:.2f} auditlog "
            f"LogEntries; load average at the end {_load()}"
        )
        met = statistics.median(ratios) <= 1.5
        print(
            f"finalise with the ledger / with django-auditlog: {_spread(ratios, '.2f')} "
            f"(goal at most 1.5: {'met' if met else 'not met'})"
        )
    return 0


def _turns(p: argparse.ArgumentParser, defaults: tuple[int, int, int, int], split: str) -> None:
    """The options of a benchmark whose loops take turns: --count per round, --rounds,
    --block (a turn), --warm (run by each loop first, untimed) and --split."""
    for name, default in zip(("count", "rounds", "block", "warm"), defaults, strict=True):
        p.add_argument(f"--{name}", type=int, default=default)
    p.add_argument("--split", action="store_true", help=split)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command")
    _turns(
        sub.add_parser("appends"),
        (2000, 5, 100, 2000),
        "also time the append's SQL alone, raw and inside Django's transaction",
    )
    p = sub.add_parser("concurrency")
    p.add_argument("--threads", type=int, default=16)
    p.add_argument("--appends", type=int, default=1000)
    p = sub.add_parser("verify")
    p.add_argument("--entries", type=int, default=1_000_000)
    p.add_argument("--entries-per-record", type=int, default=4)
    p.add_argument(
        "--records",
        choices=["person", "token"],
        default="person",
        help="what the entries are about: person records (need no entry) or API tokens "
        "(each must have one, so the check the other way round looks for every one)",
    )
    p.add_argument("--proofs", type=int, default=1000)
    _turns(
        sub.add_parser("pymerkle"),
        (1000, 7, 100, 2000),
        "also time the append's SQL alone, raw and inside Django's transaction (SQLite)",
    )
    _turns(
        sub.add_parser("auditlog"), (60, 7, 10, 12), "also time the finalise with nothing recorded"
    )
    args = parser.parse_args()
    if args.command is None:
        code = 0
        for command in ("appends", "concurrency", "verify", "pymerkle", "auditlog"):
            print(f"== {command}", flush=True)
            # This script itself, with fixed arguments.
            run = subprocess.run([sys.executable, __file__, command], check=False)  # noqa: S603
            code |= run.returncode
        return code
    commands = {
        "appends": appends,
        "concurrency": concurrency,
        "verify": verify,
        "pymerkle": pymerkle,
        "auditlog": auditlog,
    }
    return commands[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
