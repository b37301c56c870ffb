"""What each outcome needs before it can be finalised."""

from __future__ import annotations

import datetime

import pytest

from safeshare.accounts.models import User
from safeshare.decisions import actions, queries
from safeshare.decisions.completeness import item_problems
from safeshare.decisions.models import InformationItem
from safeshare.subjects.models import Person
from tests.factories.decisions import DecisionFactory

pytestmark = pytest.mark.django_db


def missing(decision: object) -> list[str]:
    return [p.message for p in queries.problems_for(decision)]  # type: ignore[arg-type]


def test_a_complete_draft_has_no_problems(practitioner: User, person: Person) -> None:
    for outcome in [
        "share_with_consent",
        "share_without_consent",
        "do_not_share",
        "seek_advice",
        "share",
        "share_urgently",
    ]:
        assert (
            missing(
                DecisionFactory.create(started_by=practitioner, subject=person, leads_to=outcome)
            )
            == []
        ), outcome


def test_share_without_consent_needs_the_reason_consent_was_not_sought(
    practitioner: User, person: Person
) -> None:
    decision = DecisionFactory.create(
        started_by=practitioner, subject=person, share_without_consent=True
    )
    decision = actions.update_section(
        actor=practitioner,
        decision=decision,
        section="consent",
        values={"consent_status": "not_sought", "consent_not_sought_reason": ""},
    )
    assert missing(decision) == ["Select why consent was not sought"]


def test_share_without_consent_cannot_rest_on_consent_that_was_given(
    practitioner: User, person: Person
) -> None:
    decision = DecisionFactory.create(
        started_by=practitioner, subject=person, share_without_consent=True
    )
    decision = actions.update_section(
        actor=practitioner, decision=decision, section="consent", values={"consent_status": "given"}
    )
    assert any(m.startswith("Consent was given") for m in missing(decision))


def test_share_with_consent_needs_who_when_how_and_scope(
    practitioner: User, person: Person
) -> None:
    decision = DecisionFactory.create(
        started_by=practitioner, subject=person, share_with_consent=True
    )
    decision = actions.update_section(
        actor=practitioner,
        decision=decision,
        section="consent",
        values={
            "consent_from": "",
            "consent_asked_on": None,
            "consent_method": "",
            "consent_scope": "",
        },
    )
    assert missing(decision) == [
        "Enter who gave consent",
        "Enter the date consent was given",
        "Select how consent was given",
        "Enter what the person agreed to be shared, and with whom",
    ]


def test_do_not_share_needs_reasons_and_the_discussion_with_the_requester(
    practitioner: User, person: Person
) -> None:
    decision = DecisionFactory.create(
        started_by=practitioner, subject=person, do_not_share=True, requested=True
    )
    decision = actions.update_section(
        actor=practitioner,
        decision=decision,
        section="not_sharing",
        values={
            "not_sharing_reasons": "",
            "discussed_on": None,
            "discussion_method": "",
            "requester_response": "",
        },
    )
    assert missing(decision) == [
        "Enter the reasons for not sharing",
        "Enter the date you discussed the reasons with the requester",
        "Select how you discussed them",
        "Enter the requester's response",
    ]


def test_a_proactive_refusal_needs_no_discussion(practitioner: User, person: Person) -> None:
    decision = DecisionFactory.create(started_by=practitioner, subject=person, do_not_share=True)
    decision = actions.update_section(
        actor=practitioner,
        decision=decision,
        section="not_sharing",
        values={"discussed_on": None, "discussion_method": "", "requester_response": ""},
    )
    assert missing(decision) == []


def test_seek_advice_needs_the_advisers_name_and_role(practitioner: User, person: Person) -> None:
    decision = DecisionFactory.create(started_by=practitioner, subject=person, seek_advice=True)
    decision = actions.update_section(
        actor=practitioner,
        decision=decision,
        section="advice",
        values={"adviser_name": "", "adviser_role": ""},
    )
    assert missing(decision) == [
        "Enter the name of the person who advised you",
        "Enter the adviser's role",
    ]


