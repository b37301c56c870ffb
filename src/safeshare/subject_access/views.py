"""Subject access requests, for the organisation's information governance lead. Every
page that shows the person records it (audit.actions); the pack and its files are ledger
events too (actions.record_export)."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render

from safeshare.accounts.http import AuthenticatedHttpRequest
from safeshare.audit.actions import record_access, record_access_many
from safeshare.core.forms import posted
from safeshare.core.pagination import paginate
from safeshare.subject_access import actions, permissions, queries
from safeshare.subject_access.export import file_name, pack_csv, pack_pdf
from safeshare.subject_access.forms import ExtendForm, LogRequestForm, RedactForm, SignOffForm
from safeshare.subject_access.models import REDACTED_TEXT, SubjectAccessRequest
from safeshare.subject_access.pack import MARKING, build_pack
from safeshare.subjects.forms import SearchForm
from safeshare.subjects.queries import get_person_for_user, search_people


def _require_ig_lead(request: AuthenticatedHttpRequest) -> None:
    if not permissions.can_handle_subject_access(request.user):
        raise PermissionDenied


def _get(request: AuthenticatedHttpRequest, sar_id: UUID) -> SubjectAccessRequest:
    # Scope first: another organisation's request is a 404 to everyone.
    sar = queries.get_request_for_user(request.user, sar_id)
    if not permissions.can_view_request(request.user, sar):
        raise PermissionDenied
    return sar


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_ig_lead(request)
    page = paginate(queries.open_requests(request.user), queries.OPEN_ORDER, request.GET)
    record_access_many(request, what="subject_access.request.list", people=[r.person for r in page])
    return render(request, "subject_access/index.html", {"page": page})


def find_person(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Whom the request is about: searched by a POST, so the name never enters a URL."""
    _require_ig_lead(request)
    form = SearchForm(posted(request))
    results = None
    if form.is_bound and form.is_valid():
        results = list(search_people(request.user, form.cleaned_data["q"])[:50])
        record_access_many(request, what="subject_access.person.search", people=results)
    return render(request, "subject_access/find_person.html", {"form": form, "results": results})


def new(request: AuthenticatedHttpRequest, person_id: UUID) -> HttpResponse:
    person = get_person_for_user(request.user, person_id)
    if not permissions.can_log_request(request.user, person):
        raise PermissionDenied
    form = LogRequestForm(posted(request))
    if form.is_bound and form.is_valid():
        try:
            sar = actions.log_subject_access_request(
                actor=request.user, person=person, **form.cleaned_data
            )
        except actions.InvalidSubjectAccessInput as invalid:
            form.add_error(invalid.field, invalid.message)
        else:
            record_access(request, what="subject_access.request.logged", person=person, obj=sar)
            messages.success(request, f"Subject access request logged: due {sar.due_on:%-d %B %Y}")
            return redirect("subject_access:show", sar_id=sar.pk)
    record_access(request, what="subject_access.request.new", person=person)
    return render(request, "subject_access/new.html", {"form": form, "person": person})


def show(request: AuthenticatedHttpRequest, sar_id: UUID) -> HttpResponse:
    sar = _get(request, sar_id)
    pack = build_pack(request.user, sar)
    record_access(request, what="subject_access.request.show", person=sar.person, obj=sar)
    user = request.user
    return render(
        request,
        "subject_access/show.html",
        {
            "sar": sar,
            "pack": pack,
            "extensions": list(sar.extensions.select_related("by")),
            "redactions": {str(r.item_id): r for r in sar.redactions.select_related("by")},
            "can_extend": permissions.can_extend(user, sar),
            "can_redact": permissions.can_redact(user, sar),
            "can_sign_off": permissions.can_sign_off(user, sar),
        },
    )


