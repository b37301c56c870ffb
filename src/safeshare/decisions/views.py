"""The guided decision: purpose, one question per page, check answers, confirmation."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from safeshare.decisions import actions, flow
from safeshare.decisions.forms import PurposeForm, QuestionForm
from safeshare.decisions.models import Decision
from safeshare.decisions.queries import (
    drafts_for_user,
    get_decision_for_user,
    recent_decisions_for_user,
)
from safeshare.subjects.queries import get_person_for_user


def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "decisions/index.html",
        {
            "drafts": list(drafts_for_user(request.user)[:50]),
            "decisions": list(recent_decisions_for_user(request.user)[:50]),
        },
    )


@require_POST
def start(request: HttpRequest, person_id: UUID) -> HttpResponse:
    person = get_person_for_user(request.user, person_id)
    decision = actions.start_decision(actor=request.user, subject=person)
    return redirect("decisions:purpose", decision_id=decision.pk)


def _draft_for_user(request: HttpRequest, decision_id: UUID) -> Decision | HttpResponse:
    decision = get_decision_for_user(request.user, decision_id)
    if decision.is_finalised:
        return redirect("decisions:show", decision_id=decision.pk)
    return decision


def _step_url(decision: Decision, evaluation: flow.Evaluation) -> str:
    if evaluation.next_question is not None:
        return reverse("decisions:question", args=[decision.pk, evaluation.next_question.id])
    return reverse("decisions:check", args=[decision.pk])


def _previous_url(decision: Decision, evaluation: flow.Evaluation, question_id: str | None) -> str:
    """The back link: the question answered before this one on the path, or the purpose."""
    asked = [step.question_id for step in evaluation.path]
    if question_id in asked:
        asked = asked[: asked.index(question_id)]
    if asked:
        return reverse("decisions:question", args=[decision.pk, asked[-1]])
    return reverse("decisions:purpose", args=[decision.pk])


def purpose(request: HttpRequest, decision_id: UUID) -> HttpResponse:
    decision = _draft_for_user(request, decision_id)
    if isinstance(decision, HttpResponse):
        return decision
    if request.method == "POST":
        form = PurposeForm(request.POST)
        if form.is_valid():
            decision = actions.set_purpose(
                actor=request.user, decision=decision, purpose=form.cleaned_data["purpose"]
            )
            policy = flow.policy_named(decision.policy_id)
            return redirect(_step_url(decision, flow.next_step(policy, decision.answers)))
    else:
        form = PurposeForm(initial={"purpose": decision.purpose})
    return render(
        request,
        "decisions/purpose.html",
        {"form": form, "decision": decision, "subjects": list(decision.subjects.all())},
    )


def question(request: HttpRequest, decision_id: UUID, question_id: str) -> HttpResponse:
    decision = _draft_for_user(request, decision_id)
    if isinstance(decision, HttpResponse):
        return decision
    policy = flow.policy_named(decision.policy_id)
    current = policy.questions.get(question_id)
    if current is None:
        raise Http404("No such question")
    if request.method == "POST":
        form = QuestionForm(current, request.POST)
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
                return redirect(_step_url(decision, flow.next_step(policy, decision.answers)))
    else:
        form = QuestionForm(current, initial={"answer": _initial_answer(decision, current)})
    evaluation = flow.next_step(policy, decision.answers)
    return render(
        request,
        "decisions/question.html",
        {
            "form": form,
            "decision": decision,
            "question": current,
            "back_url": _previous_url(decision, evaluation, question_id),
        },
    )


def _initial_answer(decision: Decision, current: flow.Question) -> object:
    value = decision.answers.get(current.id)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def check(request: HttpRequest, decision_id: UUID) -> HttpResponse:
    decision = _draft_for_user(request, decision_id)
    if isinstance(decision, HttpResponse):
        return decision
    policy = flow.policy_named(decision.policy_id)
    evaluation = flow.next_step(policy, decision.answers)
    if not decision.purpose:
        return redirect("decisions:purpose", decision_id=decision.pk)
    if evaluation.next_question is not None:
        return redirect(_step_url(decision, evaluation))
    error = None
    if request.method == "POST":
        try:
            decision = actions.finalise_decision(actor=request.user, decision=decision)
        except actions.DecisionIncomplete as exc:
            error = str(exc)
        else:
            messages.success(request, "Decision recorded")
            return redirect("decisions:show", decision_id=decision.pk)
    return render(
        request,
        "decisions/check.html",
        {
            "decision": decision,
            "policy": policy,
            "evaluation": evaluation,
            "subjects": list(decision.subjects.all()),
            "back_url": _previous_url(decision, evaluation, None),
            "answer_rows": answer_rows(decision, policy, evaluation),
            "explanation": evaluation.to_json(),
            "outcome_summary": policy.outcome_summary(evaluation.outcome),
            "error": error,
        },
    )


def show(request: HttpRequest, decision_id: UUID) -> HttpResponse:
    decision = get_decision_for_user(request.user, decision_id)
    if not decision.is_finalised:
        policy = flow.policy_named(decision.policy_id)
        return redirect(
            _step_url(decision, flow.next_step(policy, decision.answers))
            if decision.purpose
            else reverse("decisions:purpose", args=[decision.pk])
        )
    return render(
        request,
        "decisions/show.html",
        {
            "decision": decision,
            "subjects": list(decision.subjects.all()),
            "explanation": decision.explanation,
        },
    )


def answer_rows(
    decision: Decision, policy: flow.Policy, evaluation: flow.Evaluation
) -> list[dict[str, str]]:
    """Each question on the path with the answer in the policy's own words."""
    rows = []
    for step in evaluation.path:
        current = policy.questions.get(step.question_id)
        if current is None:
            continue
        rows.append(
            {
                "question": current.text,
                "answer": step.answer_label,
                "change_url": reverse("decisions:question", args=[decision.pk, current.id]),
            }
        )
    return rows
