"""Secure disclosures: sending from a decision (organisation, then recipient, information,
message and expiry, then check and send), the recipient's list and page, acknowledging,
revoking."""

from __future__ import annotations

import datetime
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from safeshare.accounts.http import AuthenticatedHttpRequest
from safeshare.accounts.models import CASE_ROLES, Organisation, User
from safeshare.accounts.permissions import can_view_case_records
from safeshare.audit.actions import record_access
from safeshare.core.pagination import paginate
from safeshare.decisions.models import Decision
from safeshare.decisions.queries import get_decision_for_user
from safeshare.disclosures import actions, permissions
from safeshare.disclosures.actions import DEFAULT_DAYS, DisclosureError
from safeshare.disclosures.forms import ComposeForm, OrganisationForm, RevokeForm, item_label
from safeshare.disclosures.queries import (
    RECEIVED_ORDER,
    content_of,
    disclosures_received,
    get_disclosure_for_recipient,
    get_disclosure_for_sender,
)
from safeshare.subjects.models import Person


def _decision_to_send(request: AuthenticatedHttpRequest, decision_id: UUID) -> Decision:
    decision = get_decision_for_user(request.user, decision_id)  # another organisation's: 404
    if not permissions.can_send(request.user, decision):
        raise PermissionDenied
    return decision


def _shown(
    request: AuthenticatedHttpRequest, decision: Decision, what: str, obj: Any = None
) -> list[Person]:
    """The people a page names, each view recorded for each of them (read audit)."""
    subjects = list(decision.subjects.prefetch_related("identifiers"))
    for person in subjects:
        record_access(request, what=what, person=person, obj=obj or decision)
    return subjects


def _recipients_of(organisation_id: Any) -> QuerySet[User]:
    return User.objects.filter(
        organisation_id=organisation_id, is_active=True, role__in=CASE_ROLES
    ).order_by("last_name", "first_name")


def _organisations(decision: Decision) -> QuerySet[Organisation]:
    """Other organisations with at least one person who can receive a disclosure."""
    someone = User.objects.filter(
        organisation_id=OuterRef("pk"), is_active=True, role__in=CASE_ROLES
    )
    return Organisation.objects.exclude(pk=decision.organisation_id).filter(Exists(someone))


def recorded_recipient(decision: Decision) -> str:
    return ", ".join(
        x
        for x in [
            decision.recipient_name,
            decision.recipient_role,
            decision.recipient_organisation_display,
        ]
        if x
    )


def differs_from_record(decision: Decision, recipient: User) -> bool:
    """The person chosen is not the recipient the decision records."""
    organisation = recipient.organisation.name if recipient.organisation else ""
    if decision.recipient_organisation_id:
        if decision.recipient_organisation_id != recipient.organisation_id:
            return True
    elif (
        decision.recipient_organisation_name
        and decision.recipient_organisation_name.strip().casefold() != organisation.casefold()
    ):
        return True
    if decision.recipient_name:
        return decision.recipient_name.strip().casefold() != recipient.display_name().casefold()
    return False


def _requester_id(decision: Decision) -> Any:
    """The safeshare user who asked, when the decision answers their request: the person
    an in-system response is usually sent to."""
    return decision.request.requested_by_id if decision.request_id and decision.request else None


def _requesting_organisation(decision: Decision) -> Any:
    return (
        decision.request.from_organisation_id if decision.request_id and decision.request else None
    )


def received(request: AuthenticatedHttpRequest) -> HttpResponse:
    """ "Shared with you": no one's personal data, only who sent what when, and its state."""
    if not can_view_case_records(request.user):
        raise PermissionDenied
    rows = paginate(disclosures_received(request.user), RECEIVED_ORDER, request.GET)
    return render(request, "disclosures/received.html", {"rows": rows, "now": timezone.now()})


def new(request: AuthenticatedHttpRequest, decision_id: UUID) -> HttpResponse:
    decision = _decision_to_send(request, decision_id)
    organisations = _organisations(decision)
    if request.method == "POST":
        form = OrganisationForm(organisations, request.POST)
        if form.is_valid():
            return redirect(
                "disclosures:compose",
                decision_id=decision.pk,
                organisation_id=form.chosen_organisation().pk,
            )
    else:
        prefill = decision.recipient_organisation_id or _requesting_organisation(decision)
        if prefill is None and decision.recipient_organisation_name:
            match = organisations.filter(
                name__iexact=decision.recipient_organisation_name.strip()
            ).first()
            prefill = match.pk if match else None
        form = OrganisationForm(
            organisations, initial={"organisation": str(prefill) if prefill else ""}
        )
    subjects = _shown(request, decision, "disclosures.send.organisation")
    return render(
        request,
        "disclosures/new.html",
        {
            "decision": decision,
            "subjects": subjects,
            "form": form,
            "recorded_recipient": recorded_recipient(decision),
        },
    )


def _hidden(form: ComposeForm) -> list[tuple[str, str]]:
    """The checked answers, carried to the send button: nothing is stored until then."""
    data = form.cleaned_data
    expires_on: datetime.date = data["expires_on"]
    return [
        ("recipient", data["recipient"]),
        *(("items", pk) for pk in data["items"]),
        ("message", data["message"]),
        ("expires_on_0", str(expires_on.day)),
        ("expires_on_1", str(expires_on.month)),
        ("expires_on_2", str(expires_on.year)),
    ]


