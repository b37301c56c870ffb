"""How decisions answer requests: the decisions app's side of requests.answering, the one
seam between the two apps (registered in DecisionsConfig.ready)."""

from __future__ import annotations

from collections.abc import Sequence

from safeshare.accounts.models import User
from safeshare.decisions import actions
from safeshare.decisions.models import Decision, DecisionStatus
from safeshare.requests.models import InformationRequest
from safeshare.subjects.models import Person


class DecisionsAnswering:
    def start(self, *, actor: User, request: InformationRequest, subject: Person) -> Decision:
        decision = actions.start_decision(actor=actor, subject=subject)
        actions.update_section(
            actor=actor,
            decision=decision,
            section="about",
            values={
                "kind": "request",
                "requester_name": request.requested_by.display_name()
                if request.requested_by
                else request.external_requester_name,
                "requester_role": (
                    request.requested_by.job_title
                    if request.requested_by
                    else request.external_requester_role
                )
                or "Practitioner",
                "requester_organisation": request.from_organisation.name
                if request.from_organisation
                else request.external_requester_organisation,
                "request_method": "in_system"
                if request.requested_by_id
                else request.external_received_by,
                "request_received_at": request.received_at,
                "requester_verification": (
                    "Signed-in safeshare user of a partnership organisation"
                    if request.requested_by_id
                    else request.external_identity_check
                ),
                "purpose_category": request.purpose_category,
                "purpose": request.purpose,
                "urgency": request.urgency,
            },
        )
        Decision.objects.filter(pk=decision.pk).update(request=request)
        decision.refresh_from_db()
        return decision

    def finalised(self, request: InformationRequest) -> Sequence[Decision]:
        return list(
            Decision.objects.filter(request=request, status=DecisionStatus.FINALISED)
            .select_related("decided_by", "recipient_organisation")
            .order_by("decided_at")
        )

    def drafts(self, request: InformationRequest) -> Sequence[Decision]:
        return list(
            Decision.objects.filter(
                request=request,
                status=DecisionStatus.DRAFT,
                organisation=request.to_organisation,
            )
        )
