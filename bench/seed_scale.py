"""Seed a realistic partnership of a given size into a new database, fast.

    .venv/bin/python bench/seed_scale.py --decisions 1000000
    .venv/bin/python bench/seed_scale.py --decisions 300 --database-url sqlite:///tmp/x.sqlite3
    scripts/with-postgres.sh sh -c '.venv/bin/python bench/seed_scale.py --decisions 100000 \
        --database-url "$DATABASE_URL"'

Default database: a new SQLite file, var/scale-N.sqlite3; with --database-url, a new
SQLite file or an empty PostgreSQL database (created when it does not exist). It refuses
a database that already holds tables. Then, in order (docs/performance.md, "A
partnership at scale: seeding"):

1. `migrate`, then the demo partnership (`safeshare demo`: its organisations, users,
   people, directory, agreement, decisions, request and disclosure) and 20 to 50 staff per
   organisation added as the administrator adds them, all through the real code, with the
   clock set to the day before the history starts (the partnership set up, then used).
2. The check (bench/seed_cases.py): a case of every outcome from every kind of start,
   with every event that can follow, carried out through the actions and through the
   in-memory mirror of them, in a transaction rolled back afterwards; every row and ledger
   entry must be the same. `--no-check` skips it.
3. The history: `--decisions N` finalised decisions (the demo's count) over four years
   to now, with people (`--people`, default N/4), requests and their events, disclosures
   and receipts, amendments, reconsiderations, consent withdrawals and about ten access
   records a decision, planned day by day and mirrored in memory; rows written in bulk
   (SQLite: executemany with a pragma set for the seed only; PostgreSQL: COPY), ledger
   entries in time order with their leaves and tree nodes as append_entry stores them, and
   a signed checkpoint a month when a signing key is configured. The immutability
   triggers are removed for the load and installed again after it.
4. Checks: a sample of stored records against their latest entries (record_digests) and
   against what the mirror meant to write; a checkpoint signed through
   `sign_checkpoint()` (which proves the tree extends the last one); with `--verify`,
   `verify_ledger()`.

Prints the database's path, a summary (rows per table, time, size) and, with `--json`,
one JSON line last.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import heapq
import io
import json
import os
import random
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import seed_catalogue as bank

ROOT = Path(__file__).resolve().parents[1]
HISTORY_DAYS = 4 * 365 + 1
# How far before its decision a case's first event can be (a request received, a family
# added): entries older than the next day's start minus this are final and can be written.
LOOKBACK = datetime.timedelta(days=6)
FLUSH_ROWS = 400_000  # rows the writer gathers before a transaction
SEND_ROWS = 40_000  # rows (and entries) the planning side sends at a time
# Tables loaded in bulk: their secondary indexes are built after the load, not kept up
# row by row (ledger_node has none; the small tables are not worth it).
BULK_TABLES = (
    "audit_accessrecord",
    "decisions_consentwithdrawal",
    "decisions_decision",
    "decisions_decision_subjects",
    "decisions_informationitem",
    "disclosures_discloseditem",
    "disclosures_disclosure",
    "disclosures_receipt",
    "disclosures_revocation",
    "ledger_entry",
    "requests_informationrequest",
    "requests_informationrequest_subjects",
    "requests_requestnote",
    "subjects_identifier",
    "subjects_person",
)


def _say(message: str) -> None:
    print(message, flush=True)


# ---------------------------------------------------------------------------------------
# The database
# ---------------------------------------------------------------------------------------


def _is_postgres(url: str) -> bool:
    return url.startswith(("postgres://", "postgresql://"))


def _sqlite_path(url: str) -> Path:
    if not url.startswith("sqlite:///"):
        raise SystemExit(f"--database-url must be sqlite:///PATH or postgres://..., not {url!r}")
    return Path(url.removeprefix("sqlite:///"))


def prepare_database(url: str) -> None:
    """Refuse anything but a new database: a SQLite file that does not exist yet (or is
    empty), or a PostgreSQL database with no tables (made when it does not exist)."""
    if not _is_postgres(url):
        path = _sqlite_path(url)
        if path.exists() and path.stat().st_size > 0:
            raise SystemExit(f"{path} already exists: seed into a new database")
        path.parent.mkdir(parents=True, exist_ok=True)
        return
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    try:
        conn = psycopg.connect(url, autocommit=True)
    except psycopg.OperationalError as exc:
        if f'"{name}" does not exist' not in str(exc):
            raise
        admin = urlunsplit(parts._replace(path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as maker:
            maker.execute(f'CREATE DATABASE "{name}"')
        conn = psycopg.connect(url, autocommit=True)
    with conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', "
            "'information_schema')"
        ).fetchone()
        if row is not None and row[0]:
            raise SystemExit(
                f"the database {name} already holds {row[0]} tables: seed into a new one"
            )


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault(
        "SECRET_KEY", "seed-scale-only-secret-key-never-used-to-sign-anything-000000"
    )
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.dummy.EmailBackend")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeshare.settings")
    import django

    django.setup()


# ---------------------------------------------------------------------------------------
# The partnership, through the real code
# ---------------------------------------------------------------------------------------


@contextlib.contextmanager
def clock_at(moment: datetime.datetime) -> Iterator[None]:
    """Django's clock (`timezone.now`, and with it `localdate`, `auto_now` and every
    `default=timezone.now`) running from `moment`: django.utils.timezone reads the time
    through its module's `datetime`, which this replaces for the duration."""
    import importlib

    module: Any = importlib.import_module("django.utils.timezone")
    real: type[datetime.datetime] = module.datetime
    assert real is datetime.datetime, "django.utils.timezone no longer reads the time this way"
    offset = real.now(datetime.UTC) - moment

    class Shifted(datetime.datetime):
        @classmethod
        def now(cls, tz: datetime.tzinfo | None = None) -> Any:
            return real.now(tz) - offset

    module.datetime = Shifted
    try:
        yield
    finally:
        module.datetime = real


