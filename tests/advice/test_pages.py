"""The pages: asking from a draft (and from "I'm not sure"), the adviser's queue in order
with how long each has waited, answering into the draft, and the header's count."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safeshare.accounts.models import User
from safeshare.advice import actions
from safeshare.advice.models import AdviceRequest, AdviserKind
from safeshare.advice.queries import waited_text
from safeshare.decisions.models import Decision

pytestmark = pytest.mark.django_db


def _ask(practitioner: User, draft: Decision, question: str = "Share?") -> AdviceRequest:
    return actions.ask_advice(
        actor=practitioner, decision=draft, adviser_kind=AdviserKind.MANAGER, question=question
    )


def test_every_page_of_the_draft_links_to_asking(
    client: Client, practitioner: User, draft: Decision
) -> None:
    client.force_login(practitioner)
    ask = reverse("advice:ask", args=[draft.pk])
    for url in [
        reverse("decisions:tasks", args=[draft.pk]),
        reverse("decisions:section", args=[draft.pk, "consent"]),
        reverse("decisions:items", args=[draft.pk]),
        reverse("decisions:people", args=[draft.pk]),
    ]:
        assert ask in client.get(url).content.decode(), url


def test_im_not_sure_on_a_question_starts_the_question_for_you(
    client: Client, practitioner: User, draft: Decision
) -> None:
    client.force_login(practitioner)
    page = client.get(reverse("decisions:question", args=[draft.pk, "immediate_risk"]))
    html = page.content.decode()
    link = f"{reverse('advice:ask', args=[draft.pk])}?question=immediate_risk"
    assert link in html
    form = client.get(link).content.decode()
    assert "I am not sure how to answer" in form


def test_the_form_names_each_missing_field(
    client: Client, practitioner: User, draft: Decision
) -> None:
    client.force_login(practitioner)
    url = reverse("advice:ask", args=[draft.pk])
    html = client.post(url, {"adviser_kind": "colleague"}).content.decode()
    assert "There is a problem" in html
    assert "Enter your question" in html
    assert "Select the colleague you want to ask" in html
    assert 'href="#id_question"' in html
    assert AdviceRequest.objects.count() == 0
    html = client.post(url, {}).content.decode()
    assert "Select who you want to ask for advice" in html
    # The person's identity is not shared unless the box is ticked.
    assert 'name="share_identities" type="checkbox" value="on">' in html.replace(
        ' aria-describedby="id_share_identities-hint"', ""
    )


def test_asking_then_answering_through_the_pages(
    client: Client, practitioner: User, manager: User, draft: Decision
) -> None:
    client.force_login(practitioner)
    response = client.post(
        reverse("advice:ask", args=[draft.pk]),
        {"adviser_kind": "manager", "question": "Can I share without consent?"},
    )
    request = AdviceRequest.objects.get()
    assert response["Location"] == reverse("advice:asked", args=[request.pk])
    assert "Request for advice sent" in client.get(response["Location"]).content.decode()
    client.force_login(manager)
    queue = client.get(reverse("advice:queue")).content.decode()
    assert reverse("advice:show", args=[request.pk]) in queue
    assert "Advice (1 waiting)" in queue
    url = reverse("advice:show", args=[request.pk])
    assert "Enter your advice" in client.post(url, {"answer": ""}).content.decode()
    response = client.post(url, {"answer": "Yes: there is a risk of harm."})
    assert response.status_code == 302
    assert "Advice (1 waiting)" not in client.get(reverse("advice:queue")).content.decode()
    client.force_login(practitioner)
    tasks = client.get(reverse("decisions:tasks", args=[draft.pk])).content.decode()
    assert "Yes: there is a risk of harm." in tasks
    assert "Dana Lead" in tasks
    section = client.get(reverse("decisions:section", args=[draft.pk, "advice"])).content.decode()
    assert "Yes: there is a risk of harm." in section


def test_the_asker_cannot_answer_through_the_page(
    client: Client, practitioner: User, manager: User, draft: Decision
) -> None:
    request = _ask(practitioner, draft)
    client.force_login(practitioner)
    url = reverse("advice:show", args=[request.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"answer": "Myself"}).status_code == 403


def test_the_queue_is_urgent_first_then_oldest_with_the_time_waited(
    client: Client, practitioner: User, manager: User, draft: Decision, named_person: object
) -> None:
    now = timezone.now()
    made = []
    for question, urgency, hours in [
        ("standard old", "standard", 72),
        ("urgent new", "urgent", 2),
        ("urgent old", "urgent", 5),
        ("immediate", "immediate", 0),
    ]:
        request = _ask(practitioner, draft, question)
        AdviceRequest.objects.filter(pk=request.pk).update(
            urgency=urgency,
            priority={"immediate": 0, "urgent": 1, "standard": 2}[urgency],
            asked_at=now - datetime.timedelta(hours=hours, minutes=1),
        )
        made.append(request)
    client.force_login(manager)
    html = client.get(reverse("advice:queue")).content.decode()
    positions = [html.index(reverse("advice:show", args=[r.pk])) for r in made]
    # immediate, urgent old, urgent new, standard old
    assert positions[3] < positions[2] < positions[1] < positions[0]
    assert "3 days" in html and "5 hours" in html and "2 hours" in html and "1 minute" in html


def test_waited_text() -> None:
    now = timezone.now()
    assert waited_text(now, now) == "0 minutes"
    assert waited_text(now - datetime.timedelta(minutes=59), now) == "59 minutes"
    assert waited_text(now - datetime.timedelta(hours=1), now) == "1 hour"
    assert waited_text(now - datetime.timedelta(hours=47), now) == "1 day"
    assert waited_text(now - datetime.timedelta(days=3, hours=2), now) == "3 days"


def test_a_named_colleague_sees_the_header_link_only_while_something_waits(
    client: Client, practitioner: User, colleague: User, draft: Decision
) -> None:
    client.force_login(colleague)
    assert "Advice" not in client.get(reverse("site:home")).content.decode().split("</nav>")[0]
    request = actions.ask_advice(
        actor=practitioner,
        decision=draft,
        adviser_kind=AdviserKind.COLLEAGUE,
        colleague=colleague,
        question="Share?",
    )
    assert "Advice (1 waiting)" in client.get(reverse("site:home")).content.decode()
    assert (
        reverse("advice:show", args=[request.pk])
        in client.get(reverse("advice:queue")).content.decode()
    )


def test_the_link_to_ask_is_offered_only_to_who_may_ask(
    client: Client, ig_lead: User, draft: Decision
) -> None:
    client.force_login(ig_lead)
    html = client.get(reverse("decisions:tasks", args=[draft.pk])).content.decode()
    assert reverse("advice:ask", args=[draft.pk]) not in html
