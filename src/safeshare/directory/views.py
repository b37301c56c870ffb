from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from safeshare.accounts.models import Organisation
from safeshare.core.forms import posted
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


def _require_view(request: HttpRequest) -> None:
    if not can_view_directory(request.user):
        raise PermissionDenied


def _require_manage(request: HttpRequest, organisation: Organisation) -> None:
    if not can_manage_directory(request.user, organisation):
        raise PermissionDenied


def index(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    return render(
        request,
        "directory/index.html",
        {
            "organisations": paginate(organisations_for_directory(), ("name", "id"), request.GET),
            "can_import": can_import_directory(request.user),
        },
    )


def organisation(request: HttpRequest, organisation_id: UUID) -> HttpResponse:
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


def edit_profile(request: HttpRequest, organisation_id: UUID) -> HttpResponse:
    _require_view(request)
    org = get_organisation_for_user(request.user, organisation_id)
    _require_manage(request, org)
    profile = OrganisationProfile.objects.filter(organisation=org).first()
    initial = (
        {"address": profile.address, "main_phone": profile.main_phone, "notes": profile.notes}
        if profile
        else {}
    )
    form = ProfileForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        actions.update_profile(actor=request.user, organisation=org, **form.cleaned_data)
        messages.success(request, "Organisation details saved")
        return redirect("directory:organisation", organisation_id=org.pk)
    return render(
        request,
        "directory/form.html",
        {
            "form": form,
            "organisation": org,
            "title": f"Change {org.name}’s details",
            "button": "Save details",
        },
    )


def new_contact(request: HttpRequest, organisation_id: UUID) -> HttpResponse:
    _require_view(request)
    org = get_organisation_for_user(request.user, organisation_id)
    _require_manage(request, org)
    form = ContactPointForm(posted(request), organisation=org)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.add_contact_point(
                actor=request.user,
                organisation=org,
                kind=data["kind"],
                value=data["value"],
                user=data.get("user"),
                label=data["label"],
                verified_on=timezone.localdate() if data.get("checked") else None,
            )
        except actions.DirectoryError as exc:
            form.add_error(exc.field, exc.message)
        else:
            messages.success(request, "Contact point added")
            return redirect("directory:organisation", organisation_id=org.pk)
    return render(
        request,
        "directory/form.html",
        {
            "form": form,
            "organisation": org,
            "title": "Add a contact point",
            "button": "Add contact point",
        },
    )


def edit_contact(request: HttpRequest, contact_id: UUID) -> HttpResponse:
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
    form = ContactPointForm(posted(request), organisation=org, kind=contact.kind, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.change_contact_point(
                actor=request.user,
                contact=contact,
                value=data.get("value", ""),
                user=data.get("user"),
                label=data["label"],
                active=data["active"],
            )
        except actions.DirectoryError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "Contact point saved")
            return redirect("directory:organisation", organisation_id=org.pk)
    return render(
        request,
        "directory/form.html",
        {
            "form": form,
            "organisation": org,
            "title": "Change a contact point",
            "button": "Save contact point",
        },
    )


def _verify(
    request: HttpRequest, organisation: Organisation, entry: ContactPoint | DirectoryPractitioner
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


def verify_contact(request: HttpRequest, contact_id: UUID) -> HttpResponse:
    _require_view(request)
    contact = get_contact_for_user(request.user, contact_id)
    return _verify(request, contact.organisation, contact)


def new_practitioner(request: HttpRequest, organisation_id: UUID) -> HttpResponse:
    _require_view(request)
    org = get_organisation_for_user(request.user, organisation_id)
    _require_manage(request, org)
    form = PractitionerForm(posted(request), organisation=org)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        actions.add_practitioner(
            actor=request.user,
            organisation=org,
            name=data["name"],
            job_title=data["job_title"],
            secure_email=data["secure_email"],
            phone=data["phone"],
            user=data.get("user"),
            verified_on=timezone.localdate() if data.get("checked") else None,
        )
        messages.success(request, "Practitioner added")
        return redirect("directory:organisation", organisation_id=org.pk)
    return render(
        request,
        "directory/form.html",
        {
            "form": form,
            "organisation": org,
            "title": "Add a practitioner",
            "button": "Add practitioner",
        },
    )


def edit_practitioner(request: HttpRequest, practitioner_id: UUID) -> HttpResponse:
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
    form = PractitionerForm(posted(request), organisation=org, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        actions.change_practitioner(actor=request.user, practitioner=person, **form.cleaned_data)
        messages.success(request, "Practitioner saved")
        return redirect("directory:organisation", organisation_id=org.pk)
    return render(
        request,
        "directory/form.html",
        {
            "form": form,
            "organisation": org,
            "title": "Change a practitioner’s details",
            "button": "Save practitioner",
        },
    )


def verify_practitioner(request: HttpRequest, practitioner_id: UUID) -> HttpResponse:
    _require_view(request)
    person = get_practitioner_for_user(request.user, practitioner_id)
    return _verify(request, person.organisation, person)


def import_csv(request: HttpRequest) -> HttpResponse:
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


def export_csv(request: HttpRequest) -> HttpResponse:
    if not can_import_directory(request.user):
        raise PermissionDenied
    response = HttpResponse(csv_io.export_csv(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="safeshare-directory-{stamp}.csv"'
    return response
