"""`safeshare reports partnership [--from DATE] [--to DATE] --csv FILE`."""

from __future__ import annotations

import csv
import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from safeshare.accounts.models import User
from safeshare.subjects.models import Person
from tests.factories.decisions import DecisionFactory
from tests.ledger.deployments import safeshare

pytestmark = pytest.mark.django_db


def test_it_writes_every_figure_of_the_partnership(
    practitioner: User, person: Person, tmp_path: Path
) -> None:
    for _ in range(6):
        DecisionFactory.create(started_by=practitioner, subject=person, share=True, finalised=True)
    for _ in range(2):
        DecisionFactory.create(
            started_by=practitioner, subject=person, do_not_share=True, finalised=True
        )
    DecisionFactory.create(
        started_by=practitioner, subject=person, seek_advice=True, finalised=True
    )
    target = tmp_path / "figures.csv"
    out = StringIO()
    call_command("reports", "partnership", "--from", "2026-01-01", "--csv", str(target), stdout=out)
    assert out.getvalue().startswith("Wrote 10 figures from 2026-01-01 to ")
    rows = list(csv.DictReader(StringIO(target.read_text(encoding="utf-8"))))
    assert {r["Figure"] for r in rows} >= {"Decisions by outcome", "Secure disclosures"}
    outcome = {r["Row"]: r["Count"] for r in rows if r["Figure"] == "Decisions by outcome"}
    assert outcome["Share"] == "6"
    assert outcome["Do not share"] == "fewer than 5"
    assert outcome["Seek advice"] == "fewer than 5"
    assert outcome["Total"] == "9"
    assert {r["From"] for r in rows} == {"2026-01-01"}
    assert {r["Organisations"] for r in rows} == {"The whole partnership"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2026-13-01"], "--from must be a real date written as YYYY-MM-DD"),
        (["--to", "yesterday"], "--to must be a real date written as YYYY-MM-DD"),
        (
            ["--from", "2026-06-01", "--to", "2026-05-01"],
            "--to must be the same as or after --from",
        ),
    ],
)
def test_a_bad_date_is_refused_naming_the_option(
    args: list[str], message: str, tmp_path: Path
) -> None:
    with pytest.raises(CommandError, match=message) as refused:
        call_command("reports", "partnership", *args, "--csv", str(tmp_path / "x.csv"))
    assert refused.value.returncode == 2
    assert not (tmp_path / "x.csv").exists()


def _safeshare(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return safeshare(f"sqlite:///{tmp_path / 'unused.sqlite3'}", *args)


def test_the_console_command_exits_2_with_one_line(tmp_path: Path) -> None:
    result = _safeshare(
        "reports",
        "partnership",
        "--from",
        "1 April",
        "--csv",
        str(tmp_path / "x.csv"),
        tmp_path=tmp_path,
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().splitlines() == [
        "CommandError: --from must be a real date written as YYYY-MM-DD, like 2026-04-01"
    ]
    missing = _safeshare("reports", "partnership", tmp_path=tmp_path)
    assert missing.returncode == 2
    assert "--csv" in missing.stderr.strip().splitlines()[-1]
