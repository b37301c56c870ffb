"""Loading, validating and finding policy files."""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from safeshare.guidance import (
    DEFAULT_POLICY_ID,
    PolicyError,
    available_policies,
    check_policy_file,
    evaluate,
    load_policy,
    load_policy_file,
)
from safeshare.guidance.loading import SHIPPED_POLICY_DIR

FIXTURES = Path(__file__).parent / "fixtures"
PARTNERSHIP_DIR = FIXTURES / "partnership"
BASE: dict[str, Any] = yaml.safe_load((SHIPPED_POLICY_DIR / "hmg-2024.yaml").read_text())


def write(tmp_path: Path, change: Callable[[dict[str, Any]], object], name: str = "p.yaml") -> Path:
    data = copy.deepcopy(BASE)
    data["id"] = "test-policy"
    change(data)
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(PolicyError) as info:
        load_policy_file(path)
    assert info.value.problems, "a policy error lists its problems"
    return [str(p) for p in info.value.problems]


def question(data: dict[str, Any], qid: str) -> dict[str, Any]:
    return next(q for q in data["questions"] if q["id"] == qid)


def test_shipped_policies_load_with_their_metadata() -> None:
    for policy in available_policies():
        path = Path(policy.path)
        assert policy.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
        assert policy.title and policy.source_edition and policy.date
        assert policy.answer_keys >= {
            "immediate_risk",
            "legitimate_purpose",
            "identifiable",
            "consent",
            "lawful_bases",
            "special_category",
            "unsure",
        }
        assert check_policy_file(path) == []
    assert load_policy().id == DEFAULT_POLICY_ID == "hmg-2024"


def test_it_caches_parsed_policies() -> None:
    assert load_policy("hmg-2018") is load_policy("hmg-2018")


def test_an_unknown_policy_is_a_policy_error() -> None:
    with pytest.raises(PolicyError, match="unknown policy 'nope'"):
        load_policy("nope")


def test_every_question_has_gov_uk_wording_and_a_citation() -> None:
    for policy in available_policies():
        for q in policy.questions.values():
            assert q.text.endswith("?")
            assert q.error.startswith("Select")
            assert q.citation.source and q.citation.section
            assert q.options


def test_unverified_wording_is_marked() -> None:
    policy = load_policy("hmg-2024")
    assert not policy.citations["rule-record"].verified
    assert not policy.questions["legitimate_purpose"].citation.verified
    assert policy.questions["immediate_risk"].citation.verified


def test_a_partnership_policy_adds_a_question_and_contacts() -> None:
    policy = load_policy("example-partnership", extra_dirs=[PARTNERSHIP_DIR])
    assert "discussed_with_lead" in policy.questions
    assert "discussed_with_lead" in policy.answer_keys
    assert policy.contacts[0].phone
    answers = {
        "immediate_risk": False,
        "legitimate_purpose": "yes",
        "identifiable": True,
        "consent": "refused",
    }
    assert evaluate(policy, answers).next_question is policy.questions["discussed_with_lead"]
    result = evaluate(policy, {**answers, "discussed_with_lead": False})
    assert result.outcome == "seek_advice"
    assert result.contacts == policy.contacts
    result = evaluate(policy, {**answers, "discussed_with_lead": True})
    assert result.next_question is policy.questions["special_category"]
    # The shipped policies do not know the partnership's question.
    assert "discussed_with_lead" not in load_policy("hmg-2024").answer_keys


def test_the_newest_version_is_loaded_and_older_ones_stay_available(tmp_path: Path) -> None:
    def v(n: str) -> Callable[[dict[str, Any]], object]:
        return lambda d: d.update(version=n)

    write(tmp_path, v("1.9"), "a.yaml")
    write(tmp_path, v("1.10"), "b.yaml")
    assert load_policy("test-policy", extra_dirs=[tmp_path]).version == "1.10"
    old = load_policy("test-policy", version="1.9", extra_dirs=[tmp_path])
    assert old.version == "1.9"


def test_a_partnership_file_cannot_reuse_a_shipped_id_and_version(tmp_path: Path) -> None:
    write(tmp_path, lambda d: d.update(id="hmg-2024", version="2"))
    with pytest.raises(PolicyError, match="already defined"):
        available_policies([tmp_path])
    assert any("already shipped" in str(p) for p in check_policy_file(tmp_path / "p.yaml"))


def test_two_partnership_files_with_the_same_id_and_version_clash(tmp_path: Path) -> None:
    write(tmp_path, lambda d: None, "a.yaml")
    write(tmp_path, lambda d: None, "b.yaml")
    with pytest.raises(PolicyError, match="already defined"):
        available_policies([tmp_path])


