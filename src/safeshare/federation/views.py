"""Federation pages and the inbox.

- POST /federation/inbox: another deployment's signed messages (no session, no CSRF
  token: the RFC 9421 signature is the authentication). JSON answers, signed when 200.
- The requesting side's named recipient: /federation/received/ (their list) and
  /federation/received/<id>/ (opening it is the read receipt; acknowledging).
- The answering side: /federation/decisions/<id>/send/ (a finalised sharing decision that
  answers a request from another partnership: choose items, message, expiry; check and
  send), /federation/sent/<id>/ (what was sent, what was reported back) and its revoke page.
"""

from __future__ import annotations

import datetime
import json
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from safeshare.accounts.http import AuthenticatedHttpRequest
from safeshare.accounts.permissions import can_view_case_records
from safeshare.audit.actions import record_access
from safeshare.core.pagination import paginate
from safeshare.decisions.models import Decision
from safeshare.decisions.queries import get_decision_for_user
from safeshare.disclosures import permissions as disclosure_permissions
from safeshare.disclosures.actions import DEFAULT_DAYS
from safeshare.disclosures.forms import RevokeForm, item_label
from safeshare.federation import actions, keys, permissions, queries, signing
from safeshare.federation.forms import SendForm
from safeshare.federation.models import STATUS_LABELS, EventKind, ReceivedDisclosure


def _json(status: int, answer: dict[str, object]) -> HttpResponse:
    body = json.dumps(answer, sort_keys=True).encode()
    response = HttpResponse(body, status=status, content_type="application/json")
    if status == 200:
        private = keys.own_key()
        for name, value in signing.sign_response(
            status=200, body=body, key=private, key_id=keys.key_id(private.public_key())
        ).items():
            response[name] = value
    return response


@csrf_exempt
@login_not_required
@require_POST
def inbox(request: HttpRequest) -> HttpResponse:
    try:
        keys.own_key()
    except keys.NotConfigured:
        return _json(503, {"error": "This deployment does not take part in federation"})
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > actions.MAX_BODY_BYTES:
        return _json(413, {"error": "The message is too large"})
    headers = {name: value for name, value in request.headers.items()}
    try:
        answer = actions.receive(
            method=request.method or "POST",
            url=request.build_absolute_uri(request.path),
            headers=headers,
            body=request.body,
        )
    except signing.Refused as exc:
        return _json(exc.status, {"error": exc.message})
    return _json(200, answer)


# --- The recipient here ---------------------------------------------------------------


