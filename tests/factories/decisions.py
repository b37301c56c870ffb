# (factory_boy's declarations are untyped, as for tests.factories in pyproject.toml.)
"""Decisions and consent withdrawals, made only through the actions: a finalised decision
has its explanation, its digests and its ledger entries as a practitioner's would.

    DecisionFactory.create(started_by=practitioner, subject=person)      # a "share" draft
    DecisionFactory.create(do_not_share=True, finalised=True, ...)       # a refusal
    DecisionFactory.create(leads_to=outcome, finalised=True, ...)        # any outcome
    DecisionFactory.create(amended=True, ...)   # finalised, then superseded by an amendment
    DecisionFactory.create(reconsidered=True, ...)  # a refusal with a reconsideration begun
    DecisionFactory.create(awaiting_sign_off=True, share_without_consent=True, ...)
        # finalised by the practitioner, waiting for a manager's sign-off (its policy's
        # sign_off rules); `finalised=True` alone has a manager sign it off when it waits
    ConsentWithdrawalFactory.create(decision=consented)
"""

from __future__ import annotations

import datetime
from typing import Any

import factory
from django.utils import timezone

from safeshare.accounts.models import User
from safeshare.decisions import actions, signoff
from safeshare.decisions.completeness import PRINCIPLES
from safeshare.decisions.models import ConsentWithdrawal, Decision
from safeshare.subjects.models import Person
from safeshare.vocabulary.models import Purpose
from tests.factories import PersonFactory, UserFactory

# The guided answers that lead to each outcome.
ANSWERS: dict[str, list[tuple[str, str | list[str]]]] = {
    "share_urgently": [("immediate_risk", "yes")],
    "share": [("immediate_risk", "no"), ("legitimate_purpose", "yes"), ("identifiable", "no")],
    "share_with_consent": [
        ("immediate_risk", "no"),
        ("legitimate_purpose", "yes"),
        ("identifiable", "yes"),
        ("consent", "given"),
    ],
    "share_without_consent": [
        ("immediate_risk", "no"),
        ("legitimate_purpose", "yes"),
        ("identifiable", "yes"),
        ("consent", "not_appropriate"),
        ("special_category", "no"),
        ("lawful_bases", ["art6-e-public-task"]),
    ],
    "do_not_share": [("immediate_risk", "no"), ("legitimate_purpose", "no")],
    "seek_advice": [("immediate_risk", "no"), ("legitimate_purpose", "unsure")],
}
SHARING = {"share_urgently", "share", "share_with_consent", "share_without_consent"}

YESTERDAY = datetime.date.today() - datetime.timedelta(days=1)

# The one item a sharing decision records (shown only on the disclosure's own page).
ITEM_TEXT = "Lily arrived at school with a bruise on her left forearm on 3 November."


def about(kind: str = "proactive", **extra: Any) -> dict[str, Any]:
    """The "about" section: a proactive share, or a request received by phone."""
    values: dict[str, Any] = {
        "kind": kind,
        "purpose_category": Purpose.objects.get(name="Early help assessment"),
        "purpose": "Early help assessment for the family",
        "urgency": "standard",
        "requester_name": "",
        "requester_role": "",
        "requester_organisation": "",
        "request_method": "",
        "request_received_at": None,
        "requester_verification": "",
    }
    if kind == "request":
        values.update(
            requester_name="Tom Barker",
            requester_role="Social worker",
            requester_organisation="Northshire Children's Social Care",
            request_method="phone",
            request_received_at=timezone.now() - datetime.timedelta(hours=2),
            requester_verification="Called back on the council switchboard",
        )
    values.update(extra)
    return values