CASES: list[tuple[str, Callable[[dict[str, Any]], object], str]] = [
    ("typo in a field", lambda d: d["questions"][2].update(hnt="x"), "questions[2].hnt: Extra"),
    ("missing title", lambda d: d.pop("title"), "title: Field required"),
    (
        "bad outcome name",
        lambda d: question(d, "legitimate_purpose")["options"][1]["then"].update(outcome="maybe"),
        "questions[1].options[1].then.outcome",
    ),
    (
        "immediate risk not first",
        lambda d: d["questions"].insert(0, d["questions"].pop(1)),
        "questions[0].id: the first question must be immediate_risk",
    ),
    (
        "unknown next question",
        lambda d: question(d, "identifiable")["options"][0].update(then={"next": "nowhere"}),
        "questions[2].options[0].then.next: unknown question 'nowhere'",
    ),
    (
        "backward route",
        lambda d: question(d, "consent")["options"][0].update(then={"next": "identifiable"}),
        "questions[3].options[0].then.next: 'identifiable' must come after 'consent'",
    ),
    (
        "unknown citation",
        lambda d: question(d, "consent").update(cite="nope"),
        "questions[3].cite: unknown citation 'nope'",
    ),
    (
        "consent option missing",
        lambda d: question(d, "consent")["options"].pop(),
        "questions[3].options: consent must offer exactly these values",
    ),
    (
        "no purpose must not share",
        lambda d: question(d, "legitimate_purpose")["options"][1]["then"].update(
            outcome="seek_advice"
        ),
        "the answer 'no' to legitimate_purpose must lead to do_not_share",
    ),
    (
        "a share outcome from the wrong question",
        lambda d: question(d, "special_category")["options"][1].update(then={"outcome": "share"}),
        "share can only follow identifiable",
    ),
    (
        "skipping the legitimate purpose",
        lambda d: question(d, "immediate_risk")["options"][1].update(then={"next": "identifiable"}),
        "must pass through legitimate_purpose",
    ),
    (
        "an extra question that opens a route to sharing",
        lambda d: d["questions"].insert(
            4,
            {
                "id": "local",
                "kind": "yes_no",
                "text": "Local?",
                "error": "Select yes",
                "cite": "rule-record",
                "options": [
                    {"value": "yes", "then": {"outcome": "share_with_consent"}},
                    {"value": "no"},
                ],
            },
        ),
        "questions[4].options[0].then.outcome: a question of your own can only lead",
    ),
    (
        "unknown lawful basis offered",
        lambda d: question(d, "lawful_bases").update(options=[{"value": "art99"}]),
        "questions[6].options[0].value: unknown lawful basis 'art99'",
    ),
    (
        "an answer the service fills asked as a question",
        lambda d: question(d, "identifiable").update(id="public_authority"),
        "questions[2].id: 'public_authority' is an answer the service fills, not a question",
    ),
    (
        "criminal offence data asked as a choice",
        lambda d: question(d, "criminal_offence_data").update(kind="choice"),
        "criminal_offence_data must be a yes_no question",
    ),
    (
        "weighing the bases without asking about criminal offence data",
        lambda d: question(d, "special_category")["options"][1].update(
            then={"next": "lawful_bases"}
        ),
        "every route to lawful_bases must pass through criminal_offence_data",
    ),
    (
        "criminal offence data leading to sharing",
        lambda d: question(d, "criminal_offence_data")["options"][1].update(
            then={"outcome": "share_without_consent"}
        ),
        "a question of your own can only lead to another question, do_not_share or seek_advice",
    ),
    (
        "an adult reason without a reason",
        lambda d: question(d, "identifiable")["options"][1]["then"].update(
            reason=None, adult_reason="The information does not identify the adult."
        ),
        "adult_reason needs a reason beside it",
    ),
    (
        "a condition on an impossible adult answer",
        lambda d: d["warnings"][0].update(when={"answers": {"subject_is_adult": ["maybe"]}}),
        "warnings[0].when.answers.subject_is_adult: 'maybe' is not an answer",
    ),
    (
        "an outcome without wording",
        lambda d: d["outcomes"].pop("share"),
        "outcomes.share: missing",
    ),
    (
        "a condition on an unknown answer",
        lambda d: d["warnings"][0].update(when={"answers": {"colour": ["red"]}}),
        "warnings[0].when.answers.colour",
    ),
    (
        "a condition on an impossible answer",
        lambda d: d["warnings"][0].update(when={"answers": {"consent": ["maybe"]}}),
        "warnings[0].when.answers.consent: 'maybe' is not an answer to consent",
    ),
    ("a reserved question id", lambda d: d["questions"][3].update(id="unsure"), "reserved"),
    ("a bad version", lambda d: d.update(version="v2"), "version: String should match"),
]


@pytest.mark.parametrize(("change", "expected"), [pytest.param(c, e, id=n) for n, c, e in CASES])
def test_it_reports_problems_with_their_location(
    tmp_path: Path, change: Callable[[dict[str, Any]], object], expected: str
) -> None:
    found = problems(write(tmp_path, change))
    assert any(expected in p for p in found), found


def test_it_reports_every_problem_at_once(tmp_path: Path) -> None:
    def change(d: dict[str, Any]) -> None:
        question(d, "consent").update(cite="nope")
        question(d, "identifiable").update(cite="nope2")
        d["outcomes"].pop("share")

    found = problems(write(tmp_path, change))
    assert len(found) >= 3


def test_duplicate_yaml_keys_are_reported_with_their_line(tmp_path: Path) -> None:
    path = tmp_path / "dup.yaml"
    path.write_text("id: a\nid: b\n")
    assert problems(path) == ["line 2, column 1: duplicate key 'id'"]


def test_broken_yaml_and_empty_files_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("id: [unclosed\n")
    assert problems(path)[0].startswith("line ")
    path.write_text("")
    assert problems(path) == ["a policy file must be a YAML mapping"]


def test_a_missing_file_is_a_policy_error(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="cannot read"):
        load_policy_file(tmp_path / "missing.yaml")
