"""The adviser's page of a request: anonymised unless the practitioner shared the person's
identity. No name, identifier (in any spelling) or date of birth of the person is in the
page's HTML, and no access record is written; shared, they are there and the read is
recorded."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from safeshare.accounts.models import User
from safeshare.advice import actions
from safeshare.advice.anonymise import redact
from safeshare.advice.models import AdviceRequest, AdviserKind
from safeshare.audit.models import AccessRecord
from safeshare.decisions import actions as decision_actions
from safeshare.decisions.models import Decision
from safeshare.subjects.models import Person

pytestmark = pytest.mark.django_db

# Typed into the question, as practitioners do.
QUESTION = (
    "Lily Morgan (known as Lil, born 04/05/2016, NHS number 943-476-5919, UPN A123456789012) "
    "told her teacher about bruising. Should I share?"
)
IDENTIFYING = [
    "Lily",
    "Morgan",
    "Lil ",
    "9434765919",
    "943 476 5919",
    "943-476-5919",
    "A123456789012",
    "04/05/2016",
    "4 May 2016",
    "2016-05-04",
]


def _request(practitioner: User, draft: Decision, *, shared: bool) -> AdviceRequest:
    decision_actions.save_item(
        actor=practitioner,
        decision=draft,
        values={
            "text": "Lily said her stepfather hit her",
            "nature": "fact",
            "currency": "current",
            "source": "Class teacher",
        },
    )
    return actions.ask_advice(
        actor=practitioner,
        decision=draft,
        adviser_kind=AdviserKind.MANAGER,
        question=QUESTION,
        share_identities=shared,
    )


def _page(client: Client, user: User, request: AdviceRequest) -> str:
    client.force_login(user)
    response = client.get(reverse("advice:show", args=[request.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_redact_takes_out_every_spelling(named_person: Person) -> None:
    text = redact(
        "LILY MORGAN, Lil, 9434765919 / 943 476 5919 / 943.476.5919, a123456789012, "
        "4 May 2016, 4th May 2016, 04/05/16, 4-5-2016, 2016-05-04, May 4, 2016",
        [named_person],
    )
    for found in ["LILY", "MORGAN", "Lil", "943", "5919", "a123", "May", "2016", "04/05"]:
        assert found not in text, text
    assert "[name]" in text and "[identifier]" in text and "[date of birth]" in text


def test_redact_leaves_other_words_alone(named_person: Person) -> None:
    assert redact("Lilac morganite 9434 is fine", [named_person]) == "Lilac morganite 9434 is fine"


def test_the_anonymised_page_shows_no_identity_and_records_no_access(
    client: Client, practitioner: User, manager: User, draft: Decision
) -> None:
    request = _request(practitioner, draft, shared=False)
    before = AccessRecord.objects.filter(user=manager).count()
    html = _page(client, manager, request)
    for found in IDENTIFYING:
        assert found not in html, found
    assert "stepfather" not in html  # an item's text is not shown
    assert "bruising" in html  # the question is, without the names
    assert "Child, aged" in html
    assert AccessRecord.objects.filter(user=manager).count() == before


def test_the_shared_page_shows_the_identity_and_records_the_read(
    client: Client, practitioner: User, manager: User, draft: Decision, named_person: Person
) -> None:
    request = _request(practitioner, draft, shared=True)
    html = _page(client, manager, request)
    for found in ["Lily Morgan", "9434765919", "A123456789012", "4 May 2016", "stepfather"]:
        assert found in html, found
    assert AccessRecord.objects.filter(
        user=manager, person=named_person, what="advice.request.show"
    ).exists()