def sharing_sections(decision: Decision, user: User, person: Person) -> Decision:
    """What a sharing outcome needs: one item, the principles, the recipient (Tom Barker by
    secure email) and transparency."""
    actions.save_item(
        actor=user,
        decision=decision,
        values={
            "text": ITEM_TEXT,
            "nature": "fact",
            "opinion_of": "",
            "currency": "current",
            "relates_to": None,
            "source": "Class teacher's observation",
            "about": person,
            "special_category": False,
            "identifies_third_party": False,
            "third_party_action": "",
            "third_party_justification": "",
        },
    )
    decision = actions.update_section(
        actor=user,
        decision=decision,
        section="principles",
        values={key: f"{title}: justified for this purpose." for key, title, _h in PRINCIPLES},
    )
    decision = actions.update_section(
        actor=user,
        decision=decision,
        section="recipient",
        values={
            "recipient_organisation": None,
            "recipient_organisation_name": "Northshire Children's Social Care",
            "recipient_name": "Tom Barker",
            "recipient_role": "Social worker",
            "recipient_contact": "tom.barker@northshire.example",
            "recipient_verification": "called_back",
            "recipient_verification_detail": "",
            "channel": "secure_email",
            "shared_at": timezone.now(),
            "no_agreement_justification": "Recipient outside the partnership's agreements: a section 47 enquiry.",
        },
    )
    return actions.update_section(
        actor=user,
        decision=decision,
        section="transparency",
        values={
            "subject_informed": False,
            "informed_on": None,
            "informed_method": "",
            "informed_by": "",
            "not_informed_reason": "risk_of_harm",
            "not_informed_detail": "",
            "inform_review_on": datetime.date.today() + datetime.timedelta(days=14),
        },
    )


def _outcome_sections(decision: Decision, user: User, outcome: str) -> Decision:
    """The consent, not-sharing or advice section the outcome needs."""
    consent: dict[str, Any] = {
        "consent_from": "",
        "consent_asked_on": None,
        "consent_method": "",
        "consent_scope": "",
        "consent_not_sought_reason": "",
        "consent_detail": "",
    }
    if outcome == "share_with_consent":
        consent.update(
            consent_status="given",
            consent_from="Kerry Morgan, mother",
            consent_asked_on=YESTERDAY,
            consent_method="in_person",
            consent_scope="School attendance and wellbeing, with the early help team",
        )
        return actions.update_section(
            actor=user, decision=decision, section="consent", values=consent
        )
    if outcome == "share_without_consent":
        consent.update(consent_status="not_sought", consent_not_sought_reason="prejudice")
        return actions.update_section(
            actor=user, decision=decision, section="consent", values=consent
        )
    if outcome == "do_not_share":
        return actions.update_section(
            actor=user,
            decision=decision,
            section="not_sharing",
            values={
                "not_sharing_reasons": "No clear purpose was given for the request.",
                "discussed_on": YESTERDAY,
                "discussion_method": "phone",
                "requester_response": "Will come back with the purpose in writing.",
            },
        )
    if outcome == "seek_advice":
        return actions.update_section(
            actor=user,
            decision=decision,
            section="advice",
            values={
                "advice_sought": True,
                "adviser_name": "Peter Walsh",
                "adviser_role": "Designated safeguarding lead",
                "adviser_organisation": "Riverside Primary School",
                "advised_on": YESTERDAY,
                "advice": "Discuss with the local authority designated officer without naming the child.",
            },
        )
    return decision


def _in_system_recipient(decision: Decision, user: User, requester: User) -> Decision:
    """Shared "through safeshare" with the request's requester, by name."""
    return actions.update_section(
        actor=user,
        decision=decision,
        section="recipient",
        values={
            "recipient_organisation": requester.organisation,
            "recipient_organisation_name": "",
            "recipient_name": requester.display_name(),
            "recipient_role": "Police officer",
            "recipient_contact": requester.email,
            "channel": "in_system",
            "shares_all_requested": True,
        },
    )


