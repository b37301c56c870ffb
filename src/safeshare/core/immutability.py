"""Database triggers that refuse to change finalised records.

The model and the actions already refuse; these stop an UPDATE or DELETE that goes round
the application (a script, a stray migration, a console session). They do not stop a
database owner who drops the trigger: the ledger's digests catch that.

One definition serves SQLite and PostgreSQL, so the rule cannot drift between them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper


@dataclass(frozen=True)
class Guard:
    name: str
    table: str
    # SQL true when the row (OLD, or NEW for inserts) belongs to a finalised record.
    old_condition: str
    new_condition: str | None = None  # for link tables: refuse new links to finalised records
    message: str = "a finalised record cannot be changed; record an amendment instead"
    # Which changes old_condition refuses. The ledger head needs UPDATE (it grows) but
    # never DELETE, so it guards the two with separate conditions.
    operations: tuple[str, ...] = ("UPDATE", "DELETE")


GUARDS: list[Guard] = [
    # Who looked at a person's record is evidence: no row is ever changed or removed.
    Guard(
        name="access_record",
        table="audit_accessrecord",
        old_condition="1 = 1",
        message="an access record cannot be changed or deleted",
    ),
    Guard(
        name="decision",
        table="decisions_decision",
        old_condition="OLD.status = 'finalised'",
    ),
    Guard(
        name="decision_subjects",
        table="decisions_decision_subjects",
        old_condition=(
            "EXISTS (SELECT 1 FROM decisions_decision d WHERE d.id = OLD.decision_id "
            "AND d.status = 'finalised')"
        ),
        new_condition=(
            "EXISTS (SELECT 1 FROM decisions_decision d WHERE d.id = NEW.decision_id "
            "AND d.status = 'finalised')"
        ),
    ),
    Guard(
        name="decision_items",
        table="decisions_informationitem",
        old_condition=(
            "EXISTS (SELECT 1 FROM decisions_decision d WHERE d.id = OLD.decision_id "
            "AND d.status = 'finalised')"
        ),
        new_condition=(
            "EXISTS (SELECT 1 FROM decisions_decision d WHERE d.id = NEW.decision_id "
            "AND d.status = 'finalised')"
        ),
    ),
    # The engine's explanation, frozen once and shared by every decision that has it.
    Guard(
        name="explanation",
        table="decisions_explanation",
        old_condition="1 = 1",
        message="a frozen explanation cannot be changed or deleted",
    ),
    # A withdrawal of consent, and the record of which guidance policy is active, are
    # evidence in their own right: written once, never changed or removed.
    Guard(
        name="consent_withdrawal",
        table="decisions_consentwithdrawal",
        old_condition="1 = 1",
        message="a consent withdrawal cannot be changed or deleted",
    ),
    # A sign-off or a review after the event, once decided (decisions/models.py).
    Guard(
        name="sign_off",
        table="decisions_signoff",
        old_condition="OLD.resolved_at IS NOT NULL",
        message="a sign-off already decided cannot be changed or deleted",
    ),
    Guard(
        name="decision_review",
        table="decisions_review",
        old_condition="OLD.reviewed_at IS NOT NULL",
        message="a review already recorded cannot be changed or deleted",
    ),
    Guard(
        name="policy_activation",
        table="policies_policyactivation",
        old_condition="1 = 1",
        message="a policy activation cannot be changed or deleted",
    ),
    # What a subject access pack left out, and each extension of its due date: evidence
    # of how the request was answered, written once.
    Guard(
        name="subject_access_extension",
        table="subject_access_extension",
        old_condition="1 = 1",
        message="a subject access extension cannot be changed or deleted",
    ),
    Guard(
        name="subject_access_redaction",
        table="subject_access_redaction",
        old_condition="1 = 1",
        message="a subject access redaction cannot be changed or deleted",
    ),
    # The ledger (docs/adr/0004-ledger-storage.md): entries, tree nodes and signed
    # checkpoints are append-only.
    Guard(
        name="ledger_entry",
        table="ledger_entry",
        old_condition="1 = 1",
        message="ledger entries are append-only",
    ),
    Guard(
        name="ledger_node",
        table="ledger_node",
        old_condition="1 = 1",
        message="ledger tree nodes are append-only",
    ),
    Guard(
        name="ledger_checkpoint",
        table="ledger_signedcheckpoint",
        old_condition="1 = 1",
        message="signed checkpoints are append-only",
    ),
    # Witnessing (docs/adr/0022-witnessing.md): what a witness refused, and the
    # cosignatures a log collected, are evidence; neither is ever changed or removed.
    Guard(
        name="witness_refusal",
        table="witness_refusal",
        old_condition="1 = 1",
        message="witness refusals are append-only",
    ),
    Guard(
        name="ledger_cosignature",
        table="ledger_cosignature",
        old_condition="1 = 1",
        message="cosignatures are append-only",
    ),
    Guard(
        name="ledger_witnessfailure",
        table="ledger_witnessfailure",
        old_condition="1 = 1",
        message="witness refusals are append-only",
    ),
    # Federation (issue 19): what was signed, sent and received is evidence for both
    # partnerships. A message gets its own entry's hash in the transaction that writes it
    # (the entry covers the row, so the hash comes after); a sent one then changes once
    # (delivered or refused), a received one never.
    Guard(
        name="federation_message",
        table="federation_message",
        old_condition="OLD.entry_hash <> '' AND (OLD.direction = 'in' OR OLD.status <> 'queued')",
        message="a federation message cannot be changed once received or delivered",
    ),
    *(
        Guard(
            name=f"federation_{table}",
            table=f"federation_{table}",
            old_condition="1 = 1",
            message="federation records are append-only",
        )
        for table in (
            "inboundrequest",
            "sentdisclosure",
            "sentevent",
            "receiveddisclosure",
            "receivedevent",
        )
    ),
]


def _sqlite_sql(guard: Guard) -> list[str]:
    statements = []
    for op in guard.operations:
        statements.append(
            f"CREATE TRIGGER IF NOT EXISTS immutable_{guard.name}_{op.lower()} BEFORE {op} "
            f"ON {guard.table} FOR EACH ROW WHEN {guard.old_condition} "
            f"BEGIN SELECT RAISE(ABORT, 'safeshare: {guard.message}'); END"
        )
    if guard.new_condition:
        statements.append(
            f"CREATE TRIGGER IF NOT EXISTS immutable_{guard.name}_insert BEFORE INSERT "
            f"ON {guard.table} FOR EACH ROW WHEN {guard.new_condition} "
            f"BEGIN SELECT RAISE(ABORT, 'safeshare: {guard.message}'); END"
        )
    return statements


def _postgres_sql(guard: Guard) -> list[str]:
    new_check = (
        f"IF TG_OP = 'INSERT' AND {guard.new_condition} THEN "
        f"RAISE EXCEPTION 'safeshare: {guard.message}' "
        "USING ERRCODE = 'restrict_violation'; END IF;"
        if guard.new_condition
        else ""
    )
    function = f"immutable_{guard.name}_guard"
    refused = ", ".join(f"'{op}'" for op in guard.operations)
    ops = " OR ".join((*guard.operations, "INSERT") if guard.new_condition else guard.operations)
    return [
        f"""CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ({refused}) AND {guard.old_condition} THEN
    RAISE EXCEPTION 'safeshare: {guard.message}' USING ERRCODE = 'restrict_violation';
  END IF;
  {new_check}
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END $$""",
        f"DROP TRIGGER IF EXISTS {function} ON {guard.table}",
        f"CREATE TRIGGER {function} BEFORE {ops} ON {guard.table} "
        f"FOR EACH ROW EXECUTE FUNCTION {function}()",
    ]


def _selected(names: Iterable[str] | None) -> list[Guard]:
    if names is None:
        return GUARDS
    wanted = set(names)
    return [guard for guard in GUARDS if guard.name in wanted]


def install(connection: BaseDatabaseWrapper, names: Iterable[str] | None = None) -> None:
    """Install the named guards (a migration names its own, so later guards for tables
    that do not exist yet are not attempted), or all of them."""
    with connection.cursor() as cursor:
        for guard in _selected(names):
            sql = _postgres_sql(guard) if connection.vendor == "postgresql" else _sqlite_sql(guard)
            for statement in sql:
                cursor.execute(statement)


def remove(connection: BaseDatabaseWrapper, names: Iterable[str] | None = None) -> None:
    """For reversing a migration, and for test teardown, which empties every table."""
    with connection.cursor() as cursor:
        for guard in _selected(names):
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"DROP TRIGGER IF EXISTS immutable_{guard.name}_guard ON {guard.table}"
                )
            else:
                for op in ("update", "delete", "insert"):
                    cursor.execute(f"DROP TRIGGER IF EXISTS immutable_{guard.name}_{op}")


def suspended_for_migration(*names: str) -> tuple[Any, Any]:
    """Operations to put before and after a migration that rebuilds guarded tables.

    SQLite alters a table by copying it into a new one and dropping the old, which the
    guards (rightly) refuse and which breaks triggers that name the dropped table; so a
    schema change drops the named guards first and installs them again afterwards.
    """
    from django.db import migrations

    def drop(apps: Any, schema_editor: Any) -> None:
        remove(schema_editor.connection, names)

    def put_back(apps: Any, schema_editor: Any) -> None:
        install(schema_editor.connection, names)

    return (
        migrations.RunPython(drop, put_back),
        migrations.RunPython(put_back, drop),
    )
