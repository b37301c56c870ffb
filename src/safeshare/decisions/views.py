"""The decision record: a task list of pages, one guided question per page, a check-your-
answers page, then the finalised record (with print view, amendment and reconsideration)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from safeshare.audit.actions import record_access, record_access_many
from safeshare.core.forms import GovUKForm
from safeshare.core.pagination import paginate
from safeshare.decisions import actions, completeness, flow, forms, permissions
from safeshare.decisions.models import (
    Channel,
    ContactMethod,
    Decision,
    DecisionStatus,
    InformationItem,
    Kind,
)
from safeshare.decisions.queries import (
    LIST_ORDER,
    current_outcome,
    decision_makers_for,
    decision_summary,
    drafts_for_user,
    explain,
    get_decision_for_user,
    problems_for,
    recent_decisions_for_user,
    recipient_checks,
)
from safeshare.directory.queries import verified_contacts
from safeshare.ledger.queries import receipt_for
from safeshare.subjects.queries import get_person_for_user, people_for_user, search_people

# A user's own unfinished drafts: shown newest first, this many at most.
DRAFTS_SHOWN = 50


def index(request: HttpRequest) -> HttpResponse:
    drafts = list(drafts_for_user(request.user)[: DRAFTS_SHOWN + 1])
    decisions = paginate(recent_decisions_for_user(request.user), LIST_ORDER, request.GET)
    listed = {p.pk: p for d in [*drafts[:DRAFTS_SHOWN], *decisions] for p in d.subjects.all()}
    record_access_many(request, what="decisions.decision.index", people=listed.values())
    return render(
        request,
        "decisions/index.html",
        {
            "drafts": drafts[:DRAFTS_SHOWN],
            "more_drafts": len(drafts) > DRAFTS_SHOWN,
            "decisions": decisions,
        },
    )


@require_POST
def start(request: HttpRequest, person_id: UUID) -> HttpResponse:
    person = get_person_for_user(request.user, person_id)
    try:
        decision = actions.start_decision(actor=request.user, subject=person)
    except flow.PolicyUnavailable:
        return policy_unavailable(request)
    return redirect("decisions:section", decision_id=decision.pk, section="about")


def policy_unavailable(request: HttpRequest) -> HttpResponse:
    """The active guidance policy's file changed or went after it was activated: no new
    decision starts on a file nobody chose (safeshare.policies)."""
    return render(request, "decisions/policy_unavailable.html", status=503)


def _draft(request: HttpRequest, decision_id: UUID) -> Decision:
    """The draft for a page of the record; a finalised one is read-only (redirected)."""
    decision = get_decision_for_user(request.user, decision_id)
    if decision.is_finalised:
        raise _Finalised(decision)
    if request.method == "POST" and not permissions.can_record_decision(request.user):
        raise PermissionDenied("Your role cannot record decisions")
    return decision


class _Finalised(Exception):
    def __init__(self, decision: Decision) -> None:
        self.decision = decision


def _draft_or_record(view: Any) -> Any:
    """Pages of a draft send a finalised decision's visitors to the read-only record."""

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            response: HttpResponse = view(request, *args, **kwargs)
        except _Finalised as finalised:
            return redirect("decisions:show", decision_id=finalised.decision.pk)
        return response

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _context(request: HttpRequest, decision: Decision, what: str, **extra: Any) -> dict[str, Any]:
    """Every page of a decision shows its subjects' data: each view is recorded for each
    person, in this request (read audit)."""
    subjects = list(decision.subjects.all())
    for person in subjects:
        record_access(request, what=f"decisions.decision.{what}", person=person, obj=decision)
    return {"decision": decision, "subjects": subjects, **extra}


def _first_question_url(decision: Decision) -> str:
    evaluation = flow.next_step(flow.policy_named(decision.policy_id), decision.answers)
    question = evaluation.next_question or next(
        iter(flow.policy_named(decision.policy_id).questions.values())
    )
    return reverse("decisions:question", args=[decision.pk, question.id])


