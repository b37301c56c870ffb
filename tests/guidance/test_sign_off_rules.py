"""The `sign_off` section of a policy file: its shape, the compiler's checks, and which
decisions its rules cover (decisions/signoff.py applies them)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any, get_args

import pytest
import yaml

from safeshare.decisions.models import ConsentStatus
from safeshare.guidance import PolicyError, first_covering, load_policy, load_policy_file
from safeshare.guidance.loading import SHIPPED_POLICY_DIR
from safeshare.guidance.schema import ConsentValue, UrgencyValue
from safeshare.vocabulary.models import Urgency

BASE: dict[str, Any] = yaml.safe_load((SHIPPED_POLICY_DIR / "hmg-2024.yaml").read_text())

RULE = {"outcomes": ["share_without_consent"], "reason": "Local procedure", "cite": "rule-record"}


def write(tmp_path: Path, sign_off: Any) -> Path:
    data = copy.deepcopy(BASE)
    data["id"] = "test-policy"
    data["sign_off"] = sign_off
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(PolicyError) as info:
        load_policy_file(path)
    return [str(p) for p in info.value.problems]


def facts(**extra: Any) -> dict[str, Any]:
    return {
        "outcome": "share",
        "consent": "",
        "in_response_to_request": False,
        "urgency": "standard",
        **extra,
    }


def test_the_vocabulary_is_the_decision_records() -> None:
    assert set(get_args(ConsentValue)) == set(ConsentStatus.values)
    assert set(get_args(UrgencyValue)) == set(Urgency.values)


@pytest.mark.parametrize("policy_id", ["hmg-2018", "hmg-2024"])
def test_the_shipped_policies_ask_for_sign_off_and_review(policy_id: str) -> None:
    policy = load_policy(policy_id)
    assert policy.version == "3"
    before = policy.sign_off_before_final
    rule = first_covering(before, **facts(outcome="share_without_consent"))
    assert rule is not None and rule.where == "sign_off.before_final[0]"
    assert rule.reason.citation.source
    refusal = first_covering(before, **facts(outcome="do_not_share", in_response_to_request=True))
    assert refusal is not None and refusal.where == "sign_off.before_final[1]"
    assert first_covering(before, **facts(outcome="do_not_share")) is None
    assert first_covering(before, **facts(outcome="share_with_consent")) is None
    review = first_covering(policy.review_after, **facts(outcome="share_urgently"))
    assert review is not None and review.within_working_days == 1
    immediate = first_covering(policy.review_after, **facts(urgency="immediate"))
    assert immediate is not None and immediate.within_working_days == 1
    assert first_covering(policy.review_after, **facts()) is None


@pytest.mark.parametrize("policy_id", ["hmg-2018", "hmg-2024"])
def test_version_2_is_still_shipped_without_sign_off(policy_id: str) -> None:
    """An activation of version 2 keeps its file (and so its sha256): existing
    deployments are not stopped by the new version."""
    old = load_policy(policy_id, version="2")
    assert old.sign_off_before_final == () and old.review_after == ()
    assert old.sha256 != load_policy(policy_id).sha256


def test_a_partnership_can_change_the_rules(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        {
            "before_final": [
                {**RULE, "outcomes": ["sharing"], "consent": ["refused", "withdrawn"]},
            ],
            "review_after": [
                {**RULE, "outcomes": ["decided"], "urgency": ["urgent"], "within_working_days": 3}
            ],
        },
    )
    policy = load_policy_file(path)
    before = policy.sign_off_before_final
    assert first_covering(before, **facts(consent="refused")) is not None
    assert first_covering(before, **facts(outcome="share_without_consent")) is None
    assert first_covering(before, **facts(outcome="do_not_share", consent="refused")) is None
    review = first_covering(policy.review_after, **facts(outcome="do_not_share", urgency="urgent"))
    assert review is not None and review.within_working_days == 3


def test_no_section_means_no_sign_off(tmp_path: Path) -> None:
    data = copy.deepcopy(BASE)
    data["id"] = "test-policy"
    data.pop("sign_off")
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    policy = load_policy_file(path)
    assert policy.sign_off_before_final == () and policy.review_after == ()


@pytest.mark.parametrize(
    ("sign_off", "expected"),
    [
        ({"before_final": [{**RULE, "outcomes": []}]}, "sign_off.before_final[0].outcomes"),
        ({"before_final": [{**RULE, "outcomes": ["sometimes"]}]}, "sign_off.before_final[0]"),
        (
            {"before_final": [{**RULE, "outcomes": ["incomplete"]}]},
            "sign_off.before_final[0].outcomes: incomplete is not a decision",
        ),
        (
            {"before_final": [{**RULE, "consent": ["maybe"]}]},
            "sign_off.before_final[0].consent[0]",
        ),
        (
            {"before_final": [{**RULE, "urgency": ["soon"]}]},
            "sign_off.before_final[0].urgency[0]",
        ),
        (
            {"before_final": [{**RULE, "cite": "nowhere"}]},
            "sign_off.before_final[0].cite: unknown citation 'nowhere'",
        ),
        ({"before_final": [{**RULE, "when": "always"}]}, "sign_off.before_final[0].when"),
        ({"before_final": [{**RULE, "reason": ""}]}, "sign_off.before_final[0].reason"),
        (
            {"before_final": [{**RULE, "outcomes": ["share", "share"]}]},
            "sign_off.before_final[0].outcomes: a value is listed twice",
        ),
        ({"review_after": [RULE]}, "sign_off.review_after[0].within_working_days"),
        (
            {"review_after": [{**RULE, "within_working_days": 0}]},
            "sign_off.review_after[0].within_working_days",
        ),
        ({"after": []}, "sign_off.after"),
    ],
)
def test_mistakes_are_reported_with_their_key(
    tmp_path: Path, sign_off: dict[str, Any], expected: str
) -> None:
    found = problems(write(tmp_path, sign_off))
    assert any(p.startswith(expected) for p in found), found