def _follow_policy_without_sign_off(admin: Any) -> None:
    """The seeder's mirror writes no sign-off or review rows (the `sign_off` section of the
    shipped policies' version 3, issue 17), so the seeded partnership follows version 2 of
    the same policy, as a deployment that has not yet activated version 3 does; activated
    through the action, as an administrator would. The load figures are of that flow."""
    from safeshare.decisions import flow
    from safeshare.policies.actions import activate_policy

    current = flow.current_policy()
    if current.sign_off_before_final or current.review_after:
        activate_policy(
            actor=admin,
            policy_id=current.id,
            version="2",
            reason="Scale seed: the flow without sign-off, which its mirror writes",
        )


def load_partnership(rng: random.Random) -> int:
    """The demo, then the extra staff as the administrator adds them (Django's admin saves
    the user, `accounts.actions.user_saved` appends accounts.user.created). Every extra
    account has the demo password (its hash copied, not recomputed). Returns the number
    of staff added."""
    from django.core.management import call_command
    from django.db import transaction

    from safeshare.accounts.models import User
    from safeshare.site.management.commands.demo import ORGANISATIONS

    call_command("demo", stdout=io.StringIO())
    admin = User.objects.get(username="csc.admin")
    _follow_policy_without_sign_off(admin)
    password = User.objects.get(username="school.teacher").password
    names = {key: name for key, name, _ in ORGANISATIONS}
    taken = set(User.objects.values_list("username", flat=True))
    added = 0
    # One transaction for them all (each user's own is a savepoint): the same rows and
    # entries as one commit each, without a durable commit per user.
    with transaction.atomic():
        added = _add_staff(rng, admin, password, names, taken)
    return added


