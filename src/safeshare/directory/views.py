from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from safeshare.accounts.http import AuthenticatedHttpRequest
from safeshare.accounts.models import Organisation
from safeshare.core.forms import GovUKForm, posted
from safeshare.core.pagination import paginate
from safeshare.directory import actions, csv_io
from safeshare.directory.forms import (
    ContactPointForm,
    ImportForm,
    PractitionerForm,
    ProfileForm,
    VerifyForm,
)
from safeshare.directory.models import ContactPoint, DirectoryPractitioner, OrganisationProfile
from safeshare.directory.permissions import (
    can_import_directory,
    can_manage_directory,
    can_view_directory,
)
from safeshare.directory.queries import (
    get_contact_for_user,
    get_organisation_for_user,
    get_practitioner_for_user,
    organisations_for_directory,
)


def _require_view(request: AuthenticatedHttpRequest) -> None:
    if not can_view_directory(request.user):
        raise PermissionDenied


def _require_manage(request: AuthenticatedHttpRequest, organisation: Organisation) -> None:
    if not can_manage_directory(request.user, organisation):
        raise PermissionDenied


def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_view(request)
    return render(
        request,
        "directory/index.html",
        {
            "organisations": paginate(organisations_for_directory(), ("name", "id"), request.GET),
            "can_import": can_import_directory(request.user),
        },
    )


def organisation(request: AuthenticatedHttpRequest, organisation_id: UUID) -> HttpResponse:
    _require_view(request)
    org = get_organisation_for_user(request.user, organisation_id)
    profile = OrganisationProfile.objects.filter(organisation=org).first()
    return render(
        request,
        "directory/organisation.html",
        {
            "organisation": org,
            "profile": profile,
            "contacts": list(org.contact_points.all()),
            "practitioners": paginate(
                DirectoryPractitioner.objects.filter(organisation=org).select_related(
                    "verified_by"
                ),
                ("name", "id"),
                request.GET,
            ),
            "can_manage": can_manage_directory(request.user, org),
        },
    )


