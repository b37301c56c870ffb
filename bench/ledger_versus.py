"""What `bench_ledger.py pymerkle` and `bench_ledger.py auditlog` compare the ledger with
(issue 14; results in docs/performance.md). Not a benchmark itself.

* `PymerkleAppends`: pymerkle 7's SqliteTree appending the ledger's own leaf bytes, one
  committed transaction each, in a SQLite file of its own: with the journal pymerkle
  leaves it (its SQLite default, a rollback journal) or in WAL as the ledger's file is;
  synchronous=FULL either way, read back with PRAGMA.
* `PostgresBareInserts`: a minimal durable insert loop on PostgreSQL, the pace of its
  commits (the ledger's file has `bench_ledger._BareInserts` for SQLite's).
* `Finalises`: `finalise_decision` as it is over drafts built beforehand (not timed), or
  the same with django-auditlog recording the change instead of the ledger, or with
  nothing recorded at all (the floor that `--split` adds).
"""

from __future__ import annotations

import os
import sqlite3
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, closing, contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

import psycopg

# The drafts are built by the same code the tests build complete drafts with.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SYNCHRONOUS = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}
# The events finalise_decision appends about the decision itself, last in its transaction.
DECISION_EVENTS = ("decisions.decision.finalised", "decisions.decision.amended")


def _pragma(con: Any, name: str) -> Any:
    row = con.execute(f"PRAGMA {name}").fetchone()
    # pymerkle's connection returns the single column itself, not a one-element tuple.
    return row[0] if isinstance(row, tuple) else row


def sqlite_durability(con: Any) -> str:
    """What this connection's commits promise, as SQLite reports it."""
    synchronous = _pragma(con, "synchronous")
    return (
        f"journal_mode={_pragma(con, 'journal_mode')}, "
        f"synchronous={SYNCHRONOUS.get(synchronous, synchronous)}"
    )


def database_durability() -> str:
    """The same for Django's connection: SQLite's pragmas, or PostgreSQL's settings."""
    from django.db import connection

    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return f"SQLite {sqlite3.sqlite_version}, {sqlite_durability(connection.connection)}"
    with connection.cursor() as cursor:
        names = ("fsync", "synchronous_commit", "wal_sync_method", "full_page_writes")
        cursor.execute(
            "SELECT current_setting('server_version'), "
            + ", ".join(f"current_setting('{name}')" for name in names)
        )
        version, *values = cursor.fetchone()
        return f"PostgreSQL {version}, " + ", ".join(
            f"{name}={value}" for name, value in zip(names, values, strict=True)
        )


def ledger_leaves(count: int) -> list[bytes]:
    """The leaf bytes of the ledger's first `count` entries, checked against their stored
    leaf hashes: what pymerkle is given to append."""
    from safeshare.ledger import merkle, queries
    from safeshare.ledger.bundle import leaf_bytes
    from safeshare.ledger.models import Entry

    leaves = []
    for entry in Entry.objects.order_by("sequence")[:count]:
        data = leaf_bytes(queries.leaf_fields(entry))
        if merkle.leaf_hash(data) != bytes(entry.leaf_hash):
            raise RuntimeError(f"entry {entry.sequence}'s leaf bytes do not give its leaf hash")
        leaves.append(data)
    return leaves


class PymerkleAppends:
    """pymerkle's SqliteTree, appending `leaves` in turn, one `append_entry` each: pymerkle
    hashes the entry and inserts it inside `with connection:`, so each append is its own
    committed transaction.

    `wal=False` keeps the journal pymerkle's file gets (it sets none: SQLite's default
    rollback journal); `wal=True` switches the file to WAL, as the ledger's. Either way
    synchronous=FULL is set on pymerkle's connection (SQLite's default here already)."""

    def __init__(self, folder: str, leaves: list[bytes], wal: bool) -> None:
        from pymerkle import SqliteTree

        self.path = Path(folder) / f"pymerkle-{'wal' if wal else 'default'}.sqlite3"
        self.tree = SqliteTree(str(self.path))
        if wal:
            self.tree.con.execute("PRAGMA journal_mode=WAL")
        self.tree.con.execute("PRAGMA synchronous=FULL")
        if self.tree.hash_buff(leaves[0]) != _leaf_hash(leaves[0]):
            raise RuntimeError("pymerkle does not hash a leaf as RFC 9162 does")
        self.leaves = leaves
        self.done = 0

    def durability(self) -> str:
        return sqlite_durability(self.tree.con)

    def run(self, count: int) -> float:
        """Append `count` entries, each committed on its own; the seconds it took."""
        append, leaves, n = self.tree.append_entry, self.leaves, len(self.leaves)
        start = time.perf_counter()
        for i in range(self.done, self.done + count):
            append(leaves[i % n])
        seconds = time.perf_counter() - start
        if self.tree.con.in_transaction:
            raise RuntimeError("pymerkle left a transaction open: its appends were not committed")
        self.done += count
        return seconds

    def committed(self) -> int:
        """How many leaves another connection sees: every append, if each was committed."""
        with closing(sqlite3.connect(self.path)) as other:
            return int(other.execute("SELECT COUNT(*) FROM leaf").fetchone()[0])


