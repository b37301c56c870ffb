from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from safeshare.accounts.http import AuthenticatedHttpRequest
from safeshare.agreements import actions
from safeshare.agreements.forms import AgreementForm
from safeshare.agreements.models import Agreement
from safeshare.agreements.permissions import (
    can_add_agreement,
    can_choose_holder,
    can_edit_agreement,
    can_view_agreements,
)
from safeshare.agreements.queries import agreements_list, get_agreement_for_user, review_due_by
from safeshare.core.forms import posted
from safeshare.guidance.catalogue import catalogue


def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_view_agreements(request.user):
        raise PermissionDenied
    return render(
        request,
        "agreements/index.html",
        {
            "agreements": agreements_list(request.user),
            "can_add": can_add_agreement(request.user),
            "due_by": review_due_by(),
        },
    )


def show(request: AuthenticatedHttpRequest, agreement_id: UUID) -> HttpResponse:
    if not can_view_agreements(request.user):
        raise PermissionDenied
    agreement = get_agreement_for_user(request.user, agreement_id)
    bases = catalogue().bases
    today = timezone.localdate()
    return render(
        request,
        "agreements/show.html",
        {
            "agreement": agreement,
            "lawful_bases": [bases[b].title if b in bases else b for b in agreement.lawful_bases],
            "in_force": agreement.in_force_on(today),
            "review_due": agreement.review_on <= review_due_by(today),
            "can_edit": can_edit_agreement(request.user, agreement),
        },
    )


def _owner_for(request: AuthenticatedHttpRequest) -> Any:
    return None if can_choose_holder(request.user) else request.user.organisation


def new(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_add_agreement(request.user):
        raise PermissionDenied
    owner = _owner_for(request)
    form = AgreementForm(posted(request), owner=owner)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["owner"] = data.get("owner") or owner
        agreement = actions.add_agreement(actor=request.user, **data)
        messages.success(request, "Agreement added")
        return redirect("agreements:show", agreement_id=agreement.pk)
    return render(
        request,
        "agreements/form.html",
        {"form": form, "title": "Add an information sharing agreement"},
    )


def _initial(agreement: Agreement) -> dict[str, Any]:
    return {
        "owner": agreement.owner_id,
        "title": agreement.title,
        "reference": agreement.reference,
        "parties": [p.pk for p in agreement.parties.all() if p.pk != agreement.owner_id],
        "purposes": [p.pk for p in agreement.purposes.all()],
        "categories": agreement.categories,
        "lawful_bases": agreement.lawful_bases,
        "start_on": agreement.start_on,
        "end_on": agreement.end_on,
        "review_on": agreement.review_on,
        "document_url": agreement.document_url,
        "document_reference": agreement.document_reference,
    }


def edit(request: AuthenticatedHttpRequest, agreement_id: UUID) -> HttpResponse:
    if not can_view_agreements(request.user):
        raise PermissionDenied
    agreement = get_agreement_for_user(request.user, agreement_id)
    if not can_edit_agreement(request.user, agreement):
        raise PermissionDenied
    owner = None if can_choose_holder(request.user) else agreement.owner
    form = AgreementForm(posted(request), owner=owner, initial=_initial(agreement))
    if request.method == "POST" and form.is_valid():
        actions.change_agreement(actor=request.user, agreement=agreement, **form.cleaned_data)
        messages.success(request, "Agreement saved")
        return redirect("agreements:show", agreement_id=agreement.pk)
    return render(
        request,
        "agreements/form.html",
        {"form": form, "title": "Change an information sharing agreement", "agreement": agreement},
    )
