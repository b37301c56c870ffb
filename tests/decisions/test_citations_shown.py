"""The outcome page marks a citation not checked against its source, and links a checked one."""

from __future__ import annotations

import html

import pytest
from django.test import Client
from django.urls import reverse

from safeshare import guidance
from safeshare.accounts.models import User
from safeshare.subjects.models import Person
from tests.decisions.test_views import about_data, start

pytestmark = pytest.mark.django_db


def test_the_outcome_marks_unverified_citations_and_links_verified_ones(
    client: Client, practitioner: User, person: Person
) -> None:
    client.force_login(practitioner)
    decision = start(client, person)
    client.post(reverse("decisions:section", args=[decision.pk, "about"]), about_data())
    for question_id, answer in [
        ("immediate_risk", "no"),
        ("legitimate_purpose", "yes"),
        ("identifiable", "no"),
    ]:
        client.post(
            reverse("decisions:question", args=[decision.pk, question_id]), {"answer": answer}
        )
    page = html.unescape(
        client.get(reverse("decisions:outcome", args=[decision.pk])).content.decode()
    )
    assert "Outcome: Share" in page
    policy = guidance.load_policy("hmg-2024")
    # The route out of "does it identify anyone" cites a 2024 section the check could not find.
    unchecked = policy.citations["flow-identifiable"]
    assert not unchecked.verified
    assert (
        f"{unchecked.source}, {unchecked.section}: “{unchecked.quote_or_summary}” "
        '<strong class="govuk-tag govuk-tag--yellow">Not yet checked against the source</strong>'
    ) in page
    # The warning to protect identities cites golden rule 5, checked against its text.
    checked = policy.citations["rule-protect-identities"]
    assert checked.verified and checked.url
    assert (
        f'<a class="govuk-link" href="{checked.url}">{checked.source}, {checked.section}</a>'
        in page
    )