class PostgresBareInserts:
    """PostgreSQL's counterpart of bench_ledger's minimal bare insert: one row of (id, text,
    32 bytes) per committed transaction, through psycopg on a connection of its own to the
    ledger's database (two round trips: the insert and the commit), with no ledger and no
    Django: the pace of a commit on that server, and so the ceiling of any append that
    commits on its own."""

    def __init__(self, url: str) -> None:
        self.db = psycopg.connect(url)
        self.db.execute(
            "CREATE TABLE bench_bare (id bigserial PRIMARY KEY, payload text, digest bytea)"
        )
        self.db.commit()
        self.done = 0

    def run(self, count: int) -> float:
        db = self.db
        start = time.perf_counter()
        for i in range(self.done, self.done + count):
            db.execute(
                "INSERT INTO bench_bare (payload, digest) VALUES (%s, %s)",
                (f"entry {i}", os.urandom(32)),
            )
            db.commit()
        self.done += count
        return time.perf_counter() - start


def _leaf_hash(data: bytes) -> bytes:
    from safeshare.ledger import merkle

    return merkle.leaf_hash(data)


def drafts(variants: int, per_variant: int, actor: Any, people: list[Any]) -> list[list[Any]]:
    """`variants` lists of `per_variant` complete drafts each, built alike and in turn
    through the actions (tests/factories/decisions.py), every outcome in the same order."""
    from tests.factories.decisions import ANSWERS, DecisionFactory

    outcomes = sorted(ANSWERS)
    built: list[list[Any]] = [[] for _ in range(variants)]
    for i in range(per_variant):
        for kept in built:
            kept.append(
                DecisionFactory.create(
                    started_by=actor,
                    subject=people[i % len(people)],
                    leads_to=outcomes[i % len(outcomes)],
                )
            )
    return built


def _decision_payload(decision: Any) -> dict[str, Any]:
    """What finalise_decision's own ledger entry carries about `decision` (its payload in
    decisions/actions.py, and the event type), as auditlog's `additional_data` for the
    LogEntry of the same save. Worked out once per instance: auditlog asks again for every
    LogEntry about the decision, though the consent and advice ones carry their own."""
    payload = decision.__dict__.get("_bench_payload")
    if payload is None:
        payload = decision.__dict__["_bench_payload"] = {
            "event_type": DECISION_EVENTS[1 if decision.supersedes_id else 0],
            "outcome": decision.outcome,
            "policy": f"{decision.policy_id}@{decision.policy_version}",
            "supersedes": str(decision.supersedes_id) if decision.supersedes_id else None,
            "reconsiders": str(decision.reconsiders_id) if decision.reconsiders_id else None,
            "items": decision.items.count(),
            "advice_recorded": bool(decision.advice_sought),
            "consent": decision.consent_status or None,
        }
    return dict(payload)


def _auditlog_entry(
    *, event_type: str, actor: Any, organisation: Any, obj: Any, payload: Any = None
) -> None:
    """append_entry's stand-in with django-auditlog: a LogEntry about `obj` carrying the
    same payload, written through auditlog's own `log_create` in the caller's transaction.
    The decision's own event is the LogEntry auditlog's pre_save receiver has already
    written for the save (the field-by-field diff), so nothing more is written for it."""
    from auditlog.models import LogEntry

    if event_type in DECISION_EVENTS:
        return
    LogEntry.objects.log_create(
        obj,
        force_log=True,
        action=LogEntry.Action.UPDATE,
        actor=actor,
        additional_data={"event_type": event_type, **(payload or {})},
    )


def _nothing(**_: Any) -> None:
    """append_entry's stand-in when nothing is recorded: the floor under both."""


class Finalises:
    """`finalise_decision(actor=..., decision=draft)` over `drafts` in order, only the call
    timed, in one of three variants, switched on for each turn and off after it:

    * "ledger": the action as it is (auditlog is installed in the process but no model is
      registered with it, so it does nothing);
    * "auditlog": Decision registered with django-auditlog, so the finalise's save writes
      the LogEntry auditlog writes for any save (its pre_save receiver reads the stored
      row and diffs every field), with the decision entry's payload as additional_data;
      the consent and advice entries become LogEntries too (`_auditlog_entry`); the actor
      is set by auditlog's `set_actor`, as its middleware does for a request;
    * "nothing": append_entry does nothing and nothing else records the change."""

    def __init__(self, variant: str, actor: Any, drafts: list[Any]) -> None:
        self.variant = variant
        self.actor = actor
        self.drafts = drafts
        self.done = 0

    @contextmanager
    def _switched_on(self) -> Iterator[None]:
        if self.variant == "ledger":
            yield
            return
        from safeshare.decisions import actions

        with ExitStack() as stack:
            if self.variant == "auditlog":
                from auditlog.context import set_actor
                from auditlog.registry import auditlog

                from safeshare.decisions.models import Decision

                auditlog.register(Decision)
                stack.callback(auditlog.unregister, Decision)
                stack.enter_context(
                    mock.patch.object(
                        Decision, "get_additional_data", _decision_payload, create=True
                    )
                )
                stack.enter_context(set_actor(self.actor))
                stack.enter_context(mock.patch.object(actions, "append_entry", _auditlog_entry))
            else:
                stack.enter_context(mock.patch.object(actions, "append_entry", _nothing))
            yield

    def run(self, count: int) -> float:
        """Finalise the next `count` drafts; the seconds the calls took."""
        from safeshare.decisions.actions import finalise_decision

        seconds = 0.0
        with self._switched_on():
            for draft in self.drafts[self.done : self.done + count]:
                start = time.perf_counter()
                finalise_decision(actor=self.actor, decision=draft)
                seconds += time.perf_counter() - start
        self.done += count
        return seconds
