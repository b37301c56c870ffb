"""Every change to information sharing agreements, with its ledger entry."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from safeshare.accounts.models import Organisation, User
from safeshare.agreements.models import Agreement, InformationCategory
from safeshare.agreements.permissions import can_add_agreement, can_edit_agreement
from safeshare.guidance.catalogue import catalogue
from safeshare.ledger.changes import record_change


class AgreementError(ValueError):
    """An agreement the service refuses: a basis or category it does not know."""


def _validate(
    categories: Iterable[str], lawful_bases: Iterable[str]
) -> tuple[list[str], list[str]]:
    unknown = sorted(set(lawful_bases) - set(catalogue().bases))
    if unknown:
        raise AgreementError(f"Unknown lawful basis: {', '.join(unknown)}")
    bad = sorted(set(categories) - set(InformationCategory.values))
    if bad:
        raise AgreementError(f"Unknown category of information: {', '.join(bad)}")
    return sorted(set(categories)), sorted(set(lawful_bases))


def _save(agreement: Agreement, parties: Iterable[Organisation], purposes: Iterable[Any]) -> None:
    agreement.full_clean(exclude=["parties", "purposes"])
    agreement.save()
    # The holder is always a party: an agreement it is not party to would cover nothing.
    agreement.parties.set({*parties, agreement.owner})
    agreement.purposes.set(list(purposes))


def _payload(agreement: Agreement) -> dict[str, str | int | bool | None]:
    return {
        "owner": str(agreement.owner_id),
        "parties": agreement.parties.count(),
        "purposes": agreement.purposes.count(),
        "review_on": agreement.review_on.isoformat(),
    }


def add_agreement(
    *,
    actor: User,
    owner: Organisation,
    title: str,
    parties: Iterable[Organisation],
    purposes: Iterable[Any],
    categories: Iterable[str],
    lawful_bases: Iterable[str],
    start_on: datetime.date,
    review_on: datetime.date,
    end_on: datetime.date | None = None,
    reference: str = "",
    document_url: str = "",
    document_reference: str = "",
) -> Agreement:
    if not can_add_agreement(actor) or not can_edit_agreement(actor, Agreement(owner=owner)):
        raise PermissionDenied("Your role cannot add agreements for this organisation")
    cats, bases = _validate(categories, lawful_bases)
    with transaction.atomic():
        agreement = Agreement(
            owner=owner,
            title=title,
            reference=reference,
            categories=cats,
            lawful_bases=bases,
            start_on=start_on,
            end_on=end_on,
            review_on=review_on,
            document_url=document_url,
            document_reference=document_reference,
            created_by=actor,
        )
        _save(agreement, parties, purposes)
        record_change(
            "agreements.agreement.added", actor=actor, obj=agreement, payload=_payload(agreement)
        )
    return agreement


def change_agreement(
    *,
    actor: User,
    agreement: Agreement,
    title: str,
    parties: Iterable[Organisation],
    purposes: Iterable[Any],
    categories: Iterable[str],
    lawful_bases: Iterable[str],
    start_on: datetime.date,
    review_on: datetime.date,
    end_on: datetime.date | None = None,
    reference: str = "",
    document_url: str = "",
    document_reference: str = "",
    owner: Organisation | None = None,
) -> Agreement:
    if not can_edit_agreement(actor, agreement):
        raise PermissionDenied("Your role cannot change this agreement")
    cats, bases = _validate(categories, lawful_bases)
    with transaction.atomic():
        agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
        if owner is not None and owner.pk != agreement.owner_id:
            if not can_edit_agreement(actor, Agreement(owner=owner)):
                raise PermissionDenied("Your role cannot move this agreement")
            agreement.owner = owner
        agreement.title, agreement.reference = title, reference
        agreement.categories, agreement.lawful_bases = cats, bases
        agreement.start_on, agreement.end_on, agreement.review_on = start_on, end_on, review_on
        agreement.document_url, agreement.document_reference = document_url, document_reference
        _save(agreement, parties, purposes)
        record_change(
            "agreements.agreement.changed", actor=actor, obj=agreement, payload=_payload(agreement)
        )
    return agreement
