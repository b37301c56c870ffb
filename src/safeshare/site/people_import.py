"""Importing people from a CSV file: upload, a dry run listing every bad row, confirm.

The uploaded file waits in the administrator's session (server-side: the session table),
never in a URL or a hidden field, under a one-time token the confirm page posts back.
Nothing is written until Import people is pressed; pressing it twice imports once.
"""

from __future__ import annotations

import base64
import hashlib
import secrets

from django.contrib import messages
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render

from safeshare.accounts.http import AuthenticatedHttpRequest
from safeshare.core.forms import posted
from safeshare.subjects import actions
from safeshare.subjects.forms import PeopleFileForm
from safeshare.subjects.import_people import COLUMNS, MAX_ROWS
from safeshare.subjects.permissions import can_import_people

PENDING = "subjects.people_import"


def _require(request: AuthenticatedHttpRequest) -> None:
    if not can_import_people(request.user):
        raise PermissionDenied


def upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require(request)
    form = PeopleFileForm(posted(request), request.FILES if request.method == "POST" else None)
    result = None
    if request.method == "POST" and form.is_valid():
        data: bytes = form.cleaned_data["file"]
        result = actions.import_people(actor=request.user, data=data, dry_run=True)
        if not result.problems:
            request.session[PENDING] = {
                "token": secrets.token_urlsafe(16),
                "file": base64.b64encode(data).decode("ascii"),
                "people": result.checked.rows if result.checked else 0,
                "digest": hashlib.sha256(data).hexdigest(),
            }
            return redirect("subjects:import_confirm")
    context = {"form": form, "result": result, "columns": COLUMNS, "max_rows": MAX_ROWS}
    return render(request, "subjects/import.html", context)


def _fresh_pending(request: AuthenticatedHttpRequest) -> tuple[SessionBase, dict[str, str] | None]:
    """The session as stored now, not as this request loaded it: a second press of Import
    people, waiting for the first, then finds the file already taken."""
    store = request.session.__class__(session_key=request.session.session_key)
    return store, store.get(PENDING)


def confirm(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require(request)
    pending = request.session.get(PENDING)
    if request.method != "POST":
        if not pending:
            return redirect("subjects:import")
        return render(
            request,
            "subjects/import_confirm.html",
            {"people": pending["people"], "token": pending["token"]},
        )
    token = request.POST.get("token", "")
    # Whatever happens next, this request's copy no longer holds the file, so saving the
    # session at the end of this request cannot bring it back.
    request.session.pop(PENDING, None)
    digest = pending["digest"] if pending else ""

    def claim() -> bool:
        store, fresh = _fresh_pending(request)
        if not fresh or not secrets.compare_digest(fresh.get("token", ""), token):
            return False
        if fresh.get("digest") != digest:
            return False
        store.pop(PENDING)
        store.save()
        return True

    result = actions.import_people(
        actor=request.user,
        data=base64.b64decode(pending["file"]) if pending else b"",
        dry_run=False,
        claim=claim,
    )
    if result.already_imported:
        messages.info(request, "This file has already been imported, or its check has expired")
        return redirect("subjects:import")
    if result.problems:
        # Someone added one of these people after the check: show the rows again.
        form = PeopleFileForm()
        context = {"form": form, "result": result, "columns": COLUMNS, "max_rows": MAX_ROWS}
        return render(request, "subjects/import.html", context)
    messages.success(request, f"{result.written} people imported")
    return redirect("subjects:import")
