"""Decisions: a decision record of the caller's organisation, with its ledger receipt."""

from __future__ import annotations

from typing import Any

from ninja import Router

from safeshare.accounts.http import AuthenticatedHttpRequest
from safeshare.api.contract import answers, link
from safeshare.api.routers import common
from safeshare.api.schemas import (
    DecisionOut,
    Id,
    LawfulBasisOut,
    PersonRefOut,
    PolicyOut,
    ReceiptOut,
    RecipientOut,
)
from safeshare.audit.actions import record_access
from safeshare.decisions.models import Decision
from safeshare.decisions.queries import get_decision_for_user
from safeshare.ledger.queries import receipt_for
from safeshare.subjects.models import Person

router = Router(tags=["decisions"])


def _lawful_bases(explanation: Any) -> list[LawfulBasisOut]:
    found = explanation.get("lawful_bases", []) if isinstance(explanation, dict) else []
    return [
        LawfulBasisOut(
            id=str(b.get("id", "")),
            title=str(b.get("title", "")),
            family=str(b.get("family", "")),
            accepted=bool(b.get("accepted", False)),
        )
        for b in found
        if isinstance(b, dict)
    ]


def _decision(decision: Decision, subjects: list[Person]) -> DecisionOut:
    receipt = receipt_for(decision)
    return DecisionOut(
        id=decision.pk,
        status=decision.status,
        organisation=common.organisation(decision.organisation),
        started_at=decision.started_at,
        decided_at=decision.decided_at,
        outcome=decision.outcome,
        outcome_title=decision.get_outcome_display() if decision.outcome else "",
        policy=PolicyOut(
            id=decision.policy_id, version=decision.policy_version, sha256=decision.policy_sha256
        ),
        subjects=[PersonRefOut.model_validate(p) for p in subjects],
        purpose_category=common.purpose(decision.purpose_category),
        purpose=decision.purpose,
        urgency=decision.urgency,
        items=[common.item(item) for item in decision.items.all()],
        recipient=RecipientOut(
            organisation_id=decision.recipient_organisation_id,
            organisation=decision.recipient_organisation_display,
            name=decision.recipient_name,
            role=decision.recipient_role,
            contact=decision.recipient_contact,
            verification=decision.recipient_verification,
            channel=decision.channel,
            shared_at=decision.shared_at,
        ),
        lawful_bases=_lawful_bases(decision.explanation),
        ledger_receipt=None
        if receipt is None
        else ReceiptOut(
            entry_id=receipt.entry_id,
            sequence=receipt.sequence,
            event_type=receipt.event_type,
            time=receipt.time,
            leaf_hash=receipt.leaf_hash,
            checkpoint_size=receipt.checkpoint_size,
        ),
    )


@router.get(
    "/{decision_id}",
    **answers(
        {200: DecisionOut},
        not_found=True,
        links={
            "GetPerson": link(
                "getPerson",
                "The first person it is about",
                person_id="$response.body#/subjects/0/id",
            )
        },
    ),
    url_name="decision",
    operation_id="getDecision",
    summary="A decision record of your organisation, finalised or draft",
)
def decision(request: AuthenticatedHttpRequest, decision_id: Id) -> DecisionOut:
    found = get_decision_for_user(request.user, decision_id)
    subjects = list(found.subjects.all())
    for subject in subjects:
        record_access(request, what="api.decisions.show", person=subject, obj=found)
    return _decision(found, subjects)
