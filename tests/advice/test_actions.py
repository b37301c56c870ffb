"""Asking and answering advice: the rules hold in the actions, whoever calls them; the
answer goes into the draft; every step is in the ledger; emails carry only a link."""

from __future__ import annotations

from functools import partial
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from safeshare.accounts.models import User
from safeshare.advice import actions
from safeshare.advice.models import AdviceRequest, AdviserKind, WithdrawnReason
from safeshare.decisions import actions as decision_actions
from safeshare.decisions.models import Decision
from safeshare.ledger.models import Entry
from safeshare.ledger.verify import verify_ledger
from tests.factories import UserFactory
from tests.rules import assert_refused

pytestmark = pytest.mark.django_db

QUESTION = "Should I share the bruising concern with the health visitor without consent?"


def ask(actor: User, draft: Decision, **kwargs: Any) -> AdviceRequest:
    values: dict[str, Any] = {"adviser_kind": AdviserKind.MANAGER, "question": QUESTION}
    values.update(kwargs)
    return actions.ask_advice(actor=actor, decision=draft, **values)


def test_asking_records_the_request_with_the_drafts_urgency_and_a_ledger_entry(
    practitioner: User, manager: User, draft: Decision, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        request = ask(practitioner, draft, urgency="standard")
    assert request.urgency == "urgent"  # the draft's, not the one offered
    assert request.priority == 1
    assert request.share_identities is False
    entry = Entry.objects.get(event_type="advice.request.asked")
    assert entry.object_id == str(request.pk)
    assert entry.payload == {
        "decision": str(draft.pk),
        "adviser_kind": "manager",
        "urgency": "urgent",
        "share_identities": False,
    }
    assert [m.to for m in mail.outbox] == [["dsl@school.example"]]
    body = f"{mail.outbox[0].subject} {mail.outbox[0].body}"
    assert f"/advice/{request.pk}/" in body
    # The link's random identifier can contain any digits: look past it.
    body = body.replace(str(request.pk), "")
    for secret in ["Lily", "Morgan", "943", "bruising", "health visitor"]:
        assert secret not in body


def test_answering_writes_who_role_when_and_what_into_the_draft_and_tells_the_asker(
    practitioner: User, manager: User, draft: Decision, django_capture_on_commit_callbacks: Any
) -> None:
    practitioner.email = "practitioner@school.example"
    practitioner.save()
    request = ask(practitioner, draft)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.answer_advice(actor=manager, request=request, answer="Share: the child is at risk.")
    draft.refresh_from_db()
    assert draft.advice_sought is True
    assert draft.adviser_name == "Dana Lead"
    assert draft.adviser_role == "Designated safeguarding lead"
    assert draft.adviser_organisation == "Riverside Primary School"
    assert draft.advised_on is not None
    assert draft.advice == "Share: the child is at risk."
    entry = Entry.objects.get(event_type="advice.request.answered")
    assert entry.payload == {"decision": str(draft.pk), "adviser_kind": "manager"}
    assert entry.actor_id == manager.pk
    assert [m.to for m in mail.outbox] == [["practitioner@school.example"]]
    assert "at risk" not in mail.outbox[0].body
    assert f"/advice/{request.pk}/" in mail.outbox[0].body


def test_a_later_answer_replaces_the_drafts_advice_and_each_stays_on_its_request(
    practitioner: User, manager: User, ig_lead: User, draft: Decision
) -> None:
    first = ask(practitioner, draft)
    second = ask(practitioner, draft, adviser_kind=AdviserKind.IG_LEAD, question="Lawful basis?")
    actions.answer_advice(actor=manager, request=first, answer="Share.")
    actions.answer_advice(actor=ig_lead, request=second, answer="Public task, Article 6(1)(e).")
    draft.refresh_from_db()
    assert draft.advice == "Public task, Article 6(1)(e)."
    assert draft.adviser_role == "Information governance lead"
    assert set(AdviceRequest.objects.values_list("answer", flat=True)) == {
        "Share.",
        "Public task, Article 6(1)(e).",
    }


def test_only_whoever_may_edit_the_draft_asks(
    draft: Decision, ig_lead: User, outsider: User, manager: User
) -> None:
    for actor in (ig_lead, outsider):
        assert_refused(partial(ask, actor, draft), PermissionDenied)
    # A manager of the organisation may carry the draft on, and so ask.
    assert ask(manager, draft, adviser_kind=AdviserKind.IG_LEAD).asked_by == manager


def test_only_the_addressed_adviser_answers(
    practitioner: User,
    manager: User,
    ig_lead: User,
    colleague: User,
    outsider: User,
    draft: Decision,
) -> None:
    to_manager = ask(practitioner, draft)
    to_colleague = ask(practitioner, draft, adviser_kind=AdviserKind.COLLEAGUE, colleague=colleague)
    outsider_manager = UserFactory.create(organisation=outsider.organisation, manager=True)
    for actor, request in [
        (ig_lead, to_manager),  # the wrong role
        (colleague, to_manager),
        (practitioner, to_manager),  # the asker never advises themselves
        (outsider_manager, to_manager),  # another organisation's manager
        (manager, to_colleague),  # a named request is for the colleague only
    ]:
        assert_refused(
            partial(actions.answer_advice, actor=actor, request=request, answer="Share."),
            PermissionDenied,
        )
    actions.answer_advice(actor=colleague, request=to_colleague, answer="Ask the DSL.")


def test_the_colleague_must_be_a_case_role_member_of_the_organisation(
    practitioner: User, outsider: User, draft: Decision
) -> None:
    auditor = UserFactory.create(organisation=practitioner.organisation, auditor=True)
    for who in (outsider, auditor, practitioner, None):
        raised = assert_refused(
            partial(ask, practitioner, draft, adviser_kind="colleague", colleague=who),
            actions.InvalidAdvice,
        )
        assert isinstance(raised, actions.InvalidAdvice) and raised.field == "colleague"


def test_bad_input_names_the_field(practitioner: User, manager: User, draft: Decision) -> None:
    for kwargs, field in [
        ({"question": "  "}, "question"),
        ({"question": "<script>x</script>"}, "question"),
        ({"adviser_kind": "cleaner"}, "adviser_kind"),
    ]:
        raised = assert_refused(partial(ask, practitioner, draft, **kwargs), actions.InvalidAdvice)
        assert isinstance(raised, actions.InvalidAdvice) and raised.field == field


def test_a_draft_without_urgency_needs_one_chosen(
    practitioner: User, manager: User, named_person: Any
) -> None:
    bare = decision_actions.start_decision(actor=practitioner, subject=named_person)
    raised = assert_refused(lambda: ask(practitioner, bare), actions.InvalidAdvice)
    assert isinstance(raised, actions.InvalidAdvice) and raised.field == "urgency"
    assert ask(practitioner, bare, urgency="immediate").priority == 0


def test_double_submits_are_harmless(practitioner: User, manager: User, draft: Decision) -> None:
    first = ask(practitioner, draft)
    assert ask(practitioner, draft) == first
    assert AdviceRequest.objects.count() == 1
    actions.answer_advice(actor=manager, request=first, answer="Share.")
    again = actions.answer_advice(actor=manager, request=first, answer="Share.")
    assert again.answer == "Share."
    assert Entry.objects.filter(event_type="advice.request.answered").count() == 1
    # A different answer to an answered request is refused, naming what happened.
    with pytest.raises(actions.AdviceClosed, match="was answered on"):
        actions.answer_advice(actor=manager, request=first, answer="Do not share.")


def test_finalising_first_withdraws_the_waiting_request_and_refuses_an_answer(
    practitioner: User, manager: User
) -> None:
    from tests.factories.decisions import DecisionFactory

    draft = DecisionFactory.create(started_by=practitioner, seek_advice=True)
    request = ask(practitioner, draft, urgency="standard")
    decision_actions.finalise_decision(actor=practitioner, decision=draft)
    request.refresh_from_db()
    assert request.withdrawn_reason == WithdrawnReason.FINALISED
    assert request.withdrawn_at is not None
    assert Entry.objects.filter(
        event_type="advice.request.withdrawn", object_id=str(request.pk)
    ).exists()
    with pytest.raises(actions.AdviceClosed, match="withdrawn"):
        actions.answer_advice(actor=manager, request=request, answer="Share.")
    # Asking about a finalised decision is refused too.
    assert_refused(lambda: ask(practitioner, draft), PermissionDenied)
    assert verify_ledger().ok


def test_sending_for_sign_off_withdraws_the_waiting_request_and_says_why(
    practitioner: User, manager: User
) -> None:
    from tests.factories.decisions import DecisionFactory

    draft = DecisionFactory.create(started_by=practitioner, share_without_consent=True)
    request = ask(practitioner, draft, urgency="standard")
    sent = decision_actions.finalise_decision(actor=practitioner, decision=draft)
    assert sent.is_awaiting_sign_off  # the shipped policy holds this outcome back
    request.refresh_from_db()
    assert request.withdrawn_reason == WithdrawnReason.SIGN_OFF
    with pytest.raises(actions.AdviceClosed, match="sent for sign-off"):
        actions.answer_advice(actor=manager, request=request, answer="Share.")
    assert verify_ledger().ok


def test_discarding_the_draft_keeps_the_requests_and_the_ledger_verifies(
    practitioner: User, manager: User, ig_lead: User, draft: Decision
) -> None:
    answered = ask(practitioner, draft)
    actions.answer_advice(actor=manager, request=answered, answer="Share.")
    waiting = ask(practitioner, draft, adviser_kind=AdviserKind.IG_LEAD)
    decision_actions.discard_draft(actor=practitioner, decision=draft)
    assert not Decision.objects.filter(pk=draft.pk).exists()
    waiting.refresh_from_db()
    answered.refresh_from_db()
    assert waiting.decision_id is None and waiting.withdrawn_reason == WithdrawnReason.DISCARDED
    assert answered.decision_id is None and answered.answer == "Share."
    assert Entry.objects.filter(event_type="advice.request.draft_discarded").count() == 1
    report = verify_ledger()
    assert report.ok, report.lines()


def test_a_role_nobody_holds_cannot_be_asked(practitioner: User, draft: Decision) -> None:
    raised = assert_refused(partial(ask, practitioner, draft), actions.InvalidAdvice)
    assert isinstance(raised, actions.InvalidAdvice) and raised.field == "adviser_kind"
    assert "ask a named colleague" in raised.message
    # The asker themselves does not count: a manager asking the managers needs another one.
    manager = UserFactory.create(organisation=practitioner.organisation, manager=True)
    assert_refused(partial(ask, manager, draft), actions.InvalidAdvice)
