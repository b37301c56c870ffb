"""The guided flow's task list and its pages: who the decision is about, each section of
the record, and the information items."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from safeshare.accounts.http import AuthenticatedHttpRequest
from safeshare.audit.actions import record_access_many
from safeshare.core.forms import GovUKForm
from safeshare.decisions import actions, completeness, flow, forms, permissions, signoff
from safeshare.decisions.models import Decision, InformationItem, Kind
from safeshare.decisions.queries import current_outcome, recipient_checks
from safeshare.decisions.views.common import (
    draft_or_record,
    draft_page,
    first_question_url,
    page_context,
    policy_unavailable,
)
from safeshare.directory.queries import verified_contacts
from safeshare.subjects.queries import get_person_for_user, people_for_user, search_people


@require_POST
def start(request: AuthenticatedHttpRequest, person_id: UUID) -> HttpResponse:
    person = get_person_for_user(request.user, person_id)
    try:
        decision = actions.start_decision(actor=request.user, subject=person)
    except flow.PolicyUnavailable:
        return policy_unavailable(request)
    return redirect("decisions:section", decision_id=decision.pk, section="about")


@draft_or_record
def tasks(request: AuthenticatedHttpRequest, decision_id: UUID) -> HttpResponse:
    decision = draft_page(request, decision_id)
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
            first_question_url(decision)
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
    evaluation = flow.next_step(flow.policy_for(decision), decision.answers)
    return render(
        request,
        "decisions/tasks.html",
        page_context(
            request,
            decision,
            "tasks",
            rows=rows,
            outcome=outcome,
            outcome_title=evaluation.outcome_title if outcome else "",
            must_record=evaluation.must_record if outcome else (),
            can_discard=permissions.can_discard(request.user, decision),
            ready=outcome != "" and not any(r["status"] == "Incomplete" for r in rows),
            returned=signoff.last_return(decision),
        ),
    )


def _touched(decision: Decision, section: str) -> bool:
    if section == "advice":
        return decision.advice_sought is not None
    if section == "consent":
        return bool(decision.consent_status)
    return True


FAMILY_SUGGESTIONS = 20


@draft_or_record
def people(request: AuthenticatedHttpRequest, decision_id: UUID) -> HttpResponse:
    """Who the decision is about: family members are suggested by family name, and anyone
    else in the organisation's records can be found by name or identifier (searched by
    POST, so a name never reaches the address bar)."""
    decision = draft_page(request, decision_id)
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
        page_context(
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


@draft_or_record
def section(request: AuthenticatedHttpRequest, decision_id: UUID, section: str) -> HttpResponse:
    decision = draft_page(request, decision_id)
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
            if section == "about" and not flow.asked(decision.answers):
                return redirect(first_question_url(decision))
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
        page_context(
            request, decision, "section", form=form, title=title, section=section, checks=checks
        ),
    )


@draft_or_record
def items(request: AuthenticatedHttpRequest, decision_id: UUID) -> HttpResponse:
    decision = draft_page(request, decision_id)
    return render(
        request,
        "decisions/items.html",
        page_context(
            request, decision, "items", items=list(decision.items.select_related("about"))
        ),
    )


@draft_or_record
def item(
    request: AuthenticatedHttpRequest, decision_id: UUID, item_id: UUID | None = None
) -> HttpResponse:
    decision = draft_page(request, decision_id)
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
        page_context(request, decision, "item", form=form, item=existing),
    )


def _item_or_404(decision: Decision, item_id: UUID) -> InformationItem:
    try:
        return decision.items.get(pk=item_id)
    except InformationItem.DoesNotExist as exc:
        raise Http404("No such item") from exc


@require_POST
@draft_or_record
def item_remove(
    request: AuthenticatedHttpRequest, decision_id: UUID, item_id: UUID
) -> HttpResponse:
    decision = draft_page(request, decision_id)
    actions.remove_item(actor=request.user, decision=decision, item=_item_or_404(decision, item_id))
    messages.success(request, "Item removed")
    return redirect("decisions:items", decision_id=decision.pk)
