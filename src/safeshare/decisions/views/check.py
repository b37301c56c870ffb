"""Check your answers, then finalise the record."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.db import IntegrityError
from django.http import HttpResponse
from django.shortcuts import redirect, render

from safeshare.accounts.http import AuthenticatedHttpRequest
from safeshare.decisions import actions, completeness, flow
from safeshare.decisions.models import Channel, Decision, DecisionStatus, FinalisedRecordError
from safeshare.decisions.presenters import decision_summary
from safeshare.decisions.queries import decision_makers_for, explain, problems_for
from safeshare.decisions.views.common import draft_or_record, draft_page, page_context


@draft_or_record
def check(request: AuthenticatedHttpRequest, decision_id: UUID) -> HttpResponse:
    decision = draft_page(request, decision_id)
    policy = flow.policy_for(decision)
    evaluation = flow.next_step(policy, decision.answers)
    problems: list[completeness.Problem] = []
    makers = decision_makers_for(request.user)
    if request.method == "POST":
        chosen = request.POST.get("decided_by", "")
        decided_by = next((u for u in makers if str(u.pk) == chosen), None)
        if decided_by is None:
            problems = [completeness.Problem("decided_by", "Select who made this decision")]
        else:
            try:
                decision = actions.finalise_decision(
                    actor=request.user, decision=decision, decided_by=decided_by
                )
            except actions.DecisionIncomplete as incomplete:
                problems = incomplete.problems
            except (IntegrityError, FinalisedRecordError):
                # A second submit that read the draft before the first finalised it: the
                # action found it final (or the database's guard refused). The first
                # one's record stands; show it.
                if (
                    Decision.objects.filter(pk=decision.pk)
                    .exclude(status=DecisionStatus.DRAFT)
                    .exists()
                ):
                    return redirect("decisions:show", decision_id=decision.pk)
                raise
            else:
                if decision.is_awaiting_sign_off:
                    messages.success(
                        request,
                        "Decision sent for sign-off. It is final once a manager signs it off",
                    )
                    return redirect("decisions:show", decision_id=decision.pk)
                if decision.is_sharing and decision.channel == Channel.IN_SYSTEM:
                    # Recording the decision shares nothing yet: in-system sharing is a
                    # disclosure to a named person, sent next.
                    messages.success(
                        request,
                        "Decision recorded. Now send the information securely: nobody can "
                        "read it in safeshare until you send it to a named person",
                    )
                    return redirect("disclosures:new", decision_id=decision.pk)
                messages.success(request, "Decision recorded")
                return redirect("decisions:show", decision_id=decision.pk)
    else:
        problems = problems_for(decision)
    return render(
        request,
        "decisions/check.html",
        page_context(
            request,
            decision,
            "check",
            summary=decision_summary(
                decision, explain(policy, evaluation, decision.answers), draft=True
            ),
            outcome_title=evaluation.outcome_title if evaluation.outcome != "incomplete" else "",
            problems=problems,
            section_titles=completeness.SECTION_TITLES,
            makers=makers,
            chosen_maker=request.POST.get("decided_by", str(request.user.pk)),
        ),
    )
