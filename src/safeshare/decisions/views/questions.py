"""The guided questions, one per page, and the outcome they lead to."""

from __future__ import annotations

from uuid import UUID

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from safeshare.accounts.http import AuthenticatedHttpRequest
from safeshare.decisions import actions, flow, forms
from safeshare.decisions.models import Decision
from safeshare.decisions.presenters import answer_rows
from safeshare.decisions.views.common import draft_or_record, draft_page, page_context


@draft_or_record
def question(
    request: AuthenticatedHttpRequest, decision_id: UUID, question_id: str
) -> HttpResponse:
    decision = draft_page(request, decision_id)
    policy = flow.policy_for(decision)
    # Worded for an adult on an adult's path (the derived answer subject_is_adult).
    current = policy.question_for(question_id, decision.answers)
    if current is None:
        raise Http404("No such question")
    if request.method == "POST":
        form = forms.QuestionForm(current, request.POST)
        if form.is_valid():
            try:
                decision = actions.answer_question(
                    actor=request.user,
                    decision=decision,
                    question_id=question_id,
                    submitted=form.cleaned_data["answer"],
                )
            except flow.AnswerError as error:
                form.add_error("answer", error.message)
            else:
                evaluation = flow.next_step(policy, decision.answers)
                if evaluation.next_question is not None:
                    return redirect(
                        "decisions:question",
                        decision_id=decision.pk,
                        question_id=evaluation.next_question.id,
                    )
                return redirect("decisions:outcome", decision_id=decision.pk)
    else:
        form = forms.QuestionForm(current, initial={"answer": _initial_answer(decision, current)})
    evaluation = flow.next_step(policy, decision.answers)
    return render(
        request,
        "decisions/question.html",
        page_context(
            request,
            decision,
            "question",
            form=form,
            question=current,
            back_url=_previous_url(decision, evaluation, question_id),
        ),
    )


def _initial_answer(decision: Decision, current: flow.Question) -> object:
    value = decision.answers.get(current.id)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None and decision.answers.get("unsure_at") == current.id:
        return flow.UNSURE_VALUE
    return value


def _previous_url(decision: Decision, evaluation: flow.Evaluation, question_id: str | None) -> str:
    """The back link: the question answered before this one on the path, or the task list."""
    asked = [step.question_id for step in evaluation.path]
    if question_id in asked:
        asked = asked[: asked.index(question_id)]
    if asked:
        return reverse("decisions:question", args=[decision.pk, asked[-1]])
    return reverse("decisions:tasks", args=[decision.pk])


@draft_or_record
def outcome(request: AuthenticatedHttpRequest, decision_id: UUID) -> HttpResponse:
    """What the guidance says for these answers, explained, before the rest of the record."""
    decision = draft_page(request, decision_id)
    policy = flow.policy_for(decision)
    evaluation = flow.next_step(policy, decision.answers)
    if evaluation.next_question is not None:
        return redirect(
            "decisions:question", decision_id=decision.pk, question_id=evaluation.next_question.id
        )
    return render(
        request,
        "decisions/outcome.html",
        page_context(
            request,
            decision,
            "outcome",
            policy=policy,
            explanation=evaluation.to_json(),
            outcome_summary=policy.outcome_summary(evaluation.outcome),
            answer_rows=answer_rows(decision, policy, evaluation),
            back_url=_previous_url(decision, evaluation, None),
        ),
    )
