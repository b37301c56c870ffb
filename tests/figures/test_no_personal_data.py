"""The figures name no one: on the demo partnership, the pages, every CSV and the report
command's file hold none of the demo people's names or identifiers, no user's name and no
record's id."""

from __future__ import annotations

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from safeshare.accounts.models import Role, User
from safeshare.decisions.models import Decision
from safeshare.disclosures.models import Disclosure
from safeshare.requests.models import InformationRequest
from safeshare.subjects.models import Identifier, Person

pytestmark = pytest.mark.django_db

SLUGS = [
    "outcome",
    "agency",
    "purpose",
    "urgency",
    "month",
    "timeliness",
    "consent",
    "reconsidered",
    "requests",
    "disclosures",
]


def _outputs(client: Client, tmp_path: Path) -> dict[str, str]:
    found: dict[str, str] = {}
    viewers = User.objects.filter(role__in=[Role.AUDITOR, Role.IG_LEAD, Role.MANAGER])
    assert viewers.filter(role=Role.AUDITOR).exists()
    for viewer in viewers:
        client.force_login(viewer)
        for query in [{}, {"date_from_0": "1", "date_from_1": "1", "date_from_2": "2020"}]:
            page = client.get(reverse("figures:index"), query)
            assert page.status_code == 200
            # The header names the signed-in user to themselves: the figures are the main part.
            main = page.content.decode().split("<main", 1)[1].split("</main>", 1)[0]
            found[f"{viewer.username} page {query}"] = main
            for slug in SLUGS:
                response = client.get(reverse("figures:csv", args=[slug]), query)
                assert response.status_code == 200
                found[f"{viewer.username} {slug}.csv {query}"] = response.content.decode()
        found[f"{viewer.username} home"] = client.get(reverse("site:home")).content.decode()
        client.logout()
    target = tmp_path / "figures.csv"
    call_command(
        "reports", "partnership", "--from", "2020-01-01", "--csv", str(target), stdout=StringIO()
    )
    found["reports partnership"] = target.read_text()
    return found


def test_no_output_holds_a_name_an_identifier_or_an_id(client: Client, tmp_path: Path) -> None:
    call_command("demo", stdout=StringIO())
    assert Decision.objects.filter(status="finalised").exists()
    outputs = _outputs(client, tmp_path)
    assert any("fewer than 5" in text for text in outputs.values())
    forbidden: set[str] = set()
    for person in Person.objects.all():
        forbidden |= {person.given_names, person.family_name, person.full_name}
    for value in Identifier.objects.values_list("value", flat=True):
        digits = re.sub(r"\D", "", value)
        forbidden |= {value, digits, f"{digits[:3]} {digits[3:6]} {digits[6:]}"}
    for user in User.objects.exclude(first_name=""):
        forbidden.add(f"{user.first_name} {user.last_name}")
    ids = [
        *Person.objects.values_list("pk", flat=True),
        *Decision.objects.values_list("pk", flat=True),
        *InformationRequest.objects.values_list("pk", flat=True),
        *Disclosure.objects.values_list("pk", flat=True),
    ]
    forbidden |= {str(pk) for pk in ids}
    forbidden |= set(InformationRequest.objects.values_list("reference", flat=True))
    forbidden |= set(Disclosure.objects.values_list("reference", flat=True))
    forbidden.discard("")
    for where, text in outputs.items():
        # The home page names the signed-in user in its header: only the figures count.
        if where.endswith(" home"):
            assert "figures" in text
            continue
        for word in forbidden:
            assert not re.search(rf"\b{re.escape(word)}\b", text), f"{word!r} in {where}"
