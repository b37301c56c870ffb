from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from safeshare.accounts.models import User
from safeshare.decisions import flow
from safeshare.decisions.models import Decision, DecisionStatus, InformationItem
from safeshare.subjects.models import Person
from safeshare.vocabulary.models import Purpose
from tests.factories.decisions import DecisionFactory

pytestmark = pytest.mark.django_db


def start(client: Client, person: Person) -> Decision:
    response = client.post(reverse("decisions:start", args=[person.pk]))
    decision = Decision.objects.get()
    assert response["Location"] == reverse("decisions:section", args=[decision.pk, "about"])
    return decision


def about_data(**extra: str) -> dict[str, str]:
    data = {
        "kind": "proactive",
        "purpose_category": str(Purpose.objects.get(name="Early help assessment").pk),
        "purpose": "Early help assessment",
        "urgency": "standard",
    }
    data.update(extra)
    return data


def test_the_guided_questions_lead_to_an_explained_outcome(
    client: Client, practitioner: User, person: Person
) -> None:
    client.force_login(practitioner)
    decision = start(client, person)
    response = client.post(reverse("decisions:section", args=[decision.pk, "about"]), about_data())
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
        assert 'class="govuk-back-link"' in client.get(url).content.decode()
        response = client.post(url, {"answer": answer})
        expected = (
            reverse("decisions:question", args=[decision.pk, next_page])
            if next_page
            else reverse("decisions:outcome", args=[decision.pk])
        )
        assert response["Location"] == expected
    page = client.get(reverse("decisions:outcome", args=[decision.pk])).content.decode()
    assert "Outcome: Share with consent" in page
    tasks = client.get(reverse("decisions:tasks", args=[decision.pk])).content.decode()
    assert "Share with consent" in tasks
    assert "Information to share" in tasks
    assert "Reasons for not sharing" not in tasks


def test_the_about_page_names_each_missing_field_for_a_request(
    client: Client, practitioner: User, person: Person
) -> None:
    client.force_login(practitioner)
    decision = start(client, person)
    page = client.post(
        reverse("decisions:section", args=[decision.pk, "about"]),
        about_data(kind="request", purpose="Kept text"),
    ).content.decode()
    assert "Enter the name of the person who asked for the information" in page
    assert "Enter how you checked the requester&#x27;s identity" in page
    assert "Kept text" in page  # nothing typed is lost
    decision.refresh_from_db()
    assert decision.kind == ""


def test_a_missing_answer_is_named_and_nothing_is_saved(
    client: Client, practitioner: User, person: Person
) -> None:
    client.force_login(practitioner)
    decision = start(client, person)
    response = client.post(reverse("decisions:question", args=[decision.pk, "immediate_risk"]), {})
    page = response.content.decode()
    assert "There is a problem" in page
    assert 'href="#id_answer_0"' in page
    decision.refresh_from_db()
    assert not flow.asked(decision.answers)


def test_a_tampered_answer_is_refused(client: Client, practitioner: User, person: Person) -> None:
    client.force_login(practitioner)
    decision = start(client, person)
    page = client.post(
        reverse("decisions:question", args=[decision.pk, "immediate_risk"]),
        {"answer": "<script>x</script>"},
    ).content.decode()
    assert "<script>x</script>" not in page
    assert "Select one of the answers shown" in page


def test_not_sure_leads_to_seeking_advice(
    client: Client, practitioner: User, person: Person
) -> None:
    client.force_login(practitioner)
    decision = start(client, person)
    client.post(
        reverse("decisions:question", args=[decision.pk, "immediate_risk"]), {"answer": "no"}
    )
    response = client.post(
        reverse("decisions:question", args=[decision.pk, "legitimate_purpose"]),
        {"answer": "unsure"},
    )
    assert response["Location"] == reverse("decisions:outcome", args=[decision.pk])
    assert "Seek advice" in client.get(response["Location"]).content.decode()


def item_data(**extra: str) -> dict[str, str]:
    data = {
        "text": "Lily said she was hungry most mornings.",
        "nature": "fact",
        "currency": "current",
        "source": "Class teacher",
        "identifies_third_party": "no",
    }
    data.update(extra)
    return data