def _add_staff(
    rng: random.Random, admin: Any, password: str, names: dict[str, str], taken: set[str]
) -> int:
    from django.db import transaction

    from safeshare.accounts.models import Organisation, User
    from safeshare.signin import actions as account_actions

    added = 0
    for key, groups in bank.EXTRA_STAFF.items():
        organisation = Organisation.objects.get(name=names[key])
        for role, count, titles in groups:
            for n in range(count):
                while True:
                    first = rng.choice(bank.STAFF_FIRST)
                    last = rng.choice(bank.STAFF_LAST)
                    username = f"{key}.{first}.{last}".lower()
                    if username not in taken:
                        taken.add(username)
                        break
                with transaction.atomic():
                    user = User(
                        username=username,
                        first_name=first,
                        last_name=last,
                        job_title=titles[n % len(titles)],
                        organisation=organisation,
                        role=role,
                        email=f"{username}@example.org",
                    )
                    user.password = password
                    user.save()
                    account_actions.user_saved(
                        actor=admin,
                        user=user,
                        created=True,
                        changed=["username", "first_name", "last_name", "role", "organisation"],
                    )
                added += 1
    return added


# ---------------------------------------------------------------------------------------
# The bulk
# ---------------------------------------------------------------------------------------


class Seeder:
    """The planning half of the bulk: plans each day (bench/seed_planner.py), mirrors
    it (bench/seed_cases.py), converts the rows for the database, holds the entries
    until no later case can come before them, and sends both to the writer
    (seed_store.Sink, in a process of its own unless --in-process)."""

    def __init__(self, args: argparse.Namespace, url: str, partnership: Any) -> None:
        from django.db import connection

        import seed_store

        self.args = args
        self.url = url
        self.p = partnership
        self.vendor = connection.vendor
        self.tables = seed_store.Tables(self.vendor)
        self.batch: dict[str, list[tuple[Any, ...]]] = {name: [] for name in self.tables.order}
        self.batch_rows = 0
        self.rng = random.Random(args.seed)
        self.samples: list[tuple[str, Any, dict[str, Any]]] = []
        self.sample_every = max(1, args.decisions // 200)
        self.seen = 0
        self.access: list[tuple[Any, ...]] = []
        self.demo_decisions = 0
        self.cpu = dict.fromkeys(("plan", "mirror", "rows", "access", "send"), 0.0)
        staff = sorted(partnership.staff.values(), key=lambda s: s.username)
        # Each user's address (their organisation's network) and browser.
        self.network = {
            s.id: (
                f"{bank.NETWORKS.get(s.org.key, '10.9.9')}.{20 + n % 200}",
                bank.USER_AGENTS[n % len(bank.USER_AGENTS)],
                s.org.id,
            )
            for n, s in enumerate(staff)
        }

    # -- rows --------------------------------------------------------------------------

    def _row(self, name: str, values: dict[str, Any]) -> None:
        from django.db import connection

        table = self.tables[name]
        stored = table.row(values)
        if table.checked < 3:
            table.check(values, stored, connection)
        self.batch[name].append(stored)
        self.batch_rows += 1

    def add_case(self, case: Any) -> None:
        import seed_cases

        mirror = self.mirror
        t = time.process_time()
        mirror.run(case)
        self.cpu["mirror"] += time.process_time() - t
        t = time.process_time()
        for name, values, m2m in seed_cases.rows_of(case):
            self._row(name, values)
            if name == "person":
                person = next(p for p in case.people if p.row is values)
                if person.nhs_number:
                    self._row(
                        "identifier",
                        {"person_id": person.id, "kind": "nhs_number", "value": person.nhs_number},
                    )
            elif name == "decision":
                for pid in m2m["subjects"]:
                    self._row("decision_subjects", {"decision_id": values["id"], "person_id": pid})
            elif name == "request":
                for pid in m2m["subjects"]:
                    self._row(
                        "request_subjects",
                        {"informationrequest_id": values["id"], "person_id": pid},
                    )
            self.seen += 1
            if self.seen % self.sample_every == 0:
                self.samples.append(
                    (name, values["id"], mirror.canonical_content(mirror.models[name], values, m2m))
                )
        for x in case.disclosures:
            for item_id, position in x.links:
                self._row(
                    "disclosed_item",
                    {"disclosure_id": x.id, "item_id": item_id, "position": position},
                )
        for person in case.people:
            person.row = {}
        self.cpu["rows"] += time.process_time() - t
        t = time.process_time()
        self._access(case)
        self.cpu["access"] += time.process_time() - t
        for pending in mirror.entries:
            # (time, order) first: the heap compares tuples in C, not dataclasses.
            heapq.heappush(self.heap, (pending.time, pending.order, pending))
        mirror.entries.clear()

    def _access(self, case: Any) -> None:
        """Access records as (at, user, what, object type, object id, person, the person's
        organisation, as record_access fills it in): the writer
        makes the rows (seed_store.Sink.access)."""
        end = self.end
        out = self.access
        for at, user, what, object_type, object_id, person in case.access:
            if at < end:
                if person is None:
                    out.append((at, user.id, what, object_type, object_id, None, None))
                else:
                    out.append(
                        (at, user.id, what, object_type, object_id, person.id, person.org.id)
                    )

    # -- the run -----------------------------------------------------------------------

    def _send(self, send: Any, entries: list[tuple[Any, ...]]) -> None:
        t = time.process_time()
        send((self.batch, entries, self.access))
        self.batch = {name: [] for name in self.tables.order}
        self.batch_rows = 0
        self.access = []
        self.cpu["send"] += time.process_time() - t

    def run(self, start: datetime.datetime, end: datetime.datetime) -> dict[str, Any]:
        import functools
        import multiprocessing

        from django.db import connection

        import seed_cases
        import seed_planner
        import seed_store
        from safeshare.core import immutability
        from safeshare.decisions.models import Explanation
        from safeshare.ledger import keys, merkle
        from safeshare.ledger.models import Entry

        self.end = end
        # The tree as the demo and the staff left it.
        leaves = list(
            Entry.objects.order_by("sequence").values_list("sequence", "leaf_hash", "time")
        )
        frontier: merkle.Frontier = []
        for _, leaf, _ in leaves:
            frontier, _ = merkle.frontier_append(frontier, bytes(leaf))
        last_time = leaves[-1][2] if leaves else start
        known = set(Explanation.objects.values_list("sha256", flat=True))
        schema_before = _schema()
        immutability.remove(connection)
        indexes = seed_store.secondary_indexes(connection, BULK_TABLES)
        seed_store.drop_indexes(connection, indexes)
        connection.close()
        make = functools.partial(
            seed_store.Sink,
            self.vendor,
            self.url,
            None if self.vendor != "sqlite" else str(_sqlite_path(self.url)),
            self.args.cache_mib,
            len(leaves),
            frontier,
            last_time,
            keys.signer() if keys.has_signer() else None,
            keys.origin(),
            self.args.seed + 3,
            FLUSH_ROWS,
            self.network,
            end,
            indexes,
        )
        writer: Any = None
        send: Any
        if self.args.in_process:
            sink = make()
            send = sink.take
        else:
            context = multiprocessing.get_context("fork")
            pipe, child = context.Pipe()
            writer = context.Process(target=seed_store.serve, args=(child, make), daemon=True)
            writer.start()
            child.close()
            send = pipe.send
        self.mirror = seed_cases.Mirror(self.p)
        self.heap: list[Any] = []
        planner = seed_planner.Planner(
            self.p,
            random.Random(self.args.seed + 1),
            start,
            end,
            self.args.decisions - self.demo_decisions,
            self.args.people,
        )
        began = time.perf_counter()
        cpu = time.process_time()
        last_report = began
        days = 0
        entries: list[tuple[Any, ...]] = []
        sent = 0
        days_planned = planner.plan_days()
        while True:
            t = time.process_time()
            planned = next(days_planned, None)
            self.cpu["plan"] += time.process_time() - t
            if planned is None:
                break
            day, cases = planned
            for case in cases:
                self.add_case(case)
            for address, (policy_sha256, content) in self.mirror.explanations.items():
                if address not in known:
                    known.add(address)
                    self._row(
                        "explanation",
                        {"sha256": address, "policy_sha256": policy_sha256, "content": content},
                    )
            watermark = (
                datetime.datetime.combine(
                    day + datetime.timedelta(days=1), datetime.time(), seed_cases.LONDON
                ).astimezone(datetime.UTC)
                - LOOKBACK
            )
            heap = self.heap
            while heap and heap[0][0] < watermark:
                entries.append(heapq.heappop(heap)[2].fields())
            if self.batch_rows + len(entries) + len(self.access) >= SEND_ROWS:
                sent += len(entries)
                self._send(send, entries)
                entries = []
            days += 1
            now = time.perf_counter()
            if now - last_report > 30:
                last_report = now
                _say(
                    f"  {day}: {planner.made:,} decisions, {sent:,} entries sent, "
                    f"{now - began:,.0f} s"
                )
        while self.heap:
            entries.append(heapq.heappop(self.heap)[2].fields())
        self._send(send, entries)
        if writer is None:
            written = sink.finish()
        else:
            pipe.send(None)
            status, written = pipe.recv()
            writer.join()
            if status != "done":
                raise RuntimeError(f"the writer process failed:\n{written}")
        bulk_seconds = time.perf_counter() - began
        bulk_cpu = time.process_time() - cpu
        immutability.install(connection)
        schema_after = _schema()
        if schema_after != schema_before:
            gone = sorted(set(schema_before) - set(schema_after))
            new = sorted(set(schema_after) - set(schema_before))
            raise AssertionError(
                f"the schema after the seed differs from before it: before only {gone[:5]}, "
                f"after only {new[:5]}"
            )
        return {
            "bulk_seconds": bulk_seconds,
            "bulk_cpu_seconds": bulk_cpu,
            "cpu": {k: round(v, 1) for k, v in self.cpu.items()},
            "writer": written,
            "days": days,
            "decisions_planned": planner.made,
            "people_planned": planner.people_made,
            "entries": written["entries"],
            "checkpoints": written["checkpoints"],
            "access_records": written["access_records"],
        }


def _schema() -> list[tuple[str, ...]]:
    """The database's tables, indexes and triggers with their definitions, to see the
    seed put back every index and trigger it took away, unchanged."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT type, name, tbl_name, COALESCE(sql, '') FROM sqlite_master "
                "ORDER BY type, name"
            )
            return [tuple(str(v) for v in row) for row in cursor.fetchall()]
        cursor.execute(
            "SELECT 'trigger', tgname, pg_get_triggerdef(oid) FROM pg_trigger "
            "WHERE NOT tgisinternal UNION ALL "
            "SELECT 'index', indexname, indexdef FROM pg_indexes "
            "WHERE schemaname = current_schema() ORDER BY 1, 2"
        )
        return [tuple(str(v) for v in row) for row in cursor.fetchall()]


# ---------------------------------------------------------------------------------------
# After the bulk
# ---------------------------------------------------------------------------------------


def check_sample(samples: list[tuple[str, Any, dict[str, Any]]], per_model: int) -> dict[str, int]:
    """Stored records against their latest ledger entry (record_digests of the rows), and
    against the content the mirror meant to write (record_contents)."""
    from django.apps import apps
    from django.db.models import Max

    from safeshare.ledger import coverage
    from safeshare.ledger.digest import record_contents, record_digests
    from safeshare.ledger.models import Entry

    checked: dict[str, int] = {}
    for label in sorted(coverage.LABELS):
        model = apps.get_model(label)
        pks = list(model._base_manager.order_by("?").values_list("pk", flat=True)[:per_model])
        if not pks:
            continue
        digests = record_digests(model, pks)
        latest = dict(
            Entry.objects.filter(object_type=label, object_id__in=list(digests))
            .values("object_id")
            .annotate(last=Max("sequence"))
            .values_list("object_id", "last")
        )
        recorded = dict(
            Entry.objects.filter(sequence__in=list(latest.values())).values_list(
                "object_id", "record_digest"
            )
        )
        for oid, digest in digests.items():
            if oid in recorded and recorded[oid] != digest:
                raise AssertionError(f"{label} {oid}: stored digest differs from its latest entry")
        checked[label] = sum(1 for oid in digests if oid in recorded)
    import seed_cases

    mirror_models = seed_cases.models()
    for name, pk, content in samples:
        model = mirror_models[name]
        stored = record_contents(model, [pk]).get(pk)
        expected = json.loads(json.dumps(content, sort_keys=True))
        if stored is None or json.loads(json.dumps(stored, sort_keys=True)) != expected:
            raise AssertionError(f"{name} {pk}: the stored row is not what the mirror wrote")
    checked["mirrored rows"] = len(samples)
    return checked


def check_times(start: datetime.datetime, end: datetime.datetime) -> dict[str, Any]:
    """Entry times never go backwards along the sequence, and the history's lie between
    the partnership's setting up and now (what append_entry's clock would give)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM ledger_entry a JOIN ledger_entry b "
            "ON b.sequence = a.sequence + 1 WHERE b.time < a.time"
        )
        backwards = int(cursor.fetchone()[0])
        cursor.execute("SELECT MIN(time), MAX(time) FROM ledger_entry")
        first, last = cursor.fetchone()
    if backwards:
        raise AssertionError(f"{backwards} ledger entries are earlier than the entry before them")

    def moment(value: Any) -> datetime.datetime:
        if isinstance(value, datetime.datetime):
            return value
        return datetime.datetime.fromisoformat(str(value)).replace(tzinfo=datetime.UTC)

    if moment(first) < start - datetime.timedelta(days=3) or moment(last) > end:
        raise AssertionError(f"ledger entries run from {first} to {last}, outside the history")
    return {"first": str(first), "last": str(last), "backwards": backwards}