def received(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_view_case_records(request.user):
        raise PermissionDenied
    rows = paginate(queries.received_by(request.user), queries.RECEIVED_ORDER, request.GET)
    return render(request, "federation/received.html", {"rows": rows, "labels": STATUS_LABELS})


def _gone(request: HttpRequest, disclosure: ReceivedDisclosure, status: str) -> HttpResponse:
    return render(
        request,
        "federation/received_gone.html",
        {"disclosure": disclosure, "status": status},
        status=410,
    )


def received_show(request: AuthenticatedHttpRequest, disclosure_id: UUID) -> HttpResponse:
    disclosure = queries.get_received(request.user, disclosure_id)
    status = disclosure.status()
    if status in {"revoked", "expired"}:
        return _gone(request, disclosure, status)
    actions.record_opened(actor=request.user, disclosure=disclosure)
    disclosure = queries.get_received(request.user, disclosure_id)
    return render(
        request,
        "federation/received_show.html",
        {
            "disclosure": disclosure,
            "content": disclosure.content,
            "acknowledged": disclosure.event(EventKind.ACKNOWLEDGED),
        },
    )


@require_POST
def received_acknowledge(request: AuthenticatedHttpRequest, disclosure_id: UUID) -> HttpResponse:
    disclosure = queries.get_received(request.user, disclosure_id)
    status = disclosure.status()
    if status in {"revoked", "expired"}:
        # Revoked or expired while its page was open: say so, as opening it would.
        return _gone(request, disclosure, status)
    if not permissions.can_open(request.user, disclosure):
        raise PermissionDenied
    actions.acknowledge(actor=request.user, disclosure=disclosure)
    messages.success(request, "Receipt acknowledged. The sender's deployment has been told.")
    return redirect("federation:received_show", disclosure_id=disclosure.pk)


# --- The answering side -----------------------------------------------------------------


def _decision_to_send(request: AuthenticatedHttpRequest, decision_id: UUID) -> Decision:
    decision = get_decision_for_user(request.user, decision_id)  # another organisation's: 404
    if not disclosure_permissions.can_send(request.user, decision):
        raise PermissionDenied
    if decision.request_id is None or queries.inbound_for(decision.request_id) is None:
        raise Http404
    return decision


def _hidden(form: SendForm) -> list[tuple[str, str]]:
    """The checked answers, carried to the send button: nothing is stored until then."""
    data = form.cleaned_data
    expires_on: datetime.date = data["expires_on"]
    return [
        *(("items", pk) for pk in data["items"]),
        ("message", data["message"]),
        ("expires_on_0", str(expires_on.day)),
        ("expires_on_1", str(expires_on.month)),
        ("expires_on_2", str(expires_on.year)),
    ]


def send(request: AuthenticatedHttpRequest, decision_id: UUID) -> HttpResponse:
    decision = _decision_to_send(request, decision_id)
    inbound = queries.inbound_for(decision.request_id)
    assert inbound is not None
    subjects = list(decision.subjects.all())
    for person in subjects:
        record_access(request, what="federation.send", person=person, obj=decision)
    items = list(decision.items.select_related("about"))
    initial = {"expires_on": timezone.localdate() + datetime.timedelta(days=DEFAULT_DAYS)}
    form = SendForm(items, request.POST if request.method == "POST" else None, initial=initial)
    action = request.POST.get("action", "check") if request.method == "POST" else ""
    confirming = action == "send"
    if request.method == "POST" and action != "change" and form.is_valid():
        if confirming:
            try:
                sent = actions.send_remote_disclosure(
                    actor=request.user,
                    decision=decision,
                    items=form.chosen_items(),
                    message=form.cleaned_data["message"],
                    expires_on=form.cleaned_data["expires_on"],
                )
            except actions.FederationError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            except keys.NotConfigured:
                form.add_error(
                    None, "This deployment has no federation key: ask your administrator"
                )
            else:
                if getattr(sent, "repeated", False):
                    messages.info(request, "This was already sent: nothing new was sent.")
                else:
                    messages.success(
                        request, f"Sent, signed, to {inbound.requester_name} ({sent.reference})."
                    )
                return redirect("federation:sent_show", disclosure_id=sent.pk)
        else:
            return render(
                request,
                "federation/send_check.html",
                {
                    "decision": decision,
                    "inbound": inbound,
                    "form": form,
                    "subjects": subjects,
                    "chosen": [
                        (item_label(item, items.index(item) + 1), item)
                        for item in form.chosen_items()
                    ],
                    "hidden": _hidden(form),
                },
            )
    return render(
        request,
        "federation/send.html",
        {"decision": decision, "inbound": inbound, "form": form, "subjects": subjects},
    )


def sent_show(request: AuthenticatedHttpRequest, disclosure_id: UUID) -> HttpResponse:
    disclosure = queries.get_sent(request.user, disclosure_id)
    return render(
        request,
        "federation/sent_show.html",
        {
            "disclosure": disclosure,
            "status": disclosure.status(),
            "labels": STATUS_LABELS,
            "events": list(disclosure.events.all()),
            "can_revoke": permissions.can_revoke(request.user, disclosure),
        },
    )


def sent_revoke(request: AuthenticatedHttpRequest, disclosure_id: UUID) -> HttpResponse:
    disclosure = queries.get_sent(request.user, disclosure_id)
    if not permissions.can_revoke(request.user, disclosure):
        raise PermissionDenied
    form = RevokeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.revoke(
                actor=request.user, disclosure=disclosure, reason=form.cleaned_data["reason"]
            )
        except actions.FederationError as exc:
            form.add_error("reason", exc.message)
        else:
            messages.success(
                request,
                f"{disclosure.reference} revoked. The recipient's deployment has been told.",
            )
            return redirect("federation:sent_show", disclosure_id=disclosure.pk)
    return render(request, "federation/revoke.html", {"disclosure": disclosure, "form": form})
