"""Consent withdrawn after a decision that relied on it: the action, its refusals, the
append-only table, and the pages (form, check and confirm, confirmation, record, print,
chronology)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse

from safeshare.accounts.models import User
from safeshare.audit.models import AccessRecord
from safeshare.decisions import actions
from safeshare.decisions.models import (
    ConsentWithdrawal,
    ConsentWithdrawalError,
    Decision,
    DecisionStatus,
)
from safeshare.ledger.models import Entry
from safeshare.subjects.models import Person
from tests.factories import PersonFactory, UserFactory
from tests.factories.decisions import YESTERDAY, ConsentWithdrawalFactory, DecisionFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
EVENT = "decisions.consent.withdrawn"


@pytest.fixture
def consented(practitioner: User, person: Person) -> Decision:
    return DecisionFactory.create(
        started_by=practitioner, subject=person, share_with_consent=True, finalised=True
    )


def withdraw(actor: User, decision: Decision, **overrides: Any) -> ConsentWithdrawal:
    values: dict[str, Any] = {
        "withdrawn_by_name": "Kerry Morgan, mother",
        "withdrawn_on": TODAY,
        "method": "phone",
        "next_steps": "Sharing stops. Asked the early help team to delete what was sent.",
    }
    values.update(overrides)
    return actions.record_consent_withdrawal(actor=actor, decision=decision, **values)


def nothing_written() -> None:
    assert not ConsentWithdrawal.objects.exists()
    assert not Entry.objects.filter(event_type=EVENT).exists()


class TestTheAction:
    def test_it_records_the_withdrawal_and_a_ledger_entry(
        self, practitioner: User, consented: Decision
    ) -> None:
        withdrawal = withdraw(practitioner, consented)
        assert withdrawal.decision == consented
        assert withdrawal.organisation == practitioner.organisation
        assert withdrawal.recorded_by == practitioner
        assert withdrawal.withdrawn_by_display == "Kerry Morgan, mother"
        entry = Entry.objects.get(event_type=EVENT)
        assert entry.object_id == str(withdrawal.pk)
        assert entry.payload == {
            "decision": str(consented.pk),
            "withdrawn_on": TODAY.isoformat(),
            "method": "phone",
            "by_subject": False,
        }
        # The decision is not changed by it: it is reviewed by an amendment.
        decision = Decision.objects.get(pk=consented.pk)
        assert decision.status == DecisionStatus.FINALISED
        assert decision.consent_status == "given"
        assert decision.withdrawal == withdrawal

    def test_it_can_name_one_of_the_decisions_people(
        self, practitioner: User, consented: Decision, person: Person
    ) -> None:
        withdrawal = withdraw(practitioner, consented, withdrawn_by_person=person)
        assert withdrawal.withdrawn_by_person == person
        assert withdrawal.withdrawn_by_name == ""
        assert withdrawal.withdrawn_by_display == "Lily Morgan"
        assert Entry.objects.get(event_type=EVENT).payload["by_subject"] is True

    @pytest.mark.parametrize("role", ["manager", "ig_lead"])
    def test_other_case_roles_of_the_organisation_may_record_it(
        self, consented: Decision, practitioner: User, role: str
    ) -> None:
        colleague = UserFactory.create(organisation=practitioner.organisation, **{role: True})
        assert withdraw(colleague, consented).recorded_by == colleague

    @pytest.mark.parametrize("role", ["auditor", "administrator"])
    def test_roles_without_case_records_are_refused(
        self, consented: Decision, practitioner: User, role: str
    ) -> None:
        user = UserFactory.create(organisation=practitioner.organisation, **{role: True})
        with pytest.raises(PermissionDenied):
            withdraw(user, consented)
        nothing_written()

    def test_another_organisation_is_refused(self, consented: Decision, outsider: User) -> None:
        with pytest.raises(PermissionDenied):
            withdraw(outsider, consented)
        nothing_written()

    def test_only_once_per_decision(self, practitioner: User, consented: Decision) -> None:
        first = withdraw(practitioner, consented)
        with pytest.raises(actions.AlreadyWithdrawn) as refused:
            withdraw(practitioner, consented, withdrawn_by_name="Someone else, father")
        assert refused.value.field == "decision"
        assert "already been recorded" in refused.value.message
        assert list(ConsentWithdrawal.objects.all()) == [first]
        assert Entry.objects.filter(event_type=EVENT).count() == 1

    def test_a_draft_has_no_consent_to_withdraw(self, practitioner: User, person: Person) -> None:
        draft = actions.start_decision(actor=practitioner, subject=person)
        with pytest.raises(actions.InvalidWithdrawal) as refused:
            withdraw(practitioner, draft)
        assert refused.value.field == "decision"
        nothing_written()

    def test_a_decision_without_consent_given_is_refused(
        self, practitioner: User, person: Person
    ) -> None:
        decision = DecisionFactory.create(
            started_by=practitioner, subject=person, share_without_consent=True, finalised=True
        )
        with pytest.raises(actions.InvalidWithdrawal) as refused:
            withdraw(practitioner, decision)
        assert refused.value.field == "decision"
        nothing_written()

    @pytest.mark.parametrize(
        ("overrides", "field", "message"),
        [
            (
                {"withdrawn_on": TODAY + datetime.timedelta(days=1)},
                "withdrawn_on",
                "must be today or in the past",
            ),
            (
                {"withdrawn_on": YESTERDAY - datetime.timedelta(days=1)},
                "withdrawn_on",
                "on or after the date consent was asked for",
            ),
            ({"method": "carrier_pigeon"}, "method", "Select how they told you"),
            ({"next_steps": "   "}, "next_steps", "Enter what happens now"),
            ({"next_steps": "x" * 5001}, "next_steps", "5000 characters or fewer"),
            ({"withdrawn_by_name": ""}, "withdrawn_by", "Select or enter who withdrew consent"),
            (
                {"withdrawn_by_name": "<script>alert(1)</script>"},
                "withdrawn_by_name",
                "must not contain HTML",
            ),
            ({"next_steps": "Stop\x00sharing"}, "next_steps", "control characters"),
        ],
    )
    def test_bad_input_names_the_field_and_writes_nothing(
        self,
        practitioner: User,
        consented: Decision,
        overrides: dict[str, Any],
        field: str,
        message: str,
    ) -> None:
        with pytest.raises(actions.InvalidWithdrawal) as refused:
            withdraw(practitioner, consented, **overrides)
        assert refused.value.field == field
        assert message in refused.value.message
        nothing_written()

    def test_the_person_must_be_one_the_decision_is_about(
        self, practitioner: User, consented: Decision, person: Person
    ) -> None:
        stranger = PersonFactory.create(organisation=person.organisation)
        with pytest.raises(actions.InvalidWithdrawal) as refused:
            withdraw(practitioner, consented, withdrawn_by_person=stranger)
        assert refused.value.field == "withdrawn_by"
        nothing_written()


class TestTheRecordNeverChanges:
    def test_through_the_model(self, practitioner: User, consented: Decision) -> None:
        withdrawal = ConsentWithdrawalFactory.create(decision=consented)
        withdrawal.next_steps = "edited"
        with pytest.raises(ConsentWithdrawalError):
            withdrawal.save()
        with pytest.raises(ConsentWithdrawalError):
            withdrawal.delete()

    def test_through_a_queryset(self, practitioner: User, consented: Decision) -> None:
        withdrawal = ConsentWithdrawalFactory.create(decision=consented)
        with pytest.raises(IntegrityError), transaction.atomic():
            ConsentWithdrawal.objects.filter(pk=withdrawal.pk).update(next_steps="edited")
        with pytest.raises(IntegrityError), transaction.atomic():
            ConsentWithdrawal.objects.filter(pk=withdrawal.pk).delete()
        assert ConsentWithdrawal.objects.get().next_steps.startswith("Sharing stops")

    def test_through_raw_sql(self, practitioner: User, consented: Decision) -> None:
        withdrawal = ConsentWithdrawalFactory.create(decision=consented)
        key = withdrawal.pk.hex if connection.vendor == "sqlite" else withdrawal.pk
        table = ConsentWithdrawal._meta.db_table
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET method = %s WHERE id = %s", ["letter", key])
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE id = %s", [key])
        assert ConsentWithdrawal.objects.get().method == "phone"

    def test_a_second_row_is_refused_by_the_database(
        self, practitioner: User, consented: Decision
    ) -> None:
        ConsentWithdrawalFactory.create(decision=consented)
        with pytest.raises(IntegrityError), transaction.atomic():
            ConsentWithdrawal.objects.create(
                decision=consented,
                organisation=consented.organisation,
                withdrawn_by_name="x",
                withdrawn_on=TODAY,
                method="phone",
                next_steps="x",
                recorded_by=practitioner,
            )

    def test_it_must_name_who(self, practitioner: User, consented: Decision) -> None:
        with pytest.raises(IntegrityError), transaction.atomic():
            ConsentWithdrawal.objects.create(
                decision=consented,
                organisation=consented.organisation,
                withdrawn_on=TODAY,
                method="phone",
                next_steps="x",
                recorded_by=practitioner,
            )


def form_data(**overrides: str) -> dict[str, str]:
    data = {
        "withdrawn_by": "consent_giver",
        "withdrawn_by_name": "",
        "withdrawn_on_0": str(TODAY.day),
        "withdrawn_on_1": str(TODAY.month),
        "withdrawn_on_2": str(TODAY.year),
        "method": "in_person",
        "next_steps": "Sharing stops; the early help team was asked to delete the referral.",
    }
    data.update(overrides)
    return data


class TestThePages:
    def test_the_whole_journey(
        self, client: Client, practitioner: User, consented: Decision, person: Person
    ) -> None:
        client.force_login(practitioner)
        show = reverse("decisions:show", args=[consented.pk])
        page = client.get(show).content.decode()
        form_url = reverse("decisions:withdraw_consent", args=[consented.pk])
        assert form_url in page
        assert "Record that consent was withdrawn" in page

        page = client.get(form_url).content.decode()
        assert "Consent can be withdrawn at any time" in page
        assert "HM Government" in page and "2018" in page and "2024" in page
        assert "Kerry Morgan, mother, who gave consent" in page
        assert "Lily Morgan" in page

        response = client.post(form_url, form_data())
        check_url = reverse("decisions:withdraw_consent_check", args=[consented.pk])
        assert response.status_code == 302 and response["Location"] == check_url
        assert not ConsentWithdrawal.objects.exists()

        page = client.get(check_url).content.decode()
        assert "Check your answers before recording that consent was withdrawn" in page
        assert "Kerry Morgan, mother" in page
        assert TODAY.strftime("%-d %B %Y") in page
        assert "In person" in page
        assert f"{form_url}#id_next_steps" in page

        response = client.post(check_url)
        done = reverse("decisions:consent_withdrawn", args=[consented.pk])
        assert response.status_code == 302 and response["Location"] == done
        withdrawal = ConsentWithdrawal.objects.get()
        assert withdrawal.withdrawn_by_name == "Kerry Morgan, mother"
        assert withdrawal.method == "in_person"
        assert Entry.objects.filter(event_type=EVENT).count() == 1

        page = client.get(done).content.decode()
        assert "Consent withdrawal recorded" in page
        assert "Review this decision" in page
        assert reverse("decisions:amend", args=[consented.pk]) in page
        assert "consider revoking the recipient" in page

        page = client.get(show).content.decode()
        assert "govuk-warning-text" in page
        assert f"Consent withdrawn on {TODAY.strftime('%-d %B %Y')}" in page
        assert "Review this decision" in page
        assert "Record that consent was withdrawn" not in page

        page = client.get(reverse("decisions:print", args=[consented.pk])).content.decode()
        assert f"Consent withdrawn on {TODAY.strftime('%-d %B %Y')}" in page
        assert "Sharing stops; the early help team" in page
        assert "Review this decision" not in page

        page = client.get(reverse("subjects:show", args=[person.pk])).content.decode()
        assert "Consent withdrawn" in page
        assert f"Consent withdrawn on {TODAY.strftime('%-d %b %Y')}" in page

    def test_someone_else_needs_a_name(
        self, client: Client, practitioner: User, consented: Decision
    ) -> None:
        client.force_login(practitioner)
        url = reverse("decisions:withdraw_consent", args=[consented.pk])
        page = client.post(url, form_data(withdrawn_by="other")).content.decode()
        assert "There is a problem" in page
        assert "Enter the name and relationship to the child" in page
        assert 'href="#id_withdrawn_by_name"' in page

    def test_one_of_the_people_can_be_chosen(
        self, client: Client, practitioner: User, consented: Decision, person: Person
    ) -> None:
        client.force_login(practitioner)
        url = reverse("decisions:withdraw_consent", args=[consented.pk])
        client.post(url, form_data(withdrawn_by=str(person.pk)))
        client.post(reverse("decisions:withdraw_consent_check", args=[consented.pk]))
        assert ConsentWithdrawal.objects.get().withdrawn_by_person == person

    def test_an_empty_form_names_every_field(
        self, client: Client, practitioner: User, consented: Decision
    ) -> None:
        client.force_login(practitioner)
        url = reverse("decisions:withdraw_consent", args=[consented.pk])
        page = client.post(url, {}).content.decode()
        for message in [
            "Select who withdrew consent",
            "Enter date consent was withdrawn",
            "Select how they told you consent was withdrawn",
            "Enter what happens now consent is withdrawn",
        ]:
            assert message in page
        nothing_written()

    @pytest.mark.parametrize(
        ("when", "message"),
        [
            (TODAY + datetime.timedelta(days=2), "must be today or in the past"),
            (YESTERDAY - datetime.timedelta(days=3), "on or after the date consent was asked for"),
        ],
    )
    def test_the_date_is_checked(
        self,
        client: Client,
        practitioner: User,
        consented: Decision,
        when: datetime.date,
        message: str,
    ) -> None:
        client.force_login(practitioner)
        url = reverse("decisions:withdraw_consent", args=[consented.pk])
        page = client.post(
            url,
            form_data(
                withdrawn_on_0=str(when.day),
                withdrawn_on_1=str(when.month),
                withdrawn_on_2=str(when.year),
            ),
        ).content.decode()
        assert message in page
        assert 'href="#id_withdrawn_on_0"' in page
        nothing_written()

    def test_a_tampered_choice_is_refused(
        self, client: Client, practitioner: User, consented: Decision
    ) -> None:
        client.force_login(practitioner)
        url = reverse("decisions:withdraw_consent", args=[consented.pk])
        stranger = PersonFactory.create(organisation=practitioner.organisation)
        page = client.post(url, form_data(withdrawn_by=str(stranger.pk))).content.decode()
        assert "Select who withdrew consent" in page
        nothing_written()

    def test_the_check_page_without_answers_goes_back_to_the_questions(
        self, client: Client, practitioner: User, consented: Decision
    ) -> None:
        client.force_login(practitioner)
        check_url = reverse("decisions:withdraw_consent_check", args=[consented.pk])
        for method in ("get", "post"):
            response = getattr(client, method)(check_url)
            assert response.status_code == 302
            assert response["Location"] == reverse(
                "decisions:withdraw_consent", args=[consented.pk]
            )
        nothing_written()

    def test_change_brings_the_answers_back(
        self, client: Client, practitioner: User, consented: Decision
    ) -> None:
        client.force_login(practitioner)
        url = reverse("decisions:withdraw_consent", args=[consented.pk])
        client.post(url, form_data(next_steps="First version of what happens"))
        page = client.get(url).content.decode()
        assert "First version of what happens" in page

    def test_a_second_attempt_is_refused_with_a_clear_message(
        self, client: Client, practitioner: User, consented: Decision
    ) -> None:
        client.force_login(practitioner)
        url = reverse("decisions:withdraw_consent", args=[consented.pk])
        client.post(url, form_data())
        check_url = reverse("decisions:withdraw_consent_check", args=[consented.pk])
        assert client.post(check_url).status_code == 302
        # Submitting again (a second tab, the back button) is refused on every page.
        for response in (client.post(check_url), client.get(url), client.post(url, form_data())):
            assert response.status_code == 409
            page = response.content.decode()
            assert "Consent withdrawal is already recorded" in page
            assert "already been recorded for this decision" in page
        assert ConsentWithdrawal.objects.count() == 1
        assert Entry.objects.filter(event_type=EVENT).count() == 1

    def test_a_race_between_two_check_pages_is_refused(
        self, client: Client, practitioner: User, consented: Decision
    ) -> None:
        client.force_login(practitioner)
        url = reverse("decisions:withdraw_consent", args=[consented.pk])
        client.post(url, form_data())
        ConsentWithdrawalFactory.create(decision=consented)  # someone else, at the same moment
        response = client.post(reverse("decisions:withdraw_consent_check", args=[consented.pk]))
        assert response.status_code == 409
        assert "already been recorded" in response.content.decode()
        assert ConsentWithdrawal.objects.count() == 1

    def test_a_draft_or_a_decision_without_consent_has_no_page(
        self, client: Client, practitioner: User, person: Person
    ) -> None:
        client.force_login(practitioner)
        draft = actions.start_decision(actor=practitioner, subject=person)
        without = DecisionFactory.create(
            started_by=practitioner, subject=person, share_without_consent=True, finalised=True
        )
        for decision in (draft, without):
            url = reverse("decisions:withdraw_consent", args=[decision.pk])
            assert client.get(url).status_code == 404
        page = client.get(reverse("decisions:show", args=[without.pk])).content.decode()
        assert "Record that consent was withdrawn" not in page

    def test_an_ig_lead_sees_no_review_button(
        self, client: Client, practitioner: User, consented: Decision
    ) -> None:
        lead = UserFactory.create(organisation=practitioner.organisation, ig_lead=True)
        ConsentWithdrawalFactory.create(decision=consented, recorded_by=lead)
        client.force_login(lead)
        page = client.get(reverse("decisions:show", args=[consented.pk])).content.decode()
        assert "Consent withdrawn on" in page
        assert "Review this decision" not in page

    @pytest.mark.parametrize("name", ["withdraw_consent", "consent_withdrawn", "check"])
    def test_each_page_records_who_saw_whom(
        self,
        client: Client,
        practitioner: User,
        consented: Decision,
        person: Person,
        name: str,
    ) -> None:
        client.force_login(practitioner)
        if name == "check":
            client.post(reverse("decisions:withdraw_consent", args=[consented.pk]), form_data())
            url = reverse("decisions:withdraw_consent_check", args=[consented.pk])
            what = "decisions.decision.consent_withdrawal_check"
        elif name == "consent_withdrawn":
            ConsentWithdrawalFactory.create(decision=consented)
            url = reverse("decisions:consent_withdrawn", args=[consented.pk])
            what = "decisions.decision.consent_withdrawal_done"
        else:
            url = reverse("decisions:withdraw_consent", args=[consented.pk])
            what = "decisions.decision.consent_withdrawal_form"
        assert client.get(url).status_code == 200
        record = AccessRecord.objects.get(what=what)
        assert record.person == person
        assert record.object_id == str(consented.pk)
        assert record.user == practitioner