def table_counts() -> dict[str, int]:
    from django.db import connection

    counts = {}
    with connection.cursor() as cursor:
        for name in sorted(connection.introspection.table_names()):
            cursor.execute(f'SELECT COUNT(*) FROM "{name}"')  # noqa: S608 — names from the schema
            count = cursor.fetchone()[0]
            if count:
                counts[name] = int(count)
    return counts


def sizes(url: str) -> dict[str, Any]:
    from django.db import connection

    out: dict[str, Any] = {}
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            path = _sqlite_path(url)
            out["file_bytes"] = path.stat().st_size
            wal = Path(f"{path}-wal")
            out["wal_bytes"] = wal.stat().st_size if wal.exists() else 0
            try:
                cursor.execute(
                    "SELECT name, SUM(pgsize) FROM dbstat WHERE name = 'decisions_decision' "
                    "OR name IN (SELECT name FROM sqlite_master WHERE type = 'index' AND "
                    "tbl_name = 'decisions_decision') GROUP BY name"
                )
                out["decisions_decision"] = {str(n): int(s) for n, s in cursor.fetchall()}
            except Exception as exc:  # dbstat is a compile-time option of SQLite
                out["decisions_decision"] = f"dbstat unavailable: {exc}"
        else:
            cursor.execute("SELECT pg_database_size(current_database())")
            out["database_bytes"] = int(cursor.fetchone()[0])
            cursor.execute(
                "SELECT pg_relation_size('decisions_decision'), "
                "pg_indexes_size('decisions_decision'), "
                "pg_total_relation_size('decisions_decision')"
            )
            table, indexes, total = cursor.fetchone()
            out["decisions_decision"] = {
                "table": int(table),
                "indexes": int(indexes),
                "total (with TOAST)": int(total),
            }
    return out


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--decisions", type=int, required=True, help="finalised decisions in all")
    parser.add_argument("--people", type=int, default=None, help="person records (default N/4)")
    parser.add_argument(
        "--database-url", default=None, help="default: sqlite:///var/scale-N.sqlite3"
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed (a run is repeatable)")
    parser.add_argument(
        "--cache-mib", type=int, default=2048, help="SQLite page cache while seeding"
    )
    parser.add_argument(
        "--no-check", action="store_true", help="skip the check against the actions"
    )
    parser.add_argument("--verify", action="store_true", help="run verify_ledger() at the end")
    parser.add_argument("--json", action="store_true", help="print a JSON summary line last")
    parser.add_argument(
        "--in-process",
        action="store_true",
        help="write in this process instead of a writer process of its own (for profiling)",
    )
    args = parser.parse_args()
    if args.decisions < 3:
        parser.error("--decisions must be at least 3 (the demo's own)")
    args.people = args.people if args.people is not None else max(20, args.decisions // 4)
    url = args.database_url or f"sqlite:///{ROOT / 'var' / f'scale-{args.decisions}.sqlite3'}"
    prepare_database(url)
    _say(f"Seeding {args.decisions:,} decisions and about {args.people:,} people into {url}")
    began = time.perf_counter()
    setup_django(url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    migrated = time.perf_counter()
    now = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    end = now - datetime.timedelta(minutes=10)
    start = end - datetime.timedelta(days=HISTORY_DAYS)
    rng = random.Random(args.seed)
    with clock_at(start - datetime.timedelta(days=2)):
        staff_added = load_partnership(rng)
    import seed_cases
    from safeshare.decisions.models import Decision

    partnership = seed_cases.load_partnership()
    loaded = time.perf_counter()
    _say(
        f"migrated in {migrated - began:.1f} s; demo and {staff_added} staff in {loaded - migrated:.1f} s"
    )
    compared: dict[str, int] = {}
    if not args.no_check:
        import seed_planner

        cases = seed_planner.check_cases(partnership, random.Random(args.seed + 2), now)
        compared = seed_cases.check_against_actions(partnership, cases)
        _say(
            f"check: {compared['cases']} cases through the actions and the mirror, "
            f"{compared['rows']} rows and {compared['entries']} ledger entries the same, "
            f"in {time.perf_counter() - loaded:.1f} s"
        )
    checked_at = time.perf_counter()
    seeder = Seeder(args, url, partnership)
    seeder.demo_decisions = Decision.objects.count()
    result = seeder.run(start, end)
    _say(
        f"bulk: {result['bulk_seconds']:.1f} s; CPU: planning side {result['bulk_cpu_seconds']:.1f} s "
        f"{result['cpu']}, writer {result['writer']['process_cpu']} s {result['writer']['cpu']}"
    )
    from safeshare.ledger import keys
    from safeshare.ledger.actions import sign_checkpoint

    final = None
    if keys.has_signer():
        final = sign_checkpoint()
    sampled = check_sample(seeder.samples, 200)
    times = check_times(start, end)
    finished = time.perf_counter()
    summary: dict[str, Any] = {
        "database": url,
        "decisions": args.decisions,
        "seconds": {
            "total": round(finished - began, 1),
            "migrate": round(migrated - began, 1),
            "demo_and_staff": round(loaded - migrated, 1),
            "check": round(checked_at - loaded, 1),
            "bulk": round(result["bulk_seconds"], 1),
            "after": round(finished - checked_at - result["bulk_seconds"], 1),
        },
        "check": compared,
        "sample": sampled,
        "entry_times": times,
        "entries": result["entries"],
        "checkpoints": result["checkpoints"] + (1 if final is not None else 0),
        "final_checkpoint": None if final is None else final.size,
        "counts": table_counts(),
        "size": sizes(url),
    }
    if args.verify:
        from safeshare.ledger.verify import verify_ledger

        t = time.perf_counter()
        report = verify_ledger()
        summary["verify"] = {
            "ok": report.ok,
            "seconds": round(time.perf_counter() - t, 1),
            "problems": report.lines(5),
            "records_checked": report.records_checked,
            "covered_checked": report.covered_checked,
        }
    _report(summary)
    if args.json:
        print(json.dumps(summary, default=str))
    if args.verify and not summary["verify"]["ok"]:
        return 1
    return 0


def _report(summary: dict[str, Any]) -> None:
    seconds = summary["seconds"]
    _say(f"\nSeeded {summary['database']}")
    _say("time: " + ", ".join(f"{k} {v} s" for k, v in seconds.items()))
    for name, count in summary["counts"].items():
        _say(f"  {name:<40} {count:>12,}")
    size = summary["size"]
    _say(f"size: {json.dumps(size)}")
    decisions = summary["counts"].get("decisions_decision", 0)
    total = size.get("file_bytes", size.get("database_bytes", 0))
    if decisions:
        _say(f"bytes per decision (whole database): {total / decisions:,.0f}")
    if "verify" in summary:
        _say(f"verify: {summary['verify']}")
    _say(
        "Check it yourself: DATABASE_URL=... safeshare ledger verify; demo sign-ins: "
        "safeshare demo --sign-ins"
    )


if __name__ == "__main__":
    sys.exit(main())