def test_sharing_needs_items_principles_recipient_and_transparency(
    practitioner: User, person: Person
) -> None:
    decision = actions.start_decision(actor=practitioner, subject=person)
    from tests.factories.decisions import ANSWERS, about

    decision = actions.update_section(
        actor=practitioner, decision=decision, section="about", values=about()
    )
    for question_id, value in ANSWERS["share"]:
        decision = actions.answer_question(
            actor=practitioner, decision=decision, question_id=question_id, submitted=value
        )
    problems = missing(decision)
    assert "Add the information you are sharing" in problems
    assert "Explain how sharing is necessary and proportionate" in problems
    assert "Enter the name of the person receiving the information" in problems
    assert "Select how you checked the recipient's identity and contact details" in problems
    assert "Select whether the person or family has been told" in problems


def test_a_request_needs_who_asked_and_how_they_were_checked(
    practitioner: User, person: Person
) -> None:
    decision = DecisionFactory.create(
        started_by=practitioner, subject=person, share=True, requested=True
    )
    decision = actions.update_section(
        actor=practitioner,
        decision=decision,
        section="about",
        values={"requester_name": "", "requester_verification": "", "request_received_at": None},
    )
    assert missing(decision) == [
        "Enter the name of the person who asked for the information",
        "Enter when the request was received",
        "Enter how you checked the requester's identity",
    ]


def test_not_telling_the_family_needs_a_reason_and_a_review_date(
    practitioner: User, person: Person
) -> None:
    decision = DecisionFactory.create(started_by=practitioner, subject=person, share=True)
    decision = actions.update_section(
        actor=practitioner,
        decision=decision,
        section="transparency",
        values={"subject_informed": False, "not_informed_reason": "", "inform_review_on": None},
    )
    assert missing(decision) == [
        "Select why they have not been told",
        "Enter a date to review whether they can be told",
    ]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"nature": "opinion", "opinion_of": ""}, "Item 1: enter whose opinion it is"),
        (
            {"currency": "historical", "relates_to": None},
            "Item 1: enter the date the historical information relates to",
        ),
        (
            {"identifies_third_party": True},
            "Item 1: say whether the other person's details have been removed or are needed",
        ),
        (
            {"identifies_third_party": True, "third_party_action": "justified"},
            "Item 1: explain why the other person's details must be shared",
        ),
    ],
)
def test_each_item_must_say_fact_or_opinion_and_protect_third_parties(
    changes: dict[str, object], expected: str
) -> None:
    item = InformationItem(text="x", nature="fact", currency="current", source="GP record")
    for name, value in changes.items():
        setattr(item, name, value)
    assert item_problems(item, 1) == [expected]


@pytest.mark.parametrize(
    ("urgency", "hours_ago", "late"),
    [
        ("immediate", 6, True),  # target: 4 clock hours
        ("immediate", 2, False),
        ("urgent", 24 * 10, True),  # target: 1 working day; ten days is late whatever the calendar
        ("standard", 24 * 10, False),  # only immediate and urgent decisions are flagged
    ],
)
def test_urgent_decisions_that_took_longer_than_the_target_are_flagged(
    practitioner: User, person: Person, urgency: str, hours_ago: int, late: bool
) -> None:
    from tests.factories.decisions import about

    decision = DecisionFactory.create(
        started_by=practitioner, subject=person, share=True, requested=True
    )
    received = datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=hours_ago)
    decision = actions.update_section(
        actor=practitioner,
        decision=decision,
        section="about",
        values={**about("request"), "urgency": urgency, "request_received_at": received},
    )
    finalised = actions.finalise_decision(actor=practitioner, decision=decision)
    timeliness = finalised.timeliness
    assert timeliness is not None
    assert timeliness.late is late
    assert timeliness.took_text.startswith(
        f"{hours_ago // 24} days" if hours_ago >= 24 else f"{hours_ago} hours"
    )