@_draft_or_record
def tasks(request: HttpRequest, decision_id: UUID) -> HttpResponse:
    decision = _draft(request, decision_id)
    outcome = current_outcome(decision)
    items = list(decision.items.all())
    needed = completeness.applicable_sections(decision, outcome)
    per_section = completeness.section_problems(decision, outcome, items, decision.subjects.count())
    rows = []
    for name, title in completeness.SECTIONS:
        if needed[name] == "not_needed":
            continue
        if per_section[name]:
            status = "Incomplete"
        elif needed[name] == "optional" and not _touched(decision, name):
            status = "Optional"
        else:
            status = "Completed"
        url = (
            _first_question_url(decision)
            if name == "questions"
            else reverse("decisions:items", args=[decision.pk])
            if name == "items"
            else reverse("decisions:people", args=[decision.pk])
            if name == "people"
            else reverse("decisions:section", args=[decision.pk, name])
        )
        rows.append(
            {
                "name": name,
                "title": title,
                "status": status,
                "url": url,
                "problems": per_section[name],
            }
        )
    evaluation = flow.next_step(flow.policy_named(decision.policy_id), decision.answers)
    return render(
        request,
        "decisions/tasks.html",
        _context(
            request,
            decision,
            "tasks",
            rows=rows,
            outcome=outcome,
            outcome_title=evaluation.outcome_title if outcome else "",
            must_record=evaluation.must_record if outcome else (),
            can_discard=permissions.can_discard(request.user, decision),
            ready=outcome != "" and not any(r["status"] == "Incomplete" for r in rows),
        ),
    )


def _touched(decision: Decision, section: str) -> bool:
    if section == "advice":
        return decision.advice_sought is not None
    if section == "consent":
        return bool(decision.consent_status)
    return True


FAMILY_SUGGESTIONS = 20


@_draft_or_record
def people(request: HttpRequest, decision_id: UUID) -> HttpResponse:
    """Who the decision is about: family members are suggested by family name, and anyone
    else in the organisation's records can be found by name or identifier (searched by
    POST, so a name never reaches the address bar)."""
    decision = _draft(request, decision_id)
    current = list(decision.subjects.all())
    family_names = {p.family_name for p in current}
    # A common family name is shared by hundreds in a large organisation's records: the
    # first few are suggested (in name order, from the organisation's name index) and the
    # page says so; anyone else is found by the search below.
    namesakes = list(
        people_for_user(request.user)
        .filter(family_name__in=family_names)
        .exclude(pk__in=[p.pk for p in current])
        .order_by("family_name", "given_names", "id")[: FAMILY_SUGGESTIONS + 1]
    )
    more_namesakes = len(namesakes) > FAMILY_SUGGESTIONS
    candidates = current + namesakes[:FAMILY_SUGGESTIONS]
    # People found by an earlier search on this page stay on the list while it is open.
    kept = [str(v) for v in request.POST.getlist("listed")] if request.method == "POST" else []
    candidates += [
        p for p in people_for_user(request.user).filter(pk__in=_uuids(kept)) if p not in candidates
    ]
    finder = forms.FindPersonForm(request.POST if "find" in request.POST else None)
    if finder.is_bound and finder.is_valid():
        found = list(search_people(request.user, finder.cleaned_data["q"])[:20])
        candidates += [p for p in found if p not in candidates]
        form = forms.PeopleForm(candidates, initial={"subjects": request.POST.getlist("subjects")})
        record_access_many(request, what="decisions.decision.people_search", people=found)
    elif request.method == "POST" and "find" not in request.POST:
        form = forms.PeopleForm(candidates, request.POST)
        if form.is_valid():
            chosen = [p for p in candidates if str(p.pk) in form.cleaned_data["subjects"]]
            actions.set_subjects(actor=request.user, decision=decision, people=chosen)
            return redirect("decisions:tasks", decision_id=decision.pk)
    else:
        form = forms.PeopleForm(
            candidates,
            initial={"subjects": request.POST.getlist("subjects") or [str(p.pk) for p in current]},
        )
    return render(
        request,
        "decisions/people.html",
        _context(
            request,
            decision,
            "people",
            form=form,
            finder=finder,
            listed=candidates,
            more_namesakes=more_namesakes,
            family_suggestions=FAMILY_SUGGESTIONS,
        ),
    )