def test_an_item_marked_fact_with_opinion_words_asks_once_then_accepts(
    client: Client, practitioner: User, person: Person
) -> None:
    client.force_login(practitioner)
    decision = start(client, person)
    url = reverse("decisions:item_new", args=[decision.pk])
    page = client.post(url, item_data(text="Lily appears to be underweight.")).content.decode()
    assert "uses words that often signal opinion (‘appears’)" in page
    assert not InformationItem.objects.exists()
    page = client.post(
        url, item_data(text="Lily appears to be underweight.", opinion_checked="1")
    ).content.decode()
    assert "Confirm this is a fact, or mark it as opinion" in page
    response = client.post(
        url,
        item_data(text="Lily appears to be underweight.", opinion_checked="1", confirm_fact="on"),
    )
    assert response.status_code == 302
    assert InformationItem.objects.get().nature == "fact"


def test_an_item_naming_someone_else_asks_about_protecting_them(
    client: Client, practitioner: User, person: Person
) -> None:
    client.force_login(practitioner)
    decision = start(client, person)
    url = reverse("decisions:item_new", args=[decision.pk])
    text = "Lily is collected by Darren Price, 07700 900123."
    page = client.post(url, item_data(text=text)).content.decode()
    assert "‘Darren Price’" in page
    assert "Check whether the information identifies anyone else" in page
    page = client.post(url, item_data(text=text, identifies_third_party="yes")).content.decode()
    assert "Select whether their details were removed or are needed" in page
    response = client.post(
        url,
        item_data(
            text=text,
            identifies_third_party="yes",
            third_party_action="justified",
            third_party_justification="The recipient needs to know who collects Lily.",
        ),
    )
    assert response.status_code == 302
    assert InformationItem.objects.get().identifies_third_party


def test_an_opinion_needs_whose_it_is(client: Client, practitioner: User, person: Person) -> None:
    client.force_login(practitioner)
    decision = start(client, person)
    page = client.post(
        reverse("decisions:item_new", args=[decision.pk]), item_data(nature="opinion")
    ).content.decode()
    assert "Enter whose opinion it is" in page


def test_check_lists_what_is_missing_and_records_when_complete(
    client: Client, practitioner: User, person: Person
) -> None:
    client.force_login(practitioner)
    incomplete = start(client, person)
    page = client.get(reverse("decisions:check", args=[incomplete.pk])).content.decode()
    assert "Before you can record this decision" in page
    assert "Answer the guided questions" in page
    decision = DecisionFactory.create(
        started_by=practitioner, subject=person, share_without_consent=True
    )
    url = reverse("decisions:check", args=[decision.pk])
    page = client.get(url).content.decode()
    assert "Check your answers before recording the decision" in page
    assert "Public task" in page
    response = client.post(url, {"decided_by": str(practitioner.pk)})
    assert response["Location"] == reverse("decisions:show", args=[decision.pk])
    decision.refresh_from_db()
    # The shipped policies have a manager sign off a share without consent.
    assert decision.status == DecisionStatus.AWAITING_SIGN_OFF
    record = client.get(response["Location"]).content.decode()
    assert "OFFICIAL-SENSITIVE" in record
    assert "This decision is waiting for sign-off" in record
    assert "Tom Barker" in record


def test_a_decision_maker_from_elsewhere_is_refused(
    client: Client, practitioner: User, outsider: User, person: Person
) -> None:
    client.force_login(practitioner)
    decision = DecisionFactory.create(started_by=practitioner, subject=person, share=True)
    page = client.post(
        reverse("decisions:check", args=[decision.pk]), {"decided_by": str(outsider.pk)}
    ).content.decode()
    assert "Select who made this decision" in page
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.DRAFT