def extend(request: AuthenticatedHttpRequest, sar_id: UUID) -> HttpResponse:
    sar = _get(request, sar_id)
    if not permissions.can_extend(request.user, sar):
        raise PermissionDenied
    form = ExtendForm(posted(request), months_left=permissions.extension_months_left(sar))
    if form.is_bound and form.is_valid():
        try:
            actions.extend_subject_access_request(
                actor=request.user,
                request=sar,
                months=int(form.cleaned_data["months"]),
                reason=form.cleaned_data["reason"],
            )
        except actions.InvalidSubjectAccessInput as invalid:
            form.add_error(invalid.field, invalid.message)
        else:
            record_access(
                request, what="subject_access.request.extended", person=sar.person, obj=sar
            )
            messages.success(request, f"Extended: now due {sar.due_on:%-d %B %Y}")
            return redirect("subject_access:show", sar_id=sar.pk)
    record_access(request, what="subject_access.request.extend", person=sar.person, obj=sar)
    return render(request, "subject_access/extend.html", {"form": form, "sar": sar})


def redact(request: AuthenticatedHttpRequest, sar_id: UUID, item_id: UUID) -> HttpResponse:
    sar = _get(request, sar_id)
    item = queries.get_item_for_request(request.user, sar, item_id)
    if not permissions.can_redact(request.user, sar):
        raise PermissionDenied
    form = RedactForm(posted(request))
    if form.is_bound and form.is_valid():
        try:
            actions.redact_item(
                actor=request.user, request=sar, item=item, reason=form.cleaned_data["reason"]
            )
        except actions.InvalidSubjectAccessInput as invalid:
            form.add_error(invalid.field, invalid.message)
        else:
            record_access(request, what="subject_access.item.redacted", person=sar.person, obj=sar)
            messages.success(request, "Item redacted in the pack. The record is unchanged.")
            return redirect("subject_access:show", sar_id=sar.pk)
    record_access(request, what="subject_access.item.redact", person=sar.person, obj=item)
    return render(
        request,
        "subject_access/redact.html",
        {"form": form, "sar": sar, "item": item, "redacted_text": REDACTED_TEXT},
    )


def sign_off(request: AuthenticatedHttpRequest, sar_id: UUID) -> HttpResponse:
    sar = _get(request, sar_id)
    if not permissions.can_sign_off(request.user, sar):
        raise PermissionDenied
    pack = build_pack(request.user, sar)
    form = SignOffForm(posted(request))
    if form.is_bound and form.is_valid():
        actions.sign_off(actor=request.user, request=sar)
        record_access(request, what="subject_access.request.signed_off", person=sar.person, obj=sar)
        messages.success(request, "Pack signed off")
        return redirect("subject_access:show", sar_id=sar.pk)
    record_access(request, what="subject_access.request.sign_off", person=sar.person, obj=sar)
    unredacted = [row for row in pack.flagged if not row.redacted]
    return render(
        request,
        "subject_access/sign_off.html",
        {"form": form, "sar": sar, "pack": pack, "unredacted": unredacted},
    )


def pack(request: AuthenticatedHttpRequest, sar_id: UUID) -> HttpResponse:
    """The pack as a page styled for printing (A4, marked on every page)."""
    sar = _get(request, sar_id)
    built = build_pack(request.user, sar)
    actions.record_export(actor=request.user, request=sar, file_format="html")
    record_access(request, what="subject_access.pack.html", person=sar.person, obj=sar)
    return _no_store(
        render(request, "subject_access/pack.html", {"pack": built, "marking": MARKING})
    )


def pack_csv_file(request: AuthenticatedHttpRequest, sar_id: UUID) -> HttpResponse:
    sar = _get(request, sar_id)
    text = pack_csv(build_pack(request.user, sar))
    actions.record_export(actor=request.user, request=sar, file_format="csv")
    record_access(request, what="subject_access.pack.csv", person=sar.person, obj=sar)
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{file_name(sar, "csv")}"'
    return _no_store(response)


def pack_pdf_file(request: AuthenticatedHttpRequest, sar_id: UUID) -> HttpResponse:
    sar = _get(request, sar_id)
    content = pack_pdf(build_pack(request.user, sar))
    actions.record_export(actor=request.user, request=sar, file_format="pdf")
    record_access(request, what="subject_access.pack.pdf", person=sar.person, obj=sar)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{file_name(sar, "pdf")}"'
    return _no_store(response)