def _form_page(
    request: AuthenticatedHttpRequest,
    organisation: Organisation,
    form: GovUKForm,
    save: Callable[[dict[str, Any]], object],
    *,
    title: str,
    button: str,
    success: str,
) -> HttpResponse:
    """A page of `form` about an organisation's entry. A valid submission is saved, and the
    page goes back to the organisation; a change the directory refuses shows on its field."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except actions.DirectoryError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, success)
            return redirect("directory:organisation", organisation_id=organisation.pk)
    return render(
        request,
        "directory/form.html",
        {"form": form, "organisation": organisation, "title": title, "button": button},
    )


def _add_page(
    request: AuthenticatedHttpRequest,
    organisation_id: UUID,
    form_class: type[ContactPointForm | PractitionerForm],
    add: Callable[..., object],
    **page: str,
) -> HttpResponse:
    """A page adding an entry to an organisation; ticking "checked" vouches for it today."""
    _require_view(request)
    org = get_organisation_for_user(request.user, organisation_id)
    _require_manage(request, org)

    def save(data: dict[str, Any]) -> object:
        fields = {name: value for name, value in data.items() if name != "checked"}
        verified_on = timezone.localdate() if data.get("checked") else None
        return add(actor=request.user, organisation=org, verified_on=verified_on, **fields)

    return _form_page(request, org, form_class(posted(request), organisation=org), save, **page)


def edit_profile(request: AuthenticatedHttpRequest, organisation_id: UUID) -> HttpResponse:
    _require_view(request)
    org = get_organisation_for_user(request.user, organisation_id)
    _require_manage(request, org)
    profile = OrganisationProfile.objects.filter(organisation=org).first()
    initial = (
        {"address": profile.address, "main_phone": profile.main_phone, "notes": profile.notes}
        if profile
        else {}
    )
    return _form_page(
        request,
        org,
        ProfileForm(posted(request), initial=initial),
        lambda data: actions.update_profile(actor=request.user, organisation=org, **data),
        title=f"Change {org.name}’s details",
        button="Save details",
        success="Organisation details saved",
    )


def new_contact(request: AuthenticatedHttpRequest, organisation_id: UUID) -> HttpResponse:
    return _add_page(
        request,
        organisation_id,
        ContactPointForm,
        actions.add_contact_point,
        title="Add a contact point",
        button="Add contact point",
        success="Contact point added",
    )


def edit_contact(request: AuthenticatedHttpRequest, contact_id: UUID) -> HttpResponse:
    _require_view(request)
    contact = get_contact_for_user(request.user, contact_id)
    org = contact.organisation
    _require_manage(request, org)
    initial = {
        "value": contact.value,
        "user": contact.user_id,
        "label": contact.label,
        "active": contact.active,
    }
    return _form_page(
        request,
        org,
        ContactPointForm(posted(request), organisation=org, kind=contact.kind, initial=initial),
        lambda data: actions.change_contact_point(actor=request.user, contact=contact, **data),
        title="Change a contact point",
        button="Save contact point",
        success="Contact point saved",
    )


def _verify(
    request: AuthenticatedHttpRequest,
    organisation: Organisation,
    entry: ContactPoint | DirectoryPractitioner,
) -> HttpResponse:
    _require_manage(request, organisation)
    form = VerifyForm(posted(request))
    if request.method == "POST" and form.is_valid():
        if isinstance(entry, ContactPoint):
            actions.verify_contact_point(actor=request.user, contact=entry)
        else:
            actions.verify_practitioner(actor=request.user, practitioner=entry)
        messages.success(request, "Recorded as checked today")
        return redirect("directory:organisation", organisation_id=organisation.pk)
    return render(
        request,
        "directory/verify.html",
        {
            "form": form,
            "organisation": organisation,
            "entry": entry,
            "is_contact": isinstance(entry, ContactPoint),
        },
    )


def verify_contact(request: AuthenticatedHttpRequest, contact_id: UUID) -> HttpResponse:
    _require_view(request)
    contact = get_contact_for_user(request.user, contact_id)
    return _verify(request, contact.organisation, contact)


def new_practitioner(request: AuthenticatedHttpRequest, organisation_id: UUID) -> HttpResponse:
    return _add_page(
        request,
        organisation_id,
        PractitionerForm,
        actions.add_practitioner,
        title="Add a practitioner",
        button="Add practitioner",
        success="Practitioner added",
    )


def edit_practitioner(request: AuthenticatedHttpRequest, practitioner_id: UUID) -> HttpResponse:
    _require_view(request)
    person = get_practitioner_for_user(request.user, practitioner_id)
    org = person.organisation
    _require_manage(request, org)
    initial = {
        "name": person.name,
        "job_title": person.job_title,
        "secure_email": person.secure_email,
        "phone": person.phone,
        "active": person.active,
    }
    return _form_page(
        request,
        org,
        PractitionerForm(posted(request), organisation=org, editing=True, initial=initial),
        lambda data: actions.change_practitioner(actor=request.user, practitioner=person, **data),
        title="Change a practitioner’s details",
        button="Save practitioner",
        success="Practitioner saved",
    )


def verify_practitioner(request: AuthenticatedHttpRequest, practitioner_id: UUID) -> HttpResponse:
    _require_view(request)
    person = get_practitioner_for_user(request.user, practitioner_id)
    return _verify(request, person.organisation, person)


def import_csv(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_import_directory(request.user):
        raise PermissionDenied
    form = ImportForm(posted(request), request.FILES if request.method == "POST" else None)
    result = None
    if request.method == "POST" and form.is_valid():
        dry_run = request.POST.get("action") != "import"
        result = actions.import_directory(
            actor=request.user, data=form.cleaned_data["file"], dry_run=dry_run
        )
        if result.written:
            messages.success(
                request,
                f"Imported {result.contacts} contact points and {result.practitioners} practitioners",
            )
            return redirect("directory:index")
    return render(request, "directory/import.html", {"form": form, "result": result})


def export_csv(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_import_directory(request.user):
        raise PermissionDenied
    response = HttpResponse(csv_io.export_csv(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="safeshare-directory-{stamp}.csv"'
    return response
