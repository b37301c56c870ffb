"""Recorded decisions for the demonstration partnership, made through the actions."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from safeshare.accounts.models import Organisation, User
from safeshare.decisions import actions, signoff
from safeshare.decisions.completeness import PRINCIPLES
from safeshare.requests import actions as request_actions
from safeshare.subjects.models import Person
from safeshare.vocabulary.models import Purpose


def _about(
    purpose: str, text: str, *, request: dict[str, Any] | None = None, urgency: str = "standard"
) -> dict[str, Any]:
    values: dict[str, Any] = {
        "kind": "request" if request else "proactive",
        "purpose_category": Purpose.objects.get(name=purpose),
        "purpose": text,
        "urgency": urgency,
        "requester_name": "",
        "requester_role": "",
        "requester_organisation": "",
        "request_method": "",
        "request_received_at": None,
        "requester_verification": "",
    }
    values.update(request or {})
    return values


def _answer(user: User, decision: Any, answers: list[tuple[str, Any]]) -> Any:
    for question_id, value in answers:
        decision = actions.answer_question(
            actor=user, decision=decision, question_id=question_id, submitted=value
        )
    return decision


def record_demo_decisions() -> None:
    teacher = User.objects.get(username="school.teacher")
    dsl = User.objects.get(username="school.dsl")
    gp = User.objects.get(username="gp.gp")
    lily = Person.objects.get(
        organisation=teacher.organisation, given_names="Lily", family_name="Morgan"
    )
    kerry = Person.objects.get(
        organisation=teacher.organisation, given_names="Kerry", family_name="Morgan"
    )
    oliver = Person.objects.get(
        organisation=teacher.organisation, given_names="Oliver", family_name="Novak"
    )
    ava = Person.objects.get(organisation=gp.organisation, given_names="Ava", family_name="Bennett")
    now = timezone.now()
    last_week = timezone.localdate() - datetime.timedelta(days=7)

    # Children's social care asks the school through safeshare for a section 47 enquiry;
    # the school shares without consent, in the system: a disclosure to the social worker
    # by name (disclosures/demo.py sends it), never the request page.
    social_worker = User.objects.get(username="csc.sw")
    school = Organisation.objects.get(name="Riverside Primary School")
    asked = request_actions.raise_request(
        actor=social_worker,
        to_organisation=school,
        details={
            "subject_details": "Lily Morgan, born 12 April 2017, Year 4, and her mother Kerry Morgan",
            "purpose_category": Purpose.objects.get(name="Section 47 enquiry (child protection)"),
            "purpose": "Section 47 enquiry by children's social care after a disclosure by Lily.",
            "information_needed": "Any injuries seen at school this term, and how Lily has seemed.",
            "why_needed": "To decide whether Lily is suffering, or likely to suffer, significant harm.",
            "urgency": "urgent",
            "statutory_basis": "ca1989_s47",
            "statutory_basis_detail": "",
        },
    )
    d = actions.answer_request(actor=dsl, request=asked, subject=lily)
    actions.set_subjects(actor=dsl, decision=d, people=[lily, kerry])
    d = _answer(
        dsl,
        d,
        [
            ("immediate_risk", "no"),
            ("legitimate_purpose", "yes"),
            ("identifiable", "yes"),
            ("consent", "not_sought"),
            ("special_category", "no"),
            ("lawful_bases", ["art6-e-public-task"]),
        ],
    )
    for text, nature, opinion_of, source in [
        (
            "Lily had a bruise on her left forearm on arrival on Monday.",
            "fact",
            "",
            "Class teacher's observation",
        ),
        (
            "Lily seems anxious at home time since September.",
            "opinion",
            "Amira Khan, class teacher",
            "Class teacher",
        ),
    ]:
        actions.save_item(
            actor=dsl,
            decision=d,
            values={
                "text": text,
                "nature": nature,
                "opinion_of": opinion_of,
                "currency": "current",
                "source": source,
                "about": lily,
            },
        )
    actions.update_section(
        actor=dsl,
        decision=d,
        section="consent",
        values={"consent_status": "not_sought", "consent_not_sought_reason": "prejudice"},
    )
    actions.update_section(
        actor=dsl,
        decision=d,
        section="principles",
        values={
            key: f"{title}: two items, only what the enquiry needs."
            for key, title, _h in PRINCIPLES
        },
    )
    actions.update_section(
        actor=dsl,
        decision=d,
        section="recipient",
        values={
            "recipient_organisation": Organisation.objects.get(
                name="Northshire Children's Social Care"
            ),
            "recipient_name": "Tom Barker",
            "recipient_role": "Social worker",
            "recipient_contact": social_worker.email,
            "recipient_verification": "directory",
            "channel": "in_system",
            "shared_at": now,
            "shares_all_requested": True,
        },
    )
    d = actions.update_section(
        actor=dsl,
        decision=d,
        section="transparency",
        values={
            "subject_informed": False,
            "not_informed_reason": "prejudice",
            "inform_review_on": timezone.localdate() + datetime.timedelta(days=14),
        },
    )
    d = actions.finalise_decision(actor=dsl, decision=d)
    if d.is_awaiting_sign_off:
        # Sharing without consent is signed off (the policy's sign_off rules): by the
        # deputy, since nobody signs off their own decision.
        signoff.approve(actor=User.objects.get(username="school.deputy"), decision=d)

    # The school declines a request without a clear purpose, and records the discussion.
    d = actions.start_decision(actor=teacher, subject=oliver)
    actions.update_section(
        actor=teacher,
        decision=d,
        section="about",
        values=_about(
            "Other",
            "A caller asked for Oliver's attendance record without saying why.",
            request={
                "requester_name": "Unknown caller",
                "requester_role": "Said they were a family support worker",
                "requester_organisation": "Not confirmed",
                "request_method": "phone",
                "request_received_at": now - datetime.timedelta(days=2),
                "requester_verification": "Could not be verified: no call-back number given.",
            },
        ),
    )
    d = _answer(teacher, d, [("immediate_risk", "no"), ("legitimate_purpose", "no")])
    d = actions.update_section(
        actor=teacher,
        decision=d,
        section="not_sharing",
        values={
            "not_sharing_reasons": "No purpose was given and the caller's identity could not be checked.",
            "discussed_on": last_week,
            "discussion_method": "phone",
            "requester_response": "Said they would put the request in writing through the early help team.",
        },
    )
    actions.finalise_decision(actor=teacher, decision=d)

    # A GP seeks advice before deciding.
    d = actions.start_decision(actor=gp, subject=ava)
    actions.update_section(
        actor=gp,
        decision=d,
        section="about",
        values=_about(
            "Health care of the child",
            "Whether to tell the health visitor about missed appointments.",
        ),
    )
    d = _answer(gp, d, [("immediate_risk", "no"), ("legitimate_purpose", "unsure")])
    d = actions.update_section(
        actor=gp,
        decision=d,
        section="advice",
        values={
            "advice_sought": True,
            "adviser_name": "Dr Samuel Adeyemi",
            "adviser_role": "Safeguarding lead GP",
            "adviser_organisation": "Ashby Road Medical Practice",
            "advised_on": last_week,
            "advice": "Share the pattern of missed appointments with the health visitor; no clinical detail.",
        },
    )
    actions.finalise_decision(actor=gp, decision=d)