class DecisionFactory(factory.django.DjangoModelFactory[Decision]):
    """A decision recorded through the actions by `started_by` about `subject`: a draft
    with everything its outcome (`leads_to`, or a trait of the same name) needs, finalised
    with `finalised=True`. With `request`, it answers that information request
    (decisions.actions.answer_request); `in_system=True` then shares through safeshare with
    the request's requester."""

    class Meta:
        model = Decision
        skip_postgeneration_save = True

    started_by = factory.SubFactory(UserFactory)
    subject = factory.SubFactory(
        PersonFactory, organisation=factory.SelfAttribute("..started_by.organisation")
    )
    leads_to = "share"
    kind = "proactive"
    request = None
    in_system = False
    finalise = False
    amend = False
    reconsider = False
    # Whether a decision its policy sends for sign-off is signed off by a manager.
    signed_off = True

    class Params:
        share_urgently = factory.Trait(leads_to="share_urgently")
        share = factory.Trait(leads_to="share")
        share_with_consent = factory.Trait(leads_to="share_with_consent")
        share_without_consent = factory.Trait(leads_to="share_without_consent")
        do_not_share = factory.Trait(leads_to="do_not_share")
        seek_advice = factory.Trait(leads_to="seek_advice")
        # About a request received by phone (the "about" section's requester).
        requested = factory.Trait(kind="request")
        finalised = factory.Trait(finalise=True)
        # Finalised, then corrected: an amendment (finalised too) supersedes it.
        amended = factory.Trait(finalise=True, amend=True)
        # A refusal, finalised, with a reconsideration (a draft) begun on new information.
        reconsidered = factory.Trait(leads_to="do_not_share", finalise=True, reconsider=True)
        # Finalised by the practitioner, and left waiting for sign-off (decisions/signoff.py).
        awaiting_sign_off = factory.Trait(
            leads_to="share_without_consent", finalise=True, signed_off=False
        )

    @classmethod
    def _create(cls, model_class: type[Decision], *args: Any, **kwargs: Any) -> Decision:

        user: User = kwargs.pop("started_by")
        person: Person = kwargs.pop("subject")
        outcome: str = kwargs.pop("leads_to")
        kind: str = kwargs.pop("kind")
        request = kwargs.pop("request")
        in_system: bool = kwargs.pop("in_system")
        finalise: bool = kwargs.pop("finalise")
        amend: bool = kwargs.pop("amend")
        reconsider: bool = kwargs.pop("reconsider")
        signed_off: bool = kwargs.pop("signed_off")
        if kwargs:
            raise TypeError(f"DecisionFactory does not set {sorted(kwargs)}")
        if request is not None:
            decision = actions.answer_request(actor=user, request=request, subject=person)
        else:
            decision = actions.start_decision(actor=user, subject=person)
            decision = actions.update_section(
                actor=user, decision=decision, section="about", values=about(kind)
            )
        for question_id, value in ANSWERS[outcome]:
            decision = actions.answer_question(
                actor=user, decision=decision, question_id=question_id, submitted=value
            )
        if outcome in SHARING:
            decision = sharing_sections(decision, user, person)
            if in_system:
                decision = _in_system_recipient(decision, user, request.requested_by)
            elif request is not None:
                decision = actions.update_section(
                    actor=user,
                    decision=decision,
                    section="recipient",
                    values={"shares_all_requested": True},
                )
        decision = _outcome_sections(decision, user, outcome)
        if not finalise:
            return decision
        decision = actions.finalise_decision(actor=user, decision=decision)
        if decision.is_awaiting_sign_off and signed_off:
            decision = sign_off(decision)
        if amend:
            draft = actions.amend_decision(actor=user, decision=decision)
            actions.update_section(
                actor=user,
                decision=draft,
                section="amendment",
                values={"amendment_reason": "Wrong recipient recorded"},
            )
            amendment = actions.finalise_decision(
                actor=user, decision=Decision.objects.get(pk=draft.pk)
            )
            if amendment.is_awaiting_sign_off:
                sign_off(amendment)
            decision = Decision.objects.get(pk=decision.pk)
        if reconsider:
            actions.reconsider_decision(
                actor=user, decision=decision, new_information="Section 47 enquiry opened"
            )
        return decision


def sign_off(decision: Decision) -> Decision:
    """Have a manager of the decision's organisation (made for it) sign it off."""
    manager = UserFactory.create(manager=True, organisation=decision.organisation)
    return signoff.approve(actor=manager, decision=decision)


class ConsentWithdrawalFactory(factory.django.DjangoModelFactory[ConsentWithdrawal]):
    """Consent withdrawn from a finalised decision that relied on it, recorded through the
    action (its ledger entry included) by the decision's practitioner."""

    class Meta:
        model = ConsentWithdrawal

    decision = factory.SubFactory(DecisionFactory, share_with_consent=True, finalised=True)
    recorded_by = factory.SelfAttribute("decision.started_by")
    withdrawn_by_name = "Kerry Morgan, mother"
    withdrawn_by_person = None
    withdrawn_on = factory.LazyFunction(datetime.date.today)
    method = "phone"
    next_steps = "Sharing stops. Asked the early help team to delete what was sent."

    @classmethod
    def _create(
        cls, model_class: type[ConsentWithdrawal], *args: Any, **kwargs: Any
    ) -> ConsentWithdrawal:
        return actions.record_consent_withdrawal(actor=kwargs.pop("recorded_by"), **kwargs)
