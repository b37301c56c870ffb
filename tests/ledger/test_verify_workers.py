"""`safeshare ledger verify` in worker processes says what one process says, tampering
included; and the digest's column readers give what its value readers give."""

from __future__ import annotations

import datetime
import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safeshare.ledger import digest
from tests.ledger.deployments import POSTGRES, Databases, execute, query, safeshare
from tests.ledger.test_digest import _CONVERTERS as _VALUE_CONVERTERS
from tests.ledger.test_digest import _STORED as _VALUE_STORED

# The value readers' cases (tests/ledger/test_digest.py), and a column's own: a plain
# column, a newline inside a would-be UUID, text, numbers and bytes.
_CONVERTERS = {"none": (), **{kind: (convert,) for kind, convert in _VALUE_CONVERTERS.items()}}
_STORED = st.one_of(
    _VALUE_STORED,
    st.uuids().map(lambda u: u.hex[:16] + "\n" + u.hex[16:]),
    st.floats(allow_nan=False),
    st.text(max_size=40),
    st.binary(max_size=8),
)


def _each(read: Any, column: list[Any]) -> Any:
    try:
        return [read(value) for value in column]
    except (TypeError, ValueError, AttributeError) as exc:
        return type(exc)


@settings(max_examples=400, deadline=None)
@given(
    kind=st.sampled_from(sorted(_CONVERTERS)),
    column=st.lists(_STORED, max_size=6)
    | st.lists(st.uuids().map(lambda u: u.hex) | st.none(), max_size=6)
    | st.lists(st.datetimes() | st.none(), max_size=6),
)
def test_a_column_reads_as_its_values_do(kind: str, column: list[Any]) -> None:
    fake_db: Any = SimpleNamespace(timezone=datetime.UTC)
    converters = _CONVERTERS[kind]
    one = digest._reader(None, converters, fake_db, True)
    whole = digest._column_reader(None, converters, fake_db, True)
    expected = _each(one, column)
    if isinstance(expected, type):
        with pytest.raises(expected):
            whole(tuple(column))
        return
    # As JSON, so that True and 1 (equal in Python) count as different.
    got = list(whole(tuple(column)))
    assert json.dumps(got, default=repr) == json.dumps(expected, default=repr)


@settings(max_examples=300, deadline=None)
@given(moment=st.datetimes())
def test_a_utc_time_is_written_as_format_time_writes_it(moment: datetime.datetime) -> None:
    assert digest._utc_text(moment) == moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated deployment with the demo data, in a database of its own (the workers
    need committed rows on a database they can each connect to)."""
    databases = Databases(tmp_path_factory.mktemp("workers"))
    url = databases.new()
    for args in (("migrate", "--no-input", "-v", "0"), ("demo",)):
        made = safeshare(url, *args)
        assert made.returncode == 0, made.stdout + made.stderr
    yield url
    databases.drop_all()


@pytest.fixture
def deployment(template: str, tmp_path: Path) -> Iterator[str]:
    databases = Databases(tmp_path)
    yield databases.new(template)
    databases.drop_all()


def _verify(url: str, jobs: int) -> tuple[int, str, str]:
    done: subprocess.CompletedProcess[str] = safeshare(url, "ledger", "verify", "--jobs", str(jobs))
    # The time taken is the only thing allowed to differ.
    return done.returncode, re.sub(r" in [0-9.]+ s\.", "", done.stdout), done.stderr


def _unguarded(url: str, *tables: str) -> list[str]:
    """Statements that take the immutability guards off these tables."""
    if POSTGRES:
        return [f"ALTER TABLE {table} DISABLE TRIGGER USER" for table in tables]
    names = query(
        url,
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN "
        f"({', '.join(repr(table) for table in tables)})",
    )
    return [f"DROP TRIGGER {name}" for (name,) in names]


def test_workers_pass_an_untouched_ledger_as_one_process_does(deployment: str) -> None:
    alone = _verify(deployment, 1)
    assert alone[0] == 0, alone
    assert alone[1].startswith("Ledger verified: ")
    assert _verify(deployment, 2) == alone
    assert _verify(deployment, 3) == alone


def test_workers_name_every_tamper_as_one_process_does(deployment: str) -> None:
    (decision,) = query(
        deployment, "SELECT id FROM decisions_decision WHERE status = 'finalised' LIMIT 1"
    )
    (disclosure,) = query(deployment, "SELECT id FROM disclosures_disclosure LIMIT 1")
    (contact,) = query(deployment, "SELECT id FROM directory_contactpoint LIMIT 1")
    tables = (
        "ledger_entry",
        "ledger_node",
        "decisions_decision",
        "disclosures_disclosure",
        "disclosures_discloseditem",
    )
    execute(
        deployment,
        *_unguarded(deployment, *tables),
        # An entry's payload, a tree node, a finalised decision and a contact point edited; a
        # disclosure deleted.
        "UPDATE ledger_entry SET payload = '{\"edited\": true}' WHERE sequence = 3",
        "UPDATE ledger_node SET hash = (SELECT hash FROM ledger_node ORDER BY key LIMIT 1) "
        "WHERE key = (SELECT MAX(key) FROM ledger_node)",
        f"UPDATE decisions_decision SET purpose = 'rewritten' WHERE id = '{decision[0]}'",
        f"UPDATE directory_contactpoint SET label = 'Renamed' WHERE id = '{contact[0]}'",
        f"DELETE FROM disclosures_discloseditem WHERE disclosure_id = '{disclosure[0]}'",
        f"DELETE FROM disclosures_disclosure WHERE id = '{disclosure[0]}'",
    )
    alone = _verify(deployment, 1)
    assert alone[0] == 1, alone
    problems = alone[2].splitlines()
    assert problems[0] == "CommandError: Ledger verification FAILED:", problems
    assert any(line.startswith("node (") and "edited" in line for line in problems), problems
    assert any("entry 3: entry edited" in line for line in problems), problems
    assert any("decisions.decision" in line and "edited after" in line for line in problems)
    assert any("directory.contactpoint" in line and "edited after" in line for line in problems)
    assert any("disclosures.disclosure" in line and "missing" in line for line in problems)
    assert _verify(deployment, 2) == alone
    assert _verify(deployment, 4) == alone
