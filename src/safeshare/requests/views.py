"""Requests between agencies: queues, raising and logging, assigning, answering by a
decision, new information, withdrawing."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from safeshare.accounts.http import AuthenticatedHttpRequest
from safeshare.accounts.models import User
from safeshare.audit.actions import record_access, record_access_objects
from safeshare.core.pagination import paginate
from safeshare.requests import actions, permissions
from safeshare.requests.answering import answering
from safeshare.requests.forms import (
    AssignForm,
    LogRequestForm,
    NewInformationForm,
    QueueFilterForm,
    RaiseRequestForm,
    RespondForm,
)
from safeshare.requests.models import InformationRequest, Status
from safeshare.requests.queries import QUEUE_ORDER, get_request_for_user, incoming, outgoing
from safeshare.subjects.queries import people_for_user


def _filtered(
    found: QuerySet[InformationRequest], form: QueueFilterForm, user: User
) -> QuerySet[InformationRequest]:
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    status = data.get("status", "")
    if status == "":
        found = found.filter(status__in=[Status.OPEN, Status.ASSIGNED])
    elif status != "all":
        found = found.filter(status=status)
    if data.get("urgency"):
        found = found.filter(urgency=data["urgency"])
    if data.get("mine"):
        found = found.filter(Q(assigned_to=user) | Q(requested_by=user) | Q(logged_by=user))
    return found


def queue(request: AuthenticatedHttpRequest, direction: str = "incoming") -> HttpResponse:
    if not getattr(request.user, "has_case_role", False):
        raise PermissionDenied
    # The page's cursor (after, before) is not a filter: only the form's own fields bind it.
    chosen = {k for k in request.GET if k not in {"after", "before"}}
    form = QueueFilterForm(request.GET if chosen else None)
    source = incoming(request.user) if direction == "incoming" else outgoing(request.user)
    rows = paginate(_filtered(source, form, request.user), QUEUE_ORDER, request.GET)
    record_access_objects(request, what=f"requests.request.{direction}", objs=rows)
    return render(
        request,
        "requests/queue.html",
        {"rows": rows, "form": form, "direction": direction, "now": timezone.now()},
    )


def new(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not permissions.can_raise_request(request.user):
        raise PermissionDenied
    own = request.user.organisation_id
    form = (
        RaiseRequestForm(request.POST, own_organisation_id=own)
        if request.method == "POST"
        else RaiseRequestForm(own_organisation_id=own)
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        created = actions.raise_request(
            actor=request.user, to_organisation=data["to_organisation"], details=data
        )
        if created.repeated:
            messages.info(
                request,
                f"You had already sent this request: it is {created.reference}. "
                "It has not been sent again",
            )
        else:
            messages.success(
                request, f"Request {created.reference} sent to {created.to_organisation.name}"
            )
        return redirect("requests:show", request_id=created.pk)
    return render(
        request,
        "requests/form.html",
        {"form": form, "title": "Ask another organisation for information"},
    )


def log(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not permissions.can_raise_request(request.user):
        raise PermissionDenied
    form = LogRequestForm(request.POST) if request.method == "POST" else LogRequestForm()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        created = actions.log_external_request(actor=request.user, details=data, external=data)
        if created.repeated:
            messages.info(request, f"This request was already logged as {created.reference}")
        else:
            messages.success(request, f"Request {created.reference} logged")
        return redirect("requests:show", request_id=created.pk)
    return render(
        request,
        "requests/form.html",
        {"form": form, "title": "Log a request from outside safeshare"},
    )


def show(request: AuthenticatedHttpRequest, request_id: UUID) -> HttpResponse:
    info = get_request_for_user(request.user, request_id)
    record_access(request, what="requests.request.show", obj=info)
    receiver = permissions.is_receiver(request.user, info)
    # The response as a record of what was decided, never the items: in-system sharing is
    # a disclosure to a named person, opened on its own page (disclosures app).
    decisions = answering().finalised(info)
    own_drafts = answering().drafts(info) if receiver else []
    return render(
        request,
        "requests/show.html",
        {
            "info": info,
            "receiver": receiver,
            "decisions": decisions,
            "drafts": own_drafts,
            "notes": list(info.notes.select_related("by")),
            "can_assign": permissions.can_assign(request.user, info),
            "can_respond": permissions.can_respond(request.user, info),
            "can_add_information": permissions.can_add_information(request.user, info),
            "can_withdraw": permissions.can_withdraw(request.user, info),
            "overdue": info.is_overdue(),
        },
    )


def assign(request: AuthenticatedHttpRequest, request_id: UUID) -> HttpResponse:
    info = get_request_for_user(request.user, request_id)
    if not permissions.can_assign(request.user, info):
        raise PermissionDenied
    team = [request.user]
    if permissions.can_assign_others(request.user):
        team = list(
            User.objects.filter(
                organisation_id=info.to_organisation_id,
                is_active=True,
                role__in=permissions.ASSIGNABLE_ROLES,
            ).order_by("last_name")
        )
    form = AssignForm(team, request.POST) if request.method == "POST" else AssignForm(team)
    if form.is_bound and form.is_valid():
        actions.assign_request(
            actor=request.user, request=info, assignee=form.people[form.cleaned_data["assignee"]]
        )
        messages.success(request, "Request assigned")
        return redirect("requests:show", request_id=info.pk)
    record_access(request, what="requests.request.assign", obj=info)
    return render(
        request, "requests/action.html", {"form": form, "info": info, "button": "Assign request"}
    )


def respond(request: AuthenticatedHttpRequest, request_id: UUID) -> HttpResponse:
    info = get_request_for_user(request.user, request_id)
    if not permissions.can_respond(request.user, info):
        raise PermissionDenied
    people = list(people_for_user(request.user).order_by("family_name", "given_names")[:500])
    form = RespondForm(people, request.POST) if request.method == "POST" else RespondForm(people)
    if form.is_bound and form.is_valid():
        decision = actions.start_response(
            actor=request.user, request=info, subject=form.people[form.cleaned_data["person"]]
        )
        return redirect("decisions:tasks", decision_id=decision.pk)
    record_access(request, what="requests.request.respond", obj=info)
    return render(
        request,
        "requests/action.html",
        {"form": form, "info": info, "button": "Start the decision"},
    )


def new_information(request: AuthenticatedHttpRequest, request_id: UUID) -> HttpResponse:
    info = get_request_for_user(request.user, request_id)
    if not permissions.can_add_information(request.user, info):
        raise PermissionDenied
    form = NewInformationForm(request.POST) if request.method == "POST" else NewInformationForm()
    if form.is_bound and form.is_valid():
        actions.add_new_information(
            actor=request.user, request=info, text=form.cleaned_data["text"]
        )
        messages.success(request, "New information sent")
        return redirect("requests:show", request_id=info.pk)
    record_access(request, what="requests.request.new_information", obj=info)
    return render(
        request,
        "requests/action.html",
        {"form": form, "info": info, "button": "Send new information"},
    )


@require_POST
def withdraw(request: AuthenticatedHttpRequest, request_id: UUID) -> HttpResponse:
    info = get_request_for_user(request.user, request_id)
    actions.withdraw_request(actor=request.user, request=info)
    messages.success(request, "Request withdrawn")
    return redirect("requests:show", request_id=info.pk)
