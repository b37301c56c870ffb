from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from safeshare.accounts.models import User
from safeshare.subjects.models import Person
from tests.factories.decisions import DecisionFactory

pytestmark = pytest.mark.django_db


def test_every_page_forbids_caching(client: Client, practitioner: User) -> None:
    client.force_login(practitioner)
    response = client.get(reverse("site:home"))
    assert "no-store" in response["Cache-Control"]


def test_it_sends_a_csp_without_unsafe_inline(client: Client) -> None:
    response = client.get(reverse("accounts:sign_in"))
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    assert "'nonce-" in policy
    nonce = policy.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in response.content.decode()


def test_the_home_page_needs_a_signed_in_user(client: Client) -> None:
    response = client.get(reverse("site:home"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:sign_in')}?next=/"


def test_the_not_found_page_uses_the_service_style(client: Client, practitioner: User) -> None:
    client.force_login(practitioner)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Page not found" in page
    assert "govuk-template__body" in page


def test_the_home_page_lists_recent_decisions_and_the_start(
    client: Client, practitioner: User, outsider: User, person: Person
) -> None:
    shared = DecisionFactory.create(
        started_by=practitioner, subject=person, share=True, finalised=True
    )
    refused = DecisionFactory.create(started_by=practitioner, do_not_share=True, finalised=True)
    # Neither a draft nor another organisation's decision is on the list.
    draft = DecisionFactory.create(started_by=practitioner, seek_advice=True)
    elsewhere = DecisionFactory.create(started_by=outsider, share=True, finalised=True)
    client.force_login(practitioner)
    page = client.get(reverse("site:home")).content.decode()
    assert "Find a person" in page
    assert "Riverside Primary School" in page
    assert "No decisions recorded yet." not in page
    for decision in (shared, refused):
        assert reverse("decisions:show", args=[decision.pk]) in page
        assert decision.subjects.get().full_name in page
    assert "Lily Morgan" in page
    assert "Do not share" in page
    for decision in (draft, elsewhere):
        assert reverse("decisions:show", args=[decision.pk]) not in page
        assert decision.subjects.get().full_name not in page


@pytest.mark.parametrize("name", ["core:about", "core:accessibility"])
def test_public_pages_do_not_need_sign_in(client: Client, name: str) -> None:
    assert client.get(reverse(name)).status_code == 200


def test_no_page_brands_itself_as_gov_uk(client: Client) -> None:
    page = client.get(reverse("accounts:sign_in")).content.decode()
    assert "govuk-header__logotype" not in page
    assert "crown" not in page.lower()
    assert "GOV.UK" not in page
