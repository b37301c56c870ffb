"""Hostile input at every page of the decision record and the request forms: a clear error
naming the field, nothing written, nothing echoed as markup."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from safeshare.accounts.models import Organisation, User
from safeshare.decisions.models import Decision, InformationItem
from safeshare.requests.models import InformationRequest, RequestNote
from safeshare.subjects.models import Person
from safeshare.vocabulary.models import Purpose
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script>'
VALUES = {"too-long": "x" * 6_000, "control-characters": "Bad\x00text\x07", "markup": SCRIPT}


def _purpose() -> str:
    return str(Purpose.objects.get(name="Early help assessment").pk)


# (name, url(decision), a valid-looking post, the free-text field to attack)
PAGES: list[tuple[str, Callable[[Decision], str], Callable[[], dict[str, str]], str]] = [
    (
        "about",
        lambda d: reverse("decisions:section", args=[d.pk, "about"]),
        lambda: {
            "kind": "proactive",
            "purpose_category": _purpose(),
            "purpose": "p",
            "urgency": "standard",
        },
        "purpose",
    ),
    (
        "consent",
        lambda d: reverse("decisions:section", args=[d.pk, "consent"]),
        lambda: {"consent_status": "given", "consent_from": "Kerry", "consent_scope": "scope"},
        "consent_from",
    ),
    (
        "principles",
        lambda d: reverse("decisions:section", args=[d.pk, "principles"]),
        lambda: {
            k: "ok"
            for k in [
                "necessary_and_proportionate",
                "relevant",
                "adequate",
                "accurate",
                "timely",
                "secure",
                "recorded",
            ]
        },
        "relevant",
    ),
    (
        "recipient",
        lambda d: reverse("decisions:section", args=[d.pk, "recipient"]),
        lambda: {
            "recipient_organisation_name": "Org",
            "recipient_name": "Tom",
            "recipient_role": "SW",
            "recipient_verification": "known",
            "channel": "phone",
        },
        "recipient_name",
    ),
    (
        "transparency",
        lambda d: reverse("decisions:section", args=[d.pk, "transparency"]),
        lambda: {"subject_informed": "no", "not_informed_reason": "risk_of_harm"},
        "not_informed_detail",
    ),
    (
        "advice",
        lambda d: reverse("decisions:section", args=[d.pk, "advice"]),
        lambda: {
            "advice_sought": "yes",
            "adviser_name": "Peter",
            "adviser_role": "DSL",
            "advice": "a",
        },
        "advice",
    ),
    (
        "not_sharing",
        lambda d: reverse("decisions:section", args=[d.pk, "not_sharing"]),
        lambda: {"not_sharing_reasons": "r"},
        "not_sharing_reasons",
    ),
    (
        "item",
        lambda d: reverse("decisions:item_new", args=[d.pk]),
        lambda: {
            "text": "t",
            "nature": "fact",
            "currency": "current",
            "source": "s",
            "identifies_third_party": "no",
        },
        "source",
    ),
]


def _state(decision: Decision) -> dict[str, Any]:
    fresh = Decision.objects.get(pk=decision.pk)
    return {
        "fields": {
            f.attname: getattr(fresh, f.attname)
            for f in Decision._meta.concrete_fields
            if f.attname != "updated_at"
        },
        "items": InformationItem.objects.count(),
    }


@pytest.mark.parametrize(("page", "url", "data", "field"), PAGES, ids=[p[0] for p in PAGES])
@pytest.mark.parametrize("kind", list(VALUES))
def test_each_page_of_the_record_refuses_bad_text_and_writes_nothing(
    client: Client,
    practitioner: User,
    person: Person,
    page: str,
    url: Callable[[Decision], str],
    data: Callable[[], dict[str, str]],
    field: str,
    kind: str,
) -> None:
    from safeshare.decisions import actions

    decision = actions.start_decision(actor=practitioner, subject=person)
    client.force_login(practitioner)
    before = _state(decision)
    response = client.post(url(decision), {**data(), field: VALUES[kind]})
    body = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in body
    assert SCRIPT not in body
    assert _state(decision) == before


@pytest.fixture
def partner() -> Organisation:
    return OrganisationFactory.create(name="Northshire Police")


@pytest.mark.parametrize("kind", list(VALUES))
@pytest.mark.parametrize("field", ["subject_details", "purpose", "statutory_basis_detail"])
def test_a_request_with_bad_text_is_refused_and_not_sent(
    client: Client, practitioner: User, partner: Organisation, kind: str, field: str
) -> None:
    client.force_login(practitioner)
    data = {
        "to_organisation": str(partner.pk),
        "subject_details": "Lily",
        "purpose_category": _purpose(),
        "purpose": "p",
        "information_needed": "i",
        "why_needed": "w",
        "urgency": "standard",
        "statutory_basis": "none",
        field: VALUES[kind],
    }
    response = client.post(reverse("requests:new"), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in body and SCRIPT not in body
    assert not InformationRequest.objects.exists()
    assert not RequestNote.objects.exists()


def test_a_tampered_organisation_id_is_refused(client: Client, practitioner: User) -> None:
    client.force_login(practitioner)
    body = client.post(
        reverse("requests:new"), {"to_organisation": str(practitioner.organisation_id)}
    ).content.decode()
    assert "Select the organisation you are asking" in body  # your own is not on the list
    assert not InformationRequest.objects.exists()


def test_a_forged_post_without_the_csrf_token_is_refused(
    practitioner: User, person: Person
) -> None:
    from safeshare.decisions import actions

    decision = actions.start_decision(actor=practitioner, subject=person)
    forged = Client(enforce_csrf_checks=True)
    forged.force_login(practitioner)
    response = forged.post(
        reverse("decisions:section", args=[decision.pk, "about"]), {"purpose": "x"}
    )
    assert response.status_code == 403
    assert Decision.objects.get(pk=decision.pk).purpose == ""