def compose(
    request: AuthenticatedHttpRequest, decision_id: UUID, organisation_id: UUID
) -> HttpResponse:
    decision = _decision_to_send(request, decision_id)
    organisation = _organisations(decision).filter(pk=organisation_id).first()
    if organisation is None:
        raise Http404("No such organisation to send to")
    recipients = list(_recipients_of(organisation.pk))
    items = list(decision.items.all())
    step = request.POST.get("action", "check") if request.method == "POST" else ""
    if request.method == "POST":
        form = ComposeForm(recipients, items, request.POST)
    else:
        named = next(
            (
                u
                for u in recipients
                if decision.recipient_name
                and u.display_name().casefold() == decision.recipient_name.strip().casefold()
            ),
            None,
        ) or next((u for u in recipients if u.pk == _requester_id(decision)), None)
        form = ComposeForm(
            recipients,
            items,
            initial={
                "recipient": str(named.pk) if named else None,
                "expires_on": timezone.localdate() + datetime.timedelta(days=DEFAULT_DAYS),
            },
        )
    subjects = _shown(request, decision, "disclosures.send.compose")
    context: dict[str, Any] = {
        "decision": decision,
        "subjects": subjects,
        "organisation": organisation,
        "form": form,
        "recorded_recipient": recorded_recipient(decision),
    }
    if step in {"check", "send"} and form.is_valid():
        recipient = form.chosen_recipient()
        chosen = form.chosen_items()
        if step == "send":
            try:
                disclosure = actions.send_disclosure(
                    actor=request.user,
                    decision=decision,
                    recipient=recipient,
                    items=chosen,
                    message=form.cleaned_data["message"],
                    expires_on=form.cleaned_data["expires_on"],
                )
            except DisclosureError as exc:
                form.add_error(None, str(exc))
                return render(request, "disclosures/compose.html", context)
            if disclosure.repeated:
                messages.info(
                    request,
                    f"This information was already sent to {disclosure.recipient_name} "
                    f"({disclosure.reference}): it has not been sent again",
                )
            return redirect("disclosures:sent", disclosure_id=disclosure.pk)
        numbers = {item.pk: number for number, item in enumerate(items, start=1)}
        return render(
            request,
            "disclosures/check.html",
            {
                **context,
                "recipient": recipient,
                "chosen": [(item_label(item, numbers[item.pk]), item) for item in chosen],
                "hidden": _hidden(form),
                "differs": differs_from_record(decision, recipient),
            },
        )
    return render(request, "disclosures/compose.html", context)


def sent(request: AuthenticatedHttpRequest, disclosure_id: UUID) -> HttpResponse:
    disclosure = get_disclosure_for_sender(request.user, disclosure_id)
    return render(request, "disclosures/sent.html", {"disclosure": disclosure})


def show(request: AuthenticatedHttpRequest, disclosure_id: UUID) -> HttpResponse:
    """The content, for the named recipient while it is available: the first view is the
    read receipt, and every view is recorded for each person it names."""
    disclosure = actions.open_disclosure(actor=request.user, disclosure_id=disclosure_id)
    content = content_of(disclosure)
    for person in content.subjects:
        record_access(request, what="disclosures.disclosure.show", person=person, obj=disclosure)
    return render(
        request,
        "disclosures/show.html",
        {
            "disclosure": disclosure,
            "decision": content.decision,
            "subjects": content.subjects,
            "items": content.items,
            "lawful_basis": content.lawful_basis,
            "can_acknowledge": permissions.can_acknowledge(request.user, disclosure),
        },
    )


@require_POST
def acknowledge(request: AuthenticatedHttpRequest, disclosure_id: UUID) -> HttpResponse:
    disclosure = get_disclosure_for_recipient(request.user, disclosure_id)
    try:
        actions.acknowledge(actor=request.user, disclosure=disclosure)
    except DisclosureError:
        pass  # acknowledged already: the page says when
    else:
        messages.success(request, f"You have acknowledged receiving {disclosure.reference}")
    return redirect("disclosures:show", disclosure_id=disclosure.pk)


def revoke(request: AuthenticatedHttpRequest, disclosure_id: UUID) -> HttpResponse:
    disclosure = get_disclosure_for_sender(request.user, disclosure_id)
    if not permissions.can_revoke(request.user, disclosure):
        raise PermissionDenied
    form = RevokeForm(request.POST) if request.method == "POST" else RevokeForm()
    if form.is_bound and form.is_valid():
        try:
            actions.revoke(
                actor=request.user, disclosure=disclosure, reason=form.cleaned_data["reason"]
            )
        except DisclosureError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                f"Disclosure {disclosure.reference} revoked: "
                f"{disclosure.recipient_name} can no longer open it",
            )
            return redirect("decisions:show", decision_id=disclosure.decision_id)
    return render(request, "disclosures/revoke.html", {"disclosure": disclosure, "form": form})
