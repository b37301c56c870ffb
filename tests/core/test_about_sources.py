"""The about page lists every citation the guidance relies on, marking those not checked."""

from __future__ import annotations

import html

import pytest
from django.test import Client
from django.urls import reverse

from safeshare import guidance

pytestmark = pytest.mark.django_db

UNCHECKED = "Not yet checked against the source"


def test_the_about_page_counts_and_marks_the_unverified_citations(client: Client) -> None:
    page = html.unescape(client.get(reverse("core:about")).content.decode())
    policies = guidance.available_policies()
    citations = [c for p in policies for c in p.citations.values()]
    citations += [b.citation for b in guidance.catalogue().bases.values()]
    unverified = [c for c in citations if not c.verified]
    assert unverified, "the shipped guidance still has citations the check could not find"
    assert f"{len(unverified)} of {len(citations)} citations have not yet been checked" in page
    assert page.count(f">{UNCHECKED}</strong>") == len(unverified)
    for policy in policies:
        assert f"{policy.title} (policy {policy.id}, version {policy.version})" in page


def test_a_verified_citation_links_to_its_source_and_an_unverified_one_does_not(
    client: Client,
) -> None:
    page = html.unescape(client.get(reverse("core:about")).content.decode())
    policy = guidance.load_policy("hmg-2024")
    checked = policy.citations["rule-protect-child"]
    assert checked.verified and checked.url
    assert (
        f'<a class="govuk-link" href="{checked.url}">{checked.source}, {checked.section}</a>'
        in (page)
    )
    unchecked = policy.citations["rule-record"]
    assert not unchecked.verified
    assert f'<td class="govuk-table__cell">{unchecked.source}, {unchecked.section}</td>' in page
    duty = guidance.catalogue().bases["cwsa2026-information-sharing-duty"]
    assert f">{duty.citation.source}, {duty.citation.section}</td>" in page
