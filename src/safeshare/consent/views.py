"""A person's consent register, an entry with its history, recording, withdrawing and
reviewing consent, and a draft choosing its consent from the register."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from safeshare.accounts.http import AuthenticatedHttpRequest
from safeshare.audit.actions import record_access, record_access_many
from safeshare.consent import actions, permissions
from safeshare.consent.forms import EntryForm, ReviewForm, WithdrawForm
from safeshare.consent.models import ConsentEntry
from safeshare.consent.queries import (
    REGISTER_ORDER,
    choices_for,
    decisions_relying_on,
    due_for,
    get_entry_for_user,
    register_of,
)
from safeshare.core.forms import GovUKForm, posted
from safeshare.core.pagination import paginate
from safeshare.decisions.permissions import can_edit_draft
from safeshare.decisions.queries import get_decision_for_user
from safeshare.subjects.models import Person
from safeshare.subjects.queries import get_person_for_user


def _person(request: AuthenticatedHttpRequest, person_id: UUID) -> Person:
    if not permissions.can_use_register(request.user):
        raise PermissionDenied
    return get_person_for_user(request.user, person_id)


def _error(form: GovUKForm, invalid: actions.InvalidConsent) -> None:
    name = invalid.field
    if name not in form.fields and f"{name}_kind" in form.fields:
        name = f"{name}_kind"
    form.add_error(name if name in form.fields else None, invalid.message)


def register(request: AuthenticatedHttpRequest, person_id: UUID) -> HttpResponse:
    person = _person(request, person_id)
    record_access(request, what="consent.register.show", person=person)
    page = paginate(register_of(request.user, person), REGISTER_ORDER, request.GET)
    return render(request, "consent/register.html", {"person": person, "page": page})


def new(request: AuthenticatedHttpRequest, person_id: UUID) -> HttpResponse:
    """Record consent given or refused; from a draft (?decision=<id>), the draft then
    relies on it."""
    person = _person(request, person_id)
    decision = None
    if request.GET.get("decision"):
        decision = get_decision_for_user(request.user, request.GET["decision"])
        if not decision.subjects.filter(pk=person.pk).exists() or decision.is_finalised:
            raise Http404("No such draft")
    initial = {"purpose": decision.purpose_category_id} if decision else {}
    form = EntryForm(posted(request), initial=initial)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            entry = actions.record_entry(
                actor=request.user,
                person=person,
                status=data["status"],
                given_by_kind=data["given_by_kind"],
                given_by_name=data["given_by_name"],
                purpose=data["purpose"],
                scope=data["scope"],
                recipients=data["recipients"],
                method=data["method"],
                obtained_on=data["obtained_on"],
                review_on=data["review_on"],
                expires_on=data["expires_on"],
                explicit=bool(data["explicit"]),
            )
            if decision is not None and entry.status == "given":
                actions.rely_on_entry(actor=request.user, decision=decision, entry=entry)
        except actions.InvalidConsent as invalid:
            _error(form, invalid)
        else:
            if decision is not None and entry.status == "given":
                messages.success(
                    request, "Consent recorded in the register, and this draft relies on it"
                )
                return redirect("decisions:section", decision_id=decision.pk, section="consent")
            messages.success(request, "Consent recorded in the register")
            return redirect("consent:show", person_id=person.pk, entry_id=entry.pk)
    record_access(request, what="consent.entry.new", person=person)
    return render(
        request, "consent/new.html", {"person": person, "form": form, "decision": decision}
    )


def _entry(request: AuthenticatedHttpRequest, person_id: UUID, entry_id: UUID) -> ConsentEntry:
    person = _person(request, person_id)
    entry = get_entry_for_user(request.user, person, entry_id)
    record_access(request, what="consent.entry.show", person=person, obj=entry)
    return entry


def show(request: AuthenticatedHttpRequest, person_id: UUID, entry_id: UUID) -> HttpResponse:
    entry = _entry(request, person_id, entry_id)
    return render(
        request,
        "consent/show.html",
        {
            "person": entry.person,
            "entry": entry,
            "decisions": decisions_relying_on(request.user, entry),
            "can_withdraw": permissions.can_withdraw(request.user, entry),
            "can_review": permissions.can_review(request.user, entry),
        },
    )


def withdraw(request: AuthenticatedHttpRequest, person_id: UUID, entry_id: UUID) -> HttpResponse:
    entry = _entry(request, person_id, entry_id)
    if entry.withdrawal is not None:
        return redirect("consent:withdrawn", person_id=entry.person_id, entry_id=entry.pk)
    if not permissions.can_withdraw(request.user, entry):
        raise PermissionDenied("Only consent that was given can be withdrawn")
    form = WithdrawForm(posted(request))
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            actions.withdraw_entry(
                actor=request.user,
                entry=entry,
                by_kind=data["by_kind"],
                by_name=data["by_name"],
                withdrawn_on=data["withdrawn_on"],
                method=data["method"],
                reason=data["reason"],
            )
        except actions.InvalidConsent as invalid:
            _error(form, invalid)
        else:
            return redirect("consent:withdrawn", person_id=entry.person_id, entry_id=entry.pk)
    return render(
        request,
        "consent/withdraw.html",
        {
            "person": entry.person,
            "entry": entry,
            "form": form,
            "decisions": decisions_relying_on(request.user, entry),
        },
    )


def withdrawn(request: AuthenticatedHttpRequest, person_id: UUID, entry_id: UUID) -> HttpResponse:
    """The confirmation: what the withdrawal reached, and the prompt to consider whether a
    lawful basis without consent applies."""
    entry = _entry(request, person_id, entry_id)
    if entry.withdrawal is None:
        return redirect("consent:show", person_id=entry.person_id, entry_id=entry.pk)
    return render(
        request,
        "consent/withdrawn.html",
        {
            "person": entry.person,
            "entry": entry,
            "decisions": decisions_relying_on(request.user, entry),
        },
    )


def review(request: AuthenticatedHttpRequest, person_id: UUID, entry_id: UUID) -> HttpResponse:
    entry = _entry(request, person_id, entry_id)
    if not permissions.can_review(request.user, entry):
        raise PermissionDenied("Only consent that is still given can be reviewed")
    form = ReviewForm(posted(request))
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            actions.review_entry(
                actor=request.user,
                entry=entry,
                reviewed_on=data["reviewed_on"],
                note=data["note"],
                next_review_on=data["next_review_on"],
            )
        except actions.InvalidConsent as invalid:
            _error(form, invalid)
        else:
            messages.success(request, "Review recorded")
            return redirect("consent:show", person_id=entry.person_id, entry_id=entry.pk)
    return render(
        request, "consent/review.html", {"person": entry.person, "entry": entry, "form": form}
    )


def choose(request: AuthenticatedHttpRequest, decision_id: UUID) -> HttpResponse:
    """A draft's consent from the register: its people's given entries for its purpose,
    or record a new one."""
    if not permissions.can_use_register(request.user):
        raise PermissionDenied
    decision = get_decision_for_user(request.user, decision_id)
    if decision.is_finalised:
        return redirect("decisions:show", decision_id=decision.pk)
    if not can_edit_draft(request.user, decision):
        raise PermissionDenied("You cannot change this draft")
    subjects = list(decision.subjects.all())
    error = ""
    if request.method == "POST":
        posted_id = request.POST.get("entry", "")
        chosen = (
            choices_for(request.user, decision).filter(pk=posted_id).first()
            if _is_uuid(posted_id)
            else None
        )
        if chosen is None:
            error = "Select the consent this decision relies on"
        else:
            try:
                actions.rely_on_entry(actor=request.user, decision=decision, entry=chosen)
            except actions.InvalidConsent as invalid:
                error = invalid.message
            else:
                messages.success(request, "The consent section is filled in from the register")
                return redirect("decisions:section", decision_id=decision.pk, section="consent")
    for person in subjects:
        record_access(request, what="consent.register.choose", person=person, obj=decision)
    page = paginate(choices_for(request.user, decision), REGISTER_ORDER, request.GET)
    return render(
        request,
        "consent/choose.html",
        {"decision": decision, "subjects": subjects, "page": page, "error": error},
    )


def _is_uuid(value: str) -> bool:
    try:
        UUID(value)
    except ValueError:
        return False
    return True


def due(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Consents the user recorded that reached their review or expiry date."""
    if not permissions.can_use_register(request.user):
        raise PermissionDenied
    page = paginate(due_for(request.user), REGISTER_ORDER, request.GET)
    people = {entry.person_id: entry.person for entry in page}
    record_access_many(request, what="consent.due", people=people.values())
    return render(request, "consent/due.html", {"page": page})
