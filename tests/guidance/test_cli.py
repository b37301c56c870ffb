"""`safeshare guidance ...`: the command-line contract other agencies script against."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from safeshare.guidance.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
SHIPPED = Path(__file__).parents[2] / "src" / "safeshare" / "guidance" / "policies"

SHARE_WITHOUT_CONSENT = {
    "immediate_risk": False,
    "legitimate_purpose": "yes",
    "identifiable": True,
    "consent": "refused",
    "special_category": True,
    "lawful_bases": ["art6-e-public-task", "dpa-sch1-para18"],
    "unsure": False,
}


def run(
    capsys: pytest.CaptureFixture[str], argv: list[str], stdin: str | None = None
) -> tuple[int, str, str]:
    if stdin is not None:
        sys.stdin = io.StringIO(stdin)
    try:
        code = main(argv)
    finally:
        sys.stdin = sys.__stdin__
    out, err = capsys.readouterr()
    return code, out, err


def answers_file(tmp_path: Path, data: Any) -> str:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(data))
    return str(path)


def test_it_evaluates_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, ["evaluate", answers_file(tmp_path, SHARE_WITHOUT_CONSENT)])
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert data["outcome"] == "share_without_consent"
    assert data["next_question"] is None
    assert data["policy"]["id"] == "hmg-2024"
    assert len(data["policy"]["sha256"]) == 64
    assert {"path", "reasons", "warnings", "lawful_bases"} <= data.keys()
    assert out == json.dumps(data, sort_keys=True, ensure_ascii=False, indent=2) + "\n"


def test_it_reads_standard_input_and_picks_a_policy(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, ["evaluate", "--policy", "hmg-2018", "-"], stdin="{}")
    assert code == 0
    data = json.loads(out)
    assert (data["outcome"], data["next_question"]) == ("incomplete", "immediate_risk")
    assert data["policy"]["id"] == "hmg-2018"


@pytest.mark.parametrize(
    ("answers", "line"),
    [
        ({"colour": "red"}, "error: colour: unknown answer key 'colour'\n"),
        ({"immediate_risk": "yes"}, "error: immediate_risk: expected true or false, got 'yes'\n"),
        (
            {"consent": "maybe"},
            "error: consent: expected one of given, not_appropriate, "
            "not_sought, refused, withdrawn, got 'maybe'\n",
        ),
        ({"lawful_bases": ["foo"]}, "error: lawful_bases: unknown lawful basis id 'foo'\n"),
        (
            {"lawful_bases": "art6-e-public-task"},
            "error: lawful_bases: expected a list of lawful basis ids, got 'art6-e-public-task'\n",
        ),
        ({"unsure": 1}, "error: unsure: expected true or false, got 1\n"),
        (
            {"public_authority": "no"},
            "error: public_authority: expected true or false, got 'no'\n",
        ),
        ({"subject_is_adult": 18}, "error: subject_is_adult: expected true or false, got 18\n"),
        (
            {"criminal_offence_data": "yes"},
            "error: criminal_offence_data: expected true or false, got 'yes'\n",
        ),
        (
            {"public_authority": True, "is_public_authority": False},
            "error: is_public_authority: unknown answer key 'is_public_authority'\n",
        ),
        ([1, 2], "error: answers: expected a JSON object of answers\n"),
    ],
)
def test_bad_input_exits_2_with_one_line_naming_the_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], answers: Any, line: str
) -> None:
    code, out, err = run(capsys, ["evaluate", answers_file(tmp_path, answers)])
    assert (code, out, err) == (2, "", line)


@pytest.mark.parametrize("policy", ["hmg-2018", "hmg-2024"])
@pytest.mark.parametrize(
    ("extra", "outcome"),
    [
        ({}, "do_not_share"),  # a public authority by default: no (ea)
        ({"public_authority": True}, "do_not_share"),
        ({"public_authority": False}, "share_without_consent"),
        ({"public_authority": False, "criminal_offence_data": True}, "do_not_share"),
        ({"public_authority": False, "subject_is_adult": True}, "share_without_consent"),
        ({"public_authority": None, "subject_is_adult": None}, "do_not_share"),
    ],
)
def test_the_new_answers_are_optional_booleans(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    policy: str,
    extra: dict[str, Any],
    outcome: str,
) -> None:
    answers = {
        **SHARE_WITHOUT_CONSENT,
        "special_category": False,
        "lawful_bases": ["art6-ea-recognised-legitimate-interests"],
        **extra,
    }
    code, out, err = run(capsys, ["evaluate", "--policy", policy, answers_file(tmp_path, answers)])
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert data["outcome"] == outcome
    if extra.get("subject_is_adult"):
        assert data["tell_subject"]["text"].startswith("Tell the adult")


def test_answers_written_before_the_new_questions_still_decide(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, ["evaluate", answers_file(tmp_path, SHARE_WITHOUT_CONSENT)])
    data = json.loads(out)
    assert (code, data["outcome"]) == (0, "share_without_consent")
    assert "criminal_offence_data" not in [step["question"] for step in data["path"]]
    partial = {k: v for k, v in SHARE_WITHOUT_CONSENT.items() if k != "lawful_bases"}
    code, out, _ = run(capsys, ["evaluate", answers_file(tmp_path, partial)])
    assert json.loads(out)["next_question"] == "criminal_offence_data"


def test_an_unknown_policy_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, ["evaluate", "--policy", "nope", "-"], stdin="{}")
    assert (code, err) == (2, "error: --policy: unknown policy 'nope'\n")


def test_invalid_json_and_duplicate_keys_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, ["evaluate", "-"], stdin="{nope")
    assert code == 2 and err.startswith("error: -: not valid JSON") and err.count("\n") == 1
    code, _, err = run(capsys, ["evaluate", "-"], stdin='{"consent": "given", "consent": "x"}')
    assert (code, err) == (2, "error: consent: given more than once\n")


def test_usage_errors_are_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, ["evaluate"])
    assert code == 2 and err.count("\n") == 1 and err.startswith("error: usage:")


def test_it_lists_the_catalogue_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, ["bases", "--json"])
    assert code == 0
    rows = json.loads(out)
    assert {"id", "title", "family", "without_consent"} <= rows[0].keys()
    assert any(r["id"] == "dpa-sch1-para18" and r["without_consent"] for r in rows)
    code, out, _ = run(capsys, ["bases"])
    assert code == 0 and "art6-e-public-task" in out


def test_check_reports_every_problem_with_its_location(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    text = (SHIPPED / "hmg-2024.yaml").read_text().replace("id: hmg-2024", "id: local")
    bad.write_text(text.replace("cite: rule-record", "cite: nowhere"))
    code, out, _ = run(capsys, ["check", str(bad), str(SHIPPED / "hmg-2018.yaml")])
    assert code == 1
    lines = out.splitlines()
    assert (
        f"{bad}: outcomes.do_not_share.cite: unknown citation 'nowhere'; add it under citations"
        in lines
    )
    assert sum("unknown citation 'nowhere'" in line for line in lines) > 3
    assert lines[-1].endswith("hmg-2018.yaml: ok")


def test_partnership_policies_come_from_the_environment(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SAFESHARE_POLICY_DIRS", str(FIXTURES / "partnership"))
    code, out, _ = run(capsys, ["policies", "--json"])
    assert code == 0
    assert "example-partnership" in {p["id"] for p in json.loads(out)}
    answers = json.dumps({"discussed_with_lead": False})
    code, out, _ = run(capsys, ["evaluate", "--policy", "example-partnership", "-"], answers)
    assert code == 0 and json.loads(out)["policy"]["version"] == "2"
    # The shipped policy rejects the partnership's extra answer key.
    code, _, err = run(capsys, ["evaluate", "-"], answers)
    assert (code, err) == (
        2,
        "error: discussed_with_lead: unknown answer key 'discussed_with_lead'\n",
    )


def test_a_broken_partnership_directory_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "broken.yaml").write_text("id: x\n")
    monkeypatch.setenv("SAFESHARE_POLICY_DIRS", str(tmp_path))
    code, _, err = run(capsys, ["evaluate", "-"], "{}")
    assert code == 2 and err.count("\n") == 1 and "broken.yaml" in err


def test_the_module_runs_as_a_script(tmp_path: Path) -> None:
    env = {**os.environ, "SAFESHARE_POLICY_DIRS": ""}
    result = subprocess.run(
        [sys.executable, "-m", "safeshare.guidance.cli", "evaluate", "-"],
        input=json.dumps({"immediate_risk": True}),
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["outcome"] == "share_urgently"
    result = subprocess.run(
        [sys.executable, "-m", "safeshare.guidance.cli", "evaluate", "-"],
        input='{"lawful_bases": ["foo"]}',
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    assert (result.returncode, result.stderr) == (
        2,
        "error: lawful_bases: unknown lawful basis id 'foo'\n",
    )
