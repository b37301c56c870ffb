"""Sending to a directory contact with no account (signed in), and the outside
recipient's pages (no sign-in: the link and the code): enter the code, read, acknowledge,
download the PDF. Revoked, expired or locked: a page saying so, with no content."""

from __future__ import annotations

import datetime
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from safeshare.accounts.http import AuthenticatedHttpRequest
from safeshare.audit.actions import record_access, record_outside_access
from safeshare.core.pdf import render_pdf
from safeshare.decisions.queries import get_decision_for_user
from safeshare.disclosures import permissions as disclosure_permissions
from safeshare.disclosures.actions import DEFAULT_DAYS, DisclosureError
from safeshare.disclosures.models import Disclosure
from safeshare.disclosures.queries import content_of, get_disclosure_for_sender
from safeshare.outside import actions, queries
from safeshare.outside.forms import CodeForm, SendOutsideForm
from safeshare.outside.models import OutsideLink


def _private(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "same-origin"  # no-referrer makes Chromium send Origin: null
    return response


def send(request: AuthenticatedHttpRequest, decision_id: UUID) -> HttpResponse:
    decision = get_decision_for_user(request.user, decision_id)
    if not disclosure_permissions.can_send(request.user, decision):
        raise PermissionDenied
    contacts: dict[str, Any] = {
        **{f"cp:{c.pk}": c for c in queries.offered_contact_points(decision)},
        **{f"dp:{p.pk}": p for p in queries.offered_practitioners(decision)},
    }
    items = list(decision.items.all())
    if request.method == "POST":
        form = SendOutsideForm(contacts, items, request.POST)
    else:
        form = SendOutsideForm(
            contacts,
            items,
            initial={"expires_on": timezone.localdate() + datetime.timedelta(days=DEFAULT_DAYS)},
        )
    subjects = list(decision.subjects.all())
    for person in subjects:
        record_access(request, what="outside.send", person=person, obj=decision)
    context: dict[str, Any] = {"decision": decision, "subjects": subjects, "form": form}
    if form.is_bound and form.is_valid():
        try:
            issued = actions.send_to_outside(
                actor=request.user,
                decision=decision,
                contact=form.chosen_contact(),
                items=form.chosen_items(),
                message=form.cleaned_data["message"],
                expires_on=form.cleaned_data["expires_on"],
            )
        except DisclosureError as exc:
            form.add_error(None, str(exc))
        else:
            # The code is shown here once, never stored in clear: the sender phones it.
            return render(
                request,
                "outside/sent.html",
                {
                    "disclosure": issued.disclosure,
                    "link": issued.link,
                    "code": issued.code,
                    "repeated": issued.repeated,
                },
            )
    return render(request, "outside/send.html", context)


@require_POST
def phoned(request: AuthenticatedHttpRequest, disclosure_id: UUID) -> HttpResponse:
    disclosure = get_disclosure_for_sender(request.user, disclosure_id)
    link = queries.link_of(disclosure.pk)
    if link is None:
        raise Http404("Not sent outside safeshare")
    try:
        actions.record_code_phoned(actor=request.user, link=link)
    except actions.OutsideError as exc:
        messages.info(request, str(exc))
    else:
        messages.success(request, f"Recorded: you phoned the code to {disclosure.outside_name}")
    return redirect("disclosures:sent", disclosure_id=disclosure.pk)


def _unavailable(request: HttpRequest, link: OutsideLink, why: str) -> HttpResponse:
    response = render(
        request,
        "outside/unavailable.html",
        {"why": why, "disclosure": link.disclosure},
        status=410,
    )
    return _private(response)


def _link(token: str) -> OutsideLink:
    try:
        return actions.link_for_token(token)
    except OutsideLink.DoesNotExist:
        raise Http404("No such link") from None


@login_not_required
def code(request: HttpRequest, token: str) -> HttpResponse:
    link = _link(token)
    try:
        actions.check_available(link)
    except actions.Unavailable as exc:
        return _unavailable(request, link, str(exc))
    if str(link.pk) in request.session.get(actions.SESSION_KEY, []):
        return redirect("outside:show", token=token)
    form = CodeForm(request.POST or None)
    if form.is_bound and form.is_valid():
        try:
            actions.enter_code(token=token, code=form.cleaned_data["code"], session=request.session)
        except actions.Unavailable as exc:
            return _unavailable(request, link, str(exc))
        except actions.WrongCode as exc:
            form.add_error("code", str(exc))
        else:
            return redirect("outside:show", token=token)
    return _private(
        render(request, "outside/code.html", {"form": form, "disclosure": link.disclosure})
    )


def _opened(request: HttpRequest, token: str) -> OutsideLink | HttpResponse:
    """The link, if this browser session entered its code (PermissionDenied: 403 if not);
    the unavailable page if it was revoked, expired or locked since."""
    link = _link(token)
    try:
        return actions.link_in_session(token, request.session)
    except actions.Unavailable as exc:
        return _unavailable(request, link, str(exc))


def _reader(disclosure: Disclosure) -> Any:
    return disclosure.outside_practitioner or disclosure.outside_contact


@login_not_required
def show(request: HttpRequest, token: str) -> HttpResponse:
    link = _opened(request, token)
    if isinstance(link, HttpResponse):
        return link
    link = actions.record_opened(link=link)
    disclosure = link.disclosure
    content = content_of(disclosure)
    reader = _reader(disclosure)
    for person in content.subjects:
        record_outside_access(
            request,
            what="outside.disclosure.show",
            reader=reader,
            organisation_id=disclosure.recipient_organisation_id,
            obj=disclosure,
            person=person,
        )
    return _private(
        render(
            request,
            "outside/show.html",
            {
                "token": token,
                "link": link,
                "disclosure": disclosure,
                "decision": content.decision,
                "subjects": content.subjects,
                "items": content.items,
                "lawful_basis": content.lawful_basis,
            },
        )
    )


@login_not_required
@require_POST
def acknowledge(request: HttpRequest, token: str) -> HttpResponse:
    link = _opened(request, token)
    if isinstance(link, HttpResponse):
        return link
    try:
        _, first = actions.acknowledge(link=link)
    except actions.Unavailable as exc:
        return _unavailable(request, link, str(exc))
    if first:
        messages.success(request, "You have acknowledged receiving this information")
    return redirect("outside:show", token=token)


@login_not_required
def pdf(request: HttpRequest, token: str) -> HttpResponse:
    link = _opened(request, token)
    if isinstance(link, HttpResponse):
        return link
    disclosure = link.disclosure
    content = content_of(disclosure)
    now = timezone.now()
    reader = _reader(disclosure)
    for person in content.subjects:
        record_outside_access(
            request,
            what="outside.disclosure.pdf",
            reader=reader,
            organisation_id=disclosure.recipient_organisation_id,
            obj=disclosure,
            person=person,
        )
    actions.record_downloaded(link=link, at=now)
    body = render_pdf(
        "outside/disclosure_pdf.html",
        {
            "disclosure": disclosure,
            "decision": content.decision,
            "subjects": content.subjects,
            "items": content.items,
            "lawful_basis": content.lawful_basis,
            "downloaded_by": disclosure.outside_name,
            "downloaded_at": timezone.localtime(now),
        },
        title=f"Disclosure {disclosure.reference}",
        organisation=disclosure.organisation.name,
        produced_at=now,
    )
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{disclosure.reference}.pdf"'
    response["Cache-Control"] = "no-store"
    return _private(response)
