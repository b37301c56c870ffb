from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from safeshare.accounts.models import User
from safeshare.decisions.models import Decision, DecisionStatus
from safeshare.subjects.models import Person

pytestmark = pytest.mark.django_db


def start(client: Client, person: Person) -> Decision:
    response = client.post(reverse("decisions:start", args=[person.pk]))
    decision = Decision.objects.get()
    assert response["Location"] == reverse("decisions:purpose", args=[decision.pk])
    return decision


def test_the_guided_journey_records_a_decision(
    client: Client, practitioner: User, person: Person
) -> None:
    client.force_login(practitioner)
    decision = start(client, person)
    response = client.post(
        reverse("decisions:purpose", args=[decision.pk]), {"purpose": "Early help assessment"}
    )
    assert response["Location"] == reverse(
        "decisions:question", args=[decision.pk, "immediate_risk"]
    )
    for question_id, answer, next_page in [
        ("immediate_risk", "no", "legitimate_purpose"),
        ("legitimate_purpose", "yes", "identifiable"),
        ("identifiable", "yes", "consent"),
        ("consent", "given", None),
    ]:
        url = reverse("decisions:question", args=[decision.pk, question_id])
        page = client.get(url).content.decode()
        assert 'class="govuk-back-link"' in page
        response = client.post(url, {"answer": answer})
        expected = (
            reverse("decisions:question", args=[decision.pk, next_page])
            if next_page
            else reverse("decisions:check", args=[decision.pk])
        )
        assert response["Location"] == expected
    check = client.get(reverse("decisions:check", args=[decision.pk])).content.decode()
    assert "Check your answers before recording the decision" in check
    assert "Share with consent" in check
    response = client.post(reverse("decisions:check", args=[decision.pk]))
    assert response["Location"] == reverse("decisions:show", args=[decision.pk])
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.FINALISED
    history = client.get(reverse("subjects:show", args=[person.pk])).content.decode()
    assert "Share with consent" in history


def test_a_missing_answer_is_named_and_nothing_is_saved(
    client: Client, practitioner: User, person: Person
) -> None:
    client.force_login(practitioner)
    decision = start(client, person)
    url = reverse("decisions:question", args=[decision.pk, "immediate_risk"])
    response = client.post(url, {})
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert 'href="#id_answer_0"' in page
    decision.refresh_from_db()
    assert decision.answers == {}


def test_a_tampered_answer_is_refused(client: Client, practitioner: User, person: Person) -> None:
    client.force_login(practitioner)
    decision = start(client, person)
    url = reverse("decisions:question", args=[decision.pk, "immediate_risk"])
    page = client.post(url, {"answer": "<script>x</script>"}).content.decode()
    assert "<script>x</script>" not in page
    assert "Select one of the answers shown" in page
    decision.refresh_from_db()
    assert decision.answers == {}


def test_not_sure_leads_to_seeking_advice(
    client: Client, practitioner: User, person: Person
) -> None:
    client.force_login(practitioner)
    decision = start(client, person)
    client.post(
        reverse("decisions:purpose", args=[decision.pk]),
        {"purpose": "Concern raised by class teacher"},
    )
    client.post(
        reverse("decisions:question", args=[decision.pk, "immediate_risk"]), {"answer": "no"}
    )
    response = client.post(
        reverse("decisions:question", args=[decision.pk, "legitimate_purpose"]),
        {"answer": "unsure"},
    )
    assert response["Location"] == reverse("decisions:check", args=[decision.pk])
    assert "Seek advice" in client.get(response["Location"]).content.decode()


def test_an_unknown_question_is_not_found(
    client: Client, practitioner: User, person: Person
) -> None:
    client.force_login(practitioner)
    decision = start(client, person)
    assert client.get(reverse("decisions:question", args=[decision.pk, "nope"])).status_code == 404


def test_a_draft_resumes_where_it_was_left(
    client: Client, practitioner: User, person: Person
) -> None:
    client.force_login(practitioner)
    decision = start(client, person)
    client.post(
        reverse("decisions:purpose", args=[decision.pk]), {"purpose": "Early help assessment"}
    )
    client.post(
        reverse("decisions:question", args=[decision.pk, "immediate_risk"]), {"answer": "no"}
    )
    index = client.get(reverse("decisions:index")).content.decode()
    assert "Continue the decision about Lily Morgan" in index
    response = client.get(reverse("decisions:show", args=[decision.pk]))
    assert response["Location"] == reverse(
        "decisions:question", args=[decision.pk, "legitimate_purpose"]
    )


def test_a_finalised_decision_cannot_be_reopened_in_the_wizard(
    client: Client, practitioner: User, person: Person
) -> None:
    client.force_login(practitioner)
    decision = start(client, person)
    client.post(reverse("decisions:purpose", args=[decision.pk]), {"purpose": "Urgent concern"})
    client.post(
        reverse("decisions:question", args=[decision.pk, "immediate_risk"]), {"answer": "yes"}
    )
    client.post(reverse("decisions:check", args=[decision.pk]))
    response = client.post(
        reverse("decisions:question", args=[decision.pk, "immediate_risk"]), {"answer": "no"}
    )
    assert response["Location"] == reverse("decisions:show", args=[decision.pk])
    decision.refresh_from_db()
    assert decision.answers["immediate_risk"] is True
    assert decision.outcome == "share_urgently"