def _uuids(values: list[str]) -> list[UUID]:
    found = []
    for value in values:
        try:
            found.append(UUID(value))
        except ValueError:
            continue  # a tampered hidden field: ignored, the list is scoped anyway
    return found


SECTION_PAGES: dict[str, tuple[type[GovUKForm], str]] = {
    "about": (forms.AboutForm, "The request or reason for sharing"),
    "amendment": (forms.AmendmentForm, "Correcting an earlier decision"),
    "reconsideration": (forms.ReconsiderForm, "Reconsidering a decision not to share"),
    "consent": (forms.ConsentForm, "Consent"),
    "principles": (forms.PrinciplesForm, "The seven principles"),
    "recipient": (forms.RecipientForm, "Who receives the information, and how"),
    "transparency": (forms.TransparencyForm, "Telling the person or family"),
    "advice": (forms.AdviceForm, "Advice"),
    "not_sharing": (forms.NotSharingForm, "Reasons for not sharing"),
}


def _initial(decision: Decision, section: str) -> dict[str, Any]:
    fields = actions.SECTION_FIELDS[section]
    if section == "principles":
        return dict(decision.principles)
    initial: dict[str, Any] = {name: getattr(decision, name) for name in fields}
    for flag in ("subject_informed", "advice_sought", "shares_all_requested"):
        if flag in initial and initial[flag] is not None:
            initial[flag] = "yes" if initial[flag] else "no"
    for stamp, date_name, time_name in [
        ("request_received_at", "request_received_on", "request_received_time"),
        ("shared_at", "shared_on", "shared_time"),
    ]:
        if stamp in initial and initial[stamp] is not None:
            local = initial[stamp].astimezone()
            initial[date_name], initial[time_name] = (
                local.date(),
                local.time().replace(second=0, microsecond=0),
            )
    return initial


@_draft_or_record
def section(request: HttpRequest, decision_id: UUID, section: str) -> HttpResponse:
    decision = _draft(request, decision_id)
    if section not in SECTION_PAGES:
        raise Http404("No such page")
    form_class, title = SECTION_PAGES[section]
    kwargs: dict[str, Any] = {}
    if section == "not_sharing":
        kwargs["is_request"] = decision.kind == Kind.REQUEST
    if section == "recipient":
        kwargs["is_request"] = decision.request_id is not None
        kwargs["decision"] = decision
    if request.method == "POST":
        form = form_class(request.POST, **kwargs)
        if form.is_valid():
            fields = actions.SECTION_FIELDS[section]
            values = {name: form.cleaned_data.get(name) for name in fields}
            actions.update_section(
                actor=request.user, decision=decision, section=section, values=values
            )
            if section == "about" and not decision.answers:
                return redirect(_first_question_url(decision))
            return redirect("decisions:tasks", decision_id=decision.pk)
    else:
        form = form_class(initial=_initial(decision, section), **kwargs)
    checks: dict[str, Any] = {}
    if section == "recipient" and decision.recipient_organisation_id:
        agreements, verified = recipient_checks(decision)
        checks = {
            "agreements": agreements,
            "contact_verified": verified,
            "directory_contacts": verified_contacts(decision.recipient_organisation),  # type: ignore[arg-type]
        }
    return render(
        request,
        "decisions/section.html",
        _context(
            request, decision, "section", form=form, title=title, section=section, checks=checks
        ),
    )