def test_a_finalised_decision_cannot_be_reopened_in_any_page(
    client: Client, practitioner: User, person: Person
) -> None:
    client.force_login(practitioner)
    decision = DecisionFactory.create(
        started_by=practitioner, subject=person, share_urgently=True, finalised=True
    )
    show = reverse("decisions:show", args=[decision.pk])
    for url in [
        reverse("decisions:question", args=[decision.pk, "immediate_risk"]),
        reverse("decisions:section", args=[decision.pk, "about"]),
        reverse("decisions:items", args=[decision.pk]),
        reverse("decisions:item_new", args=[decision.pk]),
        reverse("decisions:people", args=[decision.pk]),
        reverse("decisions:check", args=[decision.pk]),
        reverse("decisions:tasks", args=[decision.pk]),
    ]:
        response = client.post(url, {"answer": "no", "purpose": "changed", "text": "changed"})
        assert response["Location"] == show, url
    decision.refresh_from_db()
    assert decision.answers["immediate_risk"] is True
    assert decision.purpose == "Early help assessment for the family"


def test_print_view_is_marked_official_sensitive(
    client: Client, practitioner: User, person: Person
) -> None:
    client.force_login(practitioner)
    decision = DecisionFactory.create(
        started_by=practitioner, subject=person, share_with_consent=True, finalised=True
    )
    page = client.get(reverse("decisions:print", args=[decision.pk])).content.decode()
    assert page.count("OFFICIAL-SENSITIVE") >= 2
    assert "Kerry Morgan, mother" in page
    assert "print.css" in page


def test_correcting_a_decision_keeps_both(
    client: Client, practitioner: User, person: Person
) -> None:
    client.force_login(practitioner)
    original = DecisionFactory.create(
        started_by=practitioner, subject=person, share_with_consent=True, finalised=True
    )
    response = client.post(reverse("decisions:amend", args=[original.pk]))
    draft = Decision.objects.get(supersedes=original)
    assert response["Location"] == reverse("decisions:section", args=[draft.pk, "amendment"])
    client.post(response["Location"], {"amendment_reason": "Recipient's role was wrong"})
    client.post(reverse("decisions:check", args=[draft.pk]), {"decided_by": str(practitioner.pk)})
    draft.refresh_from_db()
    assert draft.status == DecisionStatus.FINALISED
    old = client.get(reverse("decisions:show", args=[original.pk])).content.decode()
    assert "This decision has been corrected." in old
    history = client.get(reverse("subjects:show", args=[person.pk])).content.decode()
    assert history.count("Share with consent</strong>") == 2
    assert "Corrected" in history


def test_reconsidering_a_refusal_starts_a_linked_decision(
    client: Client, practitioner: User, person: Person
) -> None:
    client.force_login(practitioner)
    refusal = DecisionFactory.create(
        started_by=practitioner, subject=person, do_not_share=True, requested=True, finalised=True
    )
    url = reverse("decisions:reconsider", args=[refusal.pk])
    assert "Enter the new information" in client.post(url, {"new_information": ""}).content.decode()
    response = client.post(url, {"new_information": "A section 47 enquiry has now been opened."})
    draft = Decision.objects.get(reconsiders=refusal)
    assert response["Location"] == reverse("decisions:tasks", args=[draft.pk])


def test_only_a_refusal_offers_reconsideration(
    client: Client, practitioner: User, person: Person
) -> None:
    client.force_login(practitioner)
    shared = DecisionFactory.create(
        started_by=practitioner, subject=person, share=True, finalised=True
    )
    assert client.get(reverse("decisions:reconsider", args=[shared.pk])).status_code == 404


def test_the_chronology_shows_what_was_shared_with_whom_and_filters(
    client: Client, practitioner: User, person: Person
) -> None:
    client.force_login(practitioner)
    DecisionFactory.create(
        started_by=practitioner, subject=person, share_with_consent=True, finalised=True
    )
    DecisionFactory.create(
        started_by=practitioner, subject=person, do_not_share=True, finalised=True
    )
    url = reverse("subjects:show", args=[person.pk])
    page = client.get(url).content.decode()
    assert "Shared 1 item with Tom Barker, Social worker" in page
    assert "Not shared: No clear purpose was given for the request." in page
    filtered = client.get(url, {"outcome": "do_not_share"}).content.decode()
    assert "Not shared" in filtered
    assert "Shared 1 item" not in filtered
    bad = client.get(url, {"outcome": "<b>x</b>"}).content.decode()
    assert "Select an outcome from the list" in bad
    assert "<b>x</b>" not in bad


def test_a_draft_is_discarded_only_by_who_started_it(
    client: Client, practitioner: User, person: Person
) -> None:
    from tests.factories import UserFactory

    decision = DecisionFactory.create(started_by=practitioner, subject=person, share=True)
    colleague = UserFactory.create(organisation=practitioner.organisation)
    client.force_login(colleague)
    assert client.post(reverse("decisions:discard", args=[decision.pk])).status_code == 403
    client.force_login(practitioner)
    assert client.post(reverse("decisions:discard", args=[decision.pk])).status_code == 302
    assert not Decision.objects.filter(pk=decision.pk).exists()


def test_the_record_shows_its_ledger_receipt_and_the_ledger_verifies(
    client: Client, practitioner: User, person: Person
) -> None:
    from io import StringIO

    from django.core.management import call_command

    from safeshare.ledger.models import Entry

    client.force_login(practitioner)
    decision = DecisionFactory.create(
        started_by=practitioner, subject=person, share_with_consent=True, finalised=True
    )
    entry = Entry.objects.get(event_type="decisions.decision.finalised")
    page = client.get(reverse("decisions:show", args=[decision.pk])).content.decode()
    assert "Ledger receipt" in page
    assert bytes(entry.leaf_hash).hex() in page
    # Every event so far (person added, decision finalised) verifies, records included.
    call_command("ledger", "verify", stdout=StringIO())


def test_someone_with_another_family_name_can_be_found_and_added(
    client: Client, practitioner: User, person: Person
) -> None:
    from tests.factories import PersonFactory

    mother = PersonFactory.create(
        organisation=person.organisation, given_names="Kerry", family_name="Hughes", kind="adult"
    )
    stranger = PersonFactory.create(
        given_names="Kerry", family_name="Elsewhere"
    )  # another organisation
    client.force_login(practitioner)
    decision = start(client, person)
    url = reverse("decisions:people", args=[decision.pk])
    page = client.get(url).content.decode()
    assert "Kerry Hughes" not in page
    found = client.post(
        url, {"find": "1", "q": "Kerry", "subjects": [str(person.pk)]}
    ).content.decode()
    assert "Kerry Hughes" in found
    assert "Elsewhere" not in found
    assert "?q=" not in found and "Kerry" not in url
    response = client.post(
        url,
        {
            "subjects": [str(person.pk), str(mother.pk)],
            "listed": [str(mother.pk), "not-a-uuid", str(stranger.pk)],
        },
    )
    assert response.status_code == 302
    assert set(decision.subjects.all()) == {person, mother}


def test_a_common_family_name_suggests_the_first_twenty_and_says_so(
    client: Client, practitioner: User, person: Person
) -> None:
    """Hundreds can share a family name in a large organisation's records (issue 14: 1,100
    at 250,000 people): the page suggests the first 20 by name and points to the search."""
    from safeshare.decisions.views.sections import FAMILY_SUGGESTIONS
    from tests.factories import PersonFactory

    namesakes = [
        PersonFactory.create(
            organisation=person.organisation,
            given_names=f"Alex{n:02d}",
            family_name=person.family_name,
        )
        for n in range(FAMILY_SUGGESTIONS + 5)
    ]
    client.force_login(practitioner)
    decision = start(client, person)
    url = reverse("decisions:people", args=[decision.pk])
    page = client.get(url).content.decode()
    shown = [p for p in namesakes if p.given_names in page]
    assert shown == namesakes[:FAMILY_SUGGESTIONS]
    assert person.given_names in page
    assert f"Only the first {FAMILY_SUGGESTIONS} others with the same family name" in page
    found = client.post(
        url, {"find": "1", "q": namesakes[-1].given_names, "subjects": [str(person.pk)]}
    ).content.decode()
    assert namesakes[-1].given_names in found


def test_a_few_namesakes_are_all_listed_without_the_note(
    client: Client, practitioner: User, person: Person
) -> None:
    from tests.factories import PersonFactory

    sister = PersonFactory.create(
        organisation=person.organisation, given_names="Rosa", family_name=person.family_name
    )
    client.force_login(practitioner)
    decision = start(client, person)
    page = client.get(reverse("decisions:people", args=[decision.pk])).content.decode()
    assert sister.given_names in page
    assert "Only the first" not in page