@_draft_or_record
def question(request: HttpRequest, decision_id: UUID, question_id: str) -> HttpResponse:
    decision = _draft(request, decision_id)
    policy = flow.policy_named(decision.policy_id)
    current = policy.questions.get(question_id)
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
        _context(
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


@_draft_or_record
def outcome(request: HttpRequest, decision_id: UUID) -> HttpResponse:
    """What the guidance says for these answers, explained, before the rest of the record."""
    decision = _draft(request, decision_id)
    policy = flow.policy_named(decision.policy_id)
    evaluation = flow.next_step(policy, decision.answers)
    if evaluation.next_question is not None:
        return redirect(
            "decisions:question", decision_id=decision.pk, question_id=evaluation.next_question.id
        )
    return render(
        request,
        "decisions/outcome.html",
        _context(
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


@_draft_or_record
def items(request: HttpRequest, decision_id: UUID) -> HttpResponse:
    decision = _draft(request, decision_id)
    return render(
        request,
        "decisions/items.html",
        _context(request, decision, "items", items=list(decision.items.select_related("about"))),
    )


@_draft_or_record
def item(request: HttpRequest, decision_id: UUID, item_id: UUID | None = None) -> HttpResponse:
    decision = _draft(request, decision_id)
    existing = _item_or_404(decision, item_id) if item_id else None
    subjects = list(decision.subjects.all())
    if request.method == "POST":
        form = forms.ItemForm(subjects, request.POST)
        if form.is_valid():
            values = {name: form.cleaned_data.get(name) for name in actions.ITEM_FIELDS}
            for name in ("opinion_of", "third_party_action", "third_party_justification"):
                values[name] = values[name] or ""
            actions.save_item(actor=request.user, decision=decision, values=values, item=existing)
            messages.success(request, "Item saved")
            return redirect("decisions:items", decision_id=decision.pk)
    else:
        initial = {}
        if existing is not None:
            initial = {name: getattr(existing, name) for name in actions.ITEM_FIELDS}
            initial["about"] = str(existing.about_id) if existing.about_id else ""
            initial["identifies_third_party"] = "yes" if existing.identifies_third_party else "no"
        form = forms.ItemForm(subjects, initial=initial)
    return render(
        request,
        "decisions/item.html",
        _context(request, decision, "item", form=form, item=existing),
    )


def _item_or_404(decision: Decision, item_id: UUID) -> InformationItem:
    try:
        return decision.items.get(pk=item_id)
    except InformationItem.DoesNotExist as exc:
        raise Http404("No such item") from exc


@require_POST
@_draft_or_record
def item_remove(request: HttpRequest, decision_id: UUID, item_id: UUID) -> HttpResponse:
    decision = _draft(request, decision_id)
    actions.remove_item(actor=request.user, decision=decision, item=_item_or_404(decision, item_id))
    messages.success(request, "Item removed")
    return redirect("decisions:items", decision_id=decision.pk)


@_draft_or_record
def check(request: HttpRequest, decision_id: UUID) -> HttpResponse:
    decision = _draft(request, decision_id)
    policy = flow.policy_named(decision.policy_id)
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
            except IntegrityError:
                # The database's guard refused: a second submit that read the draft before
                # the first finalised it. The first one's record stands; show it.
                if Decision.objects.filter(
                    pk=decision.pk, status=DecisionStatus.FINALISED
                ).exists():
                    return redirect("decisions:show", decision_id=decision.pk)
                raise
            else:
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
        _context(
            request,
            decision,
            "check",
            summary=decision_summary(decision, explain(policy, evaluation), draft=True),
            outcome_title=evaluation.outcome_title if evaluation.outcome != "incomplete" else "",
            problems=problems,
            section_titles=completeness.SECTION_TITLES,
            makers=makers,
            chosen_maker=request.POST.get("decided_by", str(request.user.pk)),
        ),
    )


def show(request: HttpRequest, decision_id: UUID) -> HttpResponse:
    decision = get_decision_for_user(request.user, decision_id)
    if not decision.is_finalised:
        return redirect("decisions:tasks", decision_id=decision.pk)
    return render(
        request,
        "decisions/show.html",
        _context(
            request,
            decision,
            "show",
            summary=decision_summary(decision, decision.explanation, draft=False),
            receipt=receipt_for(decision),
            can_amend=permissions.can_amend(request.user, decision),
            can_reconsider=permissions.can_reconsider(request.user, decision),
            can_withdraw=permissions.can_withdraw_consent(request.user, decision),
        ),
    )


def print_view(request: HttpRequest, decision_id: UUID) -> HttpResponse:
    decision = get_decision_for_user(request.user, decision_id)
    if not decision.is_finalised:
        raise Http404("Drafts are not printed")
    return render(
        request,
        "decisions/print.html",
        _context(
            request,
            decision,
            "print",
            summary=decision_summary(decision, decision.explanation, draft=False),
        ),
    )


@require_POST
def amend(request: HttpRequest, decision_id: UUID) -> HttpResponse:
    decision = get_decision_for_user(request.user, decision_id)
    if not permissions.can_record_decision(request.user):
        raise PermissionDenied("Your role cannot record decisions")
    if not decision.is_finalised:
        return redirect("decisions:tasks", decision_id=decision.pk)
    try:
        draft = actions.amend_decision(actor=request.user, decision=decision)
    except flow.PolicyUnavailable:
        return policy_unavailable(request)
    return redirect("decisions:section", decision_id=draft.pk, section="amendment")


def reconsider(request: HttpRequest, decision_id: UUID) -> HttpResponse:
    decision = get_decision_for_user(request.user, decision_id)
    if not permissions.reconsiderable(decision):
        raise Http404("Only a decision not to share can be reconsidered")
    if not permissions.can_reconsider(request.user, decision):
        raise PermissionDenied("Your role cannot record decisions")
    form = (
        forms.ReconsiderForm(request.POST) if request.method == "POST" else forms.ReconsiderForm()
    )
    if form.is_bound and form.is_valid():
        try:
            draft = actions.reconsider_decision(
                actor=request.user,
                decision=decision,
                new_information=form.cleaned_data["new_information"],
            )
        except flow.PolicyUnavailable:
            return policy_unavailable(request)
        return redirect("decisions:tasks", decision_id=draft.pk)
    return render(
        request, "decisions/reconsider.html", _context(request, decision, "reconsider", form=form)
    )


@require_POST
@_draft_or_record
def discard(request: HttpRequest, decision_id: UUID) -> HttpResponse:
    decision = _draft(request, decision_id)
    actions.discard_draft(actor=request.user, decision=decision)
    messages.success(request, "Draft discarded")
    return redirect("decisions:index")


WITHDRAWAL_SESSION_KEY = "safeshare_consent_withdrawal"


def _withdrawal_decision(request: HttpRequest, decision_id: UUID) -> Decision:
    """A finalised decision that relied on consent; anything else has no consent to
    withdraw (404). The organisation is scoped by the lookup."""
    decision = get_decision_for_user(request.user, decision_id)
    if not permissions.withdrawable(decision):
        raise Http404("No consent to withdraw on this decision")
    if not permissions.can_record_consent_withdrawal(request.user):
        raise PermissionDenied("Your role cannot record consent withdrawal")
    return decision


def _already_withdrawn(request: HttpRequest, decision: Decision) -> HttpResponse:
    withdrawal = decision.withdrawal
    assert withdrawal is not None
    return render(
        request,
        "decisions/withdrawal_refused.html",
        _context(
            request,
            decision,
            "consent_withdrawal_refused",
            message=actions.AlreadyWithdrawn(withdrawal).message,
        ),
        status=409,
    )


def _stored_withdrawal(request: HttpRequest, decision: Decision) -> dict[str, str] | None:
    stored: dict[str, dict[str, str]] = request.session.get(WITHDRAWAL_SESSION_KEY, {})
    return stored.get(str(decision.pk))


def withdraw_consent(request: HttpRequest, decision_id: UUID) -> HttpResponse:
    """Record that consent was withdrawn: the questions, then check and confirm."""
    decision = _withdrawal_decision(request, decision_id)
    if decision.withdrawal is not None:
        return _already_withdrawn(request, decision)
    subjects = list(decision.subjects.all())
    if request.method == "POST":
        form = forms.ConsentWithdrawalForm(decision, subjects, request.POST)
        if form.is_valid():
            kept = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
            stored = dict(request.session.get(WITHDRAWAL_SESSION_KEY, {}))
            stored[str(decision.pk)] = kept
            request.session[WITHDRAWAL_SESSION_KEY] = stored
            return redirect("decisions:withdraw_consent_check", decision_id=decision.pk)
    else:
        previous = _stored_withdrawal(request, decision)
        form = forms.ConsentWithdrawalForm(decision, subjects, previous)
    return render(
        request,
        "decisions/withdraw_consent.html",
        _context(request, decision, "consent_withdrawal_form", form=form),
    )


def withdraw_consent_check(request: HttpRequest, decision_id: UUID) -> HttpResponse:
    decision = _withdrawal_decision(request, decision_id)
    if decision.withdrawal is not None:
        return _already_withdrawn(request, decision)
    subjects = list(decision.subjects.all())
    form = forms.ConsentWithdrawalForm(decision, subjects, _stored_withdrawal(request, decision))
    if not form.is_bound or not form.is_valid():
        return redirect("decisions:withdraw_consent", decision_id=decision.pk)
    data = form.cleaned_data
    if request.method == "POST":
        try:
            actions.record_consent_withdrawal(
                actor=request.user,
                decision=decision,
                withdrawn_by_person=data["withdrawn_by_person"],
                withdrawn_by_name=data.get("withdrawn_by_name") or "",
                withdrawn_on=data["withdrawn_on"],
                method=data["method"],
                next_steps=data["next_steps"],
            )
        except actions.AlreadyWithdrawn:
            decision = get_decision_for_user(request.user, decision.pk)
            return _already_withdrawn(request, decision)
        except actions.InvalidWithdrawal:
            # The stored answers no longer pass (the date rule, say): ask again.
            return redirect("decisions:withdraw_consent", decision_id=decision.pk)
        stored = dict(request.session.get(WITHDRAWAL_SESSION_KEY, {}))
        stored.pop(str(decision.pk), None)
        request.session[WITHDRAWAL_SESSION_KEY] = stored
        return redirect("decisions:consent_withdrawn", decision_id=decision.pk)
    who = (
        data["withdrawn_by_person"].full_name
        if data["withdrawn_by_person"] is not None
        else data["withdrawn_by_name"]
    )
    rows = [
        ("Who withdrew consent", who, "id_withdrawn_by_0"),
        ("Date consent was withdrawn", f"{data['withdrawn_on']:%-d %B %Y}", "id_withdrawn_on_0"),
        ("How they told you", dict(ContactMethod.choices)[data["method"]], "id_method_0"),
        ("What happens now", data["next_steps"], "id_next_steps"),
    ]
    return render(
        request,
        "decisions/withdraw_consent_check.html",
        _context(request, decision, "consent_withdrawal_check", rows=rows),
    )


def consent_withdrawn(request: HttpRequest, decision_id: UUID) -> HttpResponse:
    """The confirmation: what was recorded, and what to do next."""
    decision = get_decision_for_user(request.user, decision_id)
    if decision.withdrawal is None:
        raise Http404("Consent withdrawal has not been recorded for this decision")
    return render(
        request,
        "decisions/consent_withdrawn.html",
        _context(
            request,
            decision,
            "consent_withdrawal_done",
            withdrawal=decision.withdrawal,
            can_amend=permissions.can_amend(request.user, decision),
        ),
    )
