"""Subject access: logging, the open list, extensions, redaction, sign-off and exports."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.db.models import Model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safeshare.accounts.models import User
from safeshare.audit.models import AccessRecord
from safeshare.decisions.models import InformationItem
from safeshare.ledger.models import Entry
from safeshare.ledger.verify import verify_ledger
from safeshare.subject_access import actions
from safeshare.subject_access.export import pack_csv
from safeshare.subject_access.models import (
    REDACTED_TEXT,
    ImmutableRecordError,
    Redaction,
    SubjectAccessRequest,
)
from safeshare.subject_access.pack import MARKING, build_pack
from safeshare.subjects.models import Person
from tests.factories import PersonFactory
from tests.factories.consent import consent_entry
from tests.factories.disclosures import DisclosureFactory
from tests.rules import assert_refused
from tests.subject_access.helpers import (
    THIRD_PARTY_TEXT,
    decision_naming_a_third_party,
    ig_lead_of,
    log_request,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(practitioner: User, person: Person) -> InformationItem:
    decision = decision_naming_a_third_party(practitioner, person)
    return decision.items.get(identifies_third_party=True)


@pytest.fixture
def sar(ig_lead: User, person: Person, item: InformationItem) -> SubjectAccessRequest:
    return log_request(ig_lead, person, datetime.date(2026, 1, 31))


def events(obj: Model) -> list[str]:
    found = Entry.objects.filter(object_id=str(obj.pk)).order_by("sequence")
    return list(found.values_list("event_type", flat=True))


def _csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_it_logs_a_request_due_one_calendar_month_later(
    client: Client, ig_lead: User, person: Person
) -> None:
    client.force_login(ig_lead)
    response = client.post(
        reverse("subject_access:new", args=[person.pk]),
        {
            "requester_name": "Kerry Morgan",
            "requester_relationship": "Mother",
            "identity_check": "Passport seen",
            "received_on_0": "31",
            "received_on_1": "1",
            "received_on_2": "2026",
        },
    )
    sar = SubjectAccessRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("subject_access:show", args=[sar.pk])
    assert "Lily" not in response["Location"] and "Morgan" not in response["Location"]
    assert (sar.due_on, sar.organisation_id, sar.logged_by) == (
        datetime.date(2026, 2, 28),
        ig_lead.organisation_id,
        ig_lead,
    )
    assert events(sar) == ["subject_access.request.logged"]
    assert AccessRecord.objects.filter(user=ig_lead, person=person).exists()


def test_the_form_names_each_missing_field(client: Client, ig_lead: User, person: Person) -> None:
    client.force_login(ig_lead)
    response = client.post(reverse("subject_access:new", args=[person.pk]), {})
    text = response.content.decode()
    for message in [
        "Enter who asked",
        "Enter their relationship to the person",
        "Enter how their identity was checked",
        "Enter date received",
    ]:
        assert message in text
    assert not SubjectAccessRequest.objects.exists()


def test_the_person_is_found_by_a_post_and_never_named_in_a_url(
    client: Client, ig_lead: User, person: Person
) -> None:
    client.force_login(ig_lead)
    response = client.post(reverse("subject_access:find_person"), {"q": "Lily"})
    assert reverse("subject_access:new", args=[person.pk]) in response.content.decode()
    assert AccessRecord.objects.filter(
        user=ig_lead, person=person, what="subject_access.person.search"
    ).exists()


def test_the_open_list_puts_overdue_first_and_leaves_signed_off_out(
    client: Client, ig_lead: User, organisation: object
) -> None:
    today = timezone.localdate()
    later = log_request(ig_lead, PersonFactory.create(organisation=organisation), today)
    overdue = log_request(
        ig_lead,
        PersonFactory.create(organisation=organisation),
        today - datetime.timedelta(days=40),
    )
    done = log_request(ig_lead, PersonFactory.create(organisation=organisation), today)
    actions.sign_off(actor=ig_lead, request=done)
    client.force_login(ig_lead)
    response = client.get(reverse("subject_access:index"))
    assert [r.pk for r in response.context["page"]] == [overdue.pk, later.pk]
    assert "Overdue" in response.content.decode()


def test_it_extends_by_up_to_two_further_months_with_a_reason(
    ig_lead: User, sar: SubjectAccessRequest
) -> None:
    actions.extend_subject_access_request(
        actor=ig_lead, request=sar, months=1, reason="Records held in two places"
    )
    sar.refresh_from_db()
    assert (sar.extended_months, sar.due_on) == (1, datetime.date(2026, 3, 31))
    with pytest.raises(actions.InvalidSubjectAccessInput) as refused:
        actions.extend_subject_access_request(actor=ig_lead, request=sar, months=2, reason="More")
    assert refused.value.field == "months"
    actions.extend_subject_access_request(actor=ig_lead, request=sar, months=1, reason="More")
    sar.refresh_from_db()
    assert (sar.extended_months, sar.due_on) == (2, datetime.date(2026, 4, 30))
    assert_refused(
        lambda: actions.extend_subject_access_request(
            actor=ig_lead, request=sar, months=1, reason="Again"
        ),
        PermissionDenied,
    )
    assert (
        events(sar) == ["subject_access.request.logged"] + ["subject_access.request.extended"] * 2
    )
    assert [e.reason for e in sar.extensions.all()] == ["Records held in two places", "More"]


def test_an_extension_needs_a_reason(ig_lead: User, sar: SubjectAccessRequest) -> None:
    with pytest.raises(actions.InvalidSubjectAccessInput) as refused:
        actions.extend_subject_access_request(actor=ig_lead, request=sar, months=1, reason=" ")
    assert refused.value.field == "reason"


@pytest.mark.parametrize("role", ["practitioner", "manager", "auditor", "administrator"])
def test_only_the_ig_lead_may_act(
    practitioner: User, person: Person, sar: SubjectAccessRequest, item: InformationItem, role: str
) -> None:
    from tests.factories import UserFactory

    actor = (
        practitioner
        if role == "practitioner"
        else UserFactory.create(organisation=practitioner.organisation, **{role: True})
    )
    for call in [
        lambda: log_request(actor, person),
        lambda: actions.extend_subject_access_request(
            actor=actor, request=sar, months=1, reason="x"
        ),
        lambda: actions.redact_item(actor=actor, request=sar, item=item, reason="x"),
        lambda: actions.sign_off(actor=actor, request=sar),
        lambda: actions.record_export(actor=actor, request=sar, file_format="csv"),
    ]:
        assert_refused(call, PermissionDenied)


def test_another_organisations_ig_lead_may_not_act(
    outsider: User, person: Person, sar: SubjectAccessRequest, item: InformationItem
) -> None:
    theirs = ig_lead_of(outsider, "their.ig")
    assert_refused(lambda: log_request(theirs, person), PermissionDenied)
    assert_refused(lambda: actions.sign_off(actor=theirs, request=sar), PermissionDenied)
    assert_refused(
        lambda: actions.redact_item(actor=theirs, request=sar, item=item, reason="x"),
        PermissionDenied,
    )


def test_a_redaction_changes_the_pack_and_never_the_record(
    client: Client, ig_lead: User, sar: SubjectAccessRequest, item: InformationItem
) -> None:
    client.force_login(ig_lead)
    show = client.get(reverse("subject_access:show", args=[sar.pk])).content.decode()
    assert "Identifies another person" in show
    assert reverse("subject_access:redact", args=[sar.pk, item.pk]) in show
    response = client.post(
        reverse("subject_access:redact", args=[sar.pk, item.pk]),
        {"reason": "Names her uncle, who has not consented"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.text == THIRD_PARTY_TEXT
    pack_text = pack_csv(build_pack(ig_lead, sar))
    assert THIRD_PARTY_TEXT not in pack_text and REDACTED_TEXT in pack_text
    csv_response = client.get(reverse("subject_access:pack_csv", args=[sar.pk]))
    assert THIRD_PARTY_TEXT not in csv_response.content.decode()
    html = client.get(reverse("subject_access:pack", args=[sar.pk])).content.decode()
    assert THIRD_PARTY_TEXT not in html and REDACTED_TEXT in html
    redaction = Redaction.objects.get()
    assert (redaction.item, redaction.reason) == (item, "Names her uncle, who has not consented")
    assert events(redaction) == ["subject_access.item.redacted"]
    # The same item again is refused, naming the field.
    with pytest.raises(actions.InvalidSubjectAccessInput):
        actions.redact_item(actor=ig_lead, request=sar, item=item, reason="again")
    with pytest.raises(ImmutableRecordError):
        redaction.save()
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE subject_access_redaction SET reason = 'changed'")
    assert verify_ledger().ok


def test_an_item_not_about_the_person_cannot_be_redacted(
    client: Client,
    ig_lead: User,
    practitioner: User,
    organisation: object,
    sar: SubjectAccessRequest,
) -> None:
    someone_else = PersonFactory.create(organisation=organisation, given_names="Ava")
    theirs = decision_naming_a_third_party(practitioner, someone_else).items.first()
    assert theirs is not None
    client.force_login(ig_lead)
    url = reverse("subject_access:redact", args=[sar.pk, theirs.pk])
    assert client.post(url, {"reason": "x"}).status_code == 404
    assert not Redaction.objects.exists()


def test_sign_off_locks_the_pack(
    client: Client, ig_lead: User, sar: SubjectAccessRequest, item: InformationItem
) -> None:
    client.force_login(ig_lead)
    page = client.get(reverse("subject_access:sign_off", args=[sar.pk])).content.decode()
    assert "1 item that identifies another person is not redacted" in page
    refused = client.post(reverse("subject_access:sign_off", args=[sar.pk]), {})
    assert "Confirm that you have checked the pack" in refused.content.decode()
    client.post(reverse("subject_access:sign_off", args=[sar.pk]), {"confirm": "on"})
    sar.refresh_from_db()
    assert sar.signed_off_by == ig_lead and sar.signed_off_at is not None
    assert events(sar)[-1] == "subject_access.request.signed_off"
    assert_refused(
        lambda: actions.redact_item(actor=ig_lead, request=sar, item=item, reason="late"),
        PermissionDenied,
    )
    assert client.get(reverse("subject_access:sign_off", args=[sar.pk])).status_code == 403


def test_the_pack_holds_everything_recorded_about_the_person(
    client: Client,
    ig_lead: User,
    practitioner: User,
    person: Person,
    sar: SubjectAccessRequest,
    item: InformationItem,
) -> None:
    disclosure = DisclosureFactory.create(decision=item.decision, acknowledged=True)
    client.force_login(practitioner)
    client.get(reverse("subjects:show", args=[person.pk]))
    pack = build_pack(ig_lead, sar)
    sections = {s.key: s for s in pack.sections}
    assert len(sections["decisions"].rows) == 1
    assert THIRD_PARTY_TEXT in [row.cells[2] for row in sections["items"].rows]
    assert sections["disclosures"].rows[0].cells[0] == disclosure.reference
    assert [r.cells[1] for r in sections["receipts"].rows] == ["Opened", "Acknowledged"]
    viewers = {r.cells[1] for r in sections["views"].rows}
    assert practitioner.display_name() in viewers
    rows = _csv_rows(pack_csv(pack))
    assert rows[0] == [MARKING] and rows[-1] == [MARKING]
    assert ["Person", "Lily Morgan"] in rows


def test_exports_are_not_cached_not_named_after_the_person_and_are_recorded(
    client: Client, ig_lead: User, person: Person, sar: SubjectAccessRequest
) -> None:
    client.force_login(ig_lead)
    for name, file_format in [("pack_csv", "csv"), ("pack_pdf", "pdf"), ("pack", "html")]:
        before = AccessRecord.objects.filter(user=ig_lead, person=person).count()
        response = client.get(reverse(f"subject_access:{name}", args=[sar.pk]))
        assert "no-store" in response["Cache-Control"].split(", ")
        disposition = response.get("Content-Disposition", "")
        assert "Lily" not in disposition and "Morgan" not in disposition
        assert AccessRecord.objects.filter(user=ig_lead, person=person).count() == before + 1
        entry = Entry.objects.filter(event_type="subject_access.pack.exported").latest("sequence")
        assert entry.payload == {"format": file_format, "signed_off": False}
        if file_format in {"csv", "pdf"}:
            assert f'filename="subject-access-{sar.pk}-' in disposition


def test_a_cell_that_would_run_as_a_formula_is_quoted(
    ig_lead: User, person: Person, organisation: object
) -> None:
    sar = actions.log_subject_access_request(
        actor=ig_lead,
        person=person,
        requester_name='=HYPERLINK("http://x")',
        requester_relationship="Self",
        identity_check="Seen",
        received_on=timezone.localdate(),
    )
    assert "'=HYPERLINK" in pack_csv(build_pack(ig_lead, sar))


def test_the_ig_lead_finds_subject_access_in_the_header(
    client: Client, ig_lead: User, practitioner: User
) -> None:
    link = f'href="{reverse("subject_access:index")}"'
    client.force_login(ig_lead)
    assert link in client.get(reverse("site:home")).content.decode()
    client.force_login(practitioner)
    assert link not in client.get(reverse("site:home")).content.decode()


def test_the_pack_holds_the_consent_register_and_telling_the_person(
    ig_lead: User,
    practitioner: User,
    person: Person,
    sar: SubjectAccessRequest,
    item: InformationItem,
) -> None:
    from safeshare.consent import actions as consent_actions
    from safeshare.families.models import Review, Told

    today = timezone.localdate()
    entry = consent_entry(
        practitioner,
        person,
        given_by_kind="person",
        given_by_name="",
        scope="Attendance records",
        obtained_on=today - datetime.timedelta(days=30),
        explicit=True,
    )
    consent_actions.withdraw_entry(
        actor=practitioner,
        entry=entry,
        by_kind="person",
        withdrawn_on=today,
        method="phone",
        reason="Changed her mind",
    )
    decision = item.decision
    Review.objects.create(
        decision=decision,
        organisation_id=decision.organisation_id,
        reviewed_on=today - datetime.timedelta(days=1),
        reason="risk_of_harm",
        detail="Still under enquiry",
        next_review_on=today,
        recorded_by=practitioner,
    )
    Told.objects.create(
        decision=decision,
        organisation_id=decision.organisation_id,
        told_on=today,
        method="phone",
        told_by="Class teacher",
        what_was_said="What was shared and why",
        recorded_by=practitioner,
    )
    sections = {s.key: s for s in build_pack(ig_lead, sar).sections}
    [register] = sections["consent_register"].rows
    assert register.cells[1] == "Consent was given (explicit)"
    assert "Attendance records" in register.cells and "Early help team" in register.cells
    assert register.cells[-1].startswith(f"{today:%-d %B %Y}")
    told = sections["told"].rows
    assert [r.cells[1] for r in told] == [
        "Told",
        "Not told yet: telling them would create or increase the risk of harm",
    ]
    assert told[0].cells[3] == "Class teacher"
    # The review's free text stays on the decision: the pack gives its reason only.
    assert all("Still under enquiry" not in r.cells for r in told)


def test_the_pack_holds_what_was_sent_to_other_partnerships(
    ig_lead: User, practitioner: User, person: Person
) -> None:
    """A signed disclosure to another partnership's practitioner from a decision about the
    person, its reported opening and its revocation, in the pack (UK GDPR Art 15(1)(c):
    the recipients)."""
    from tests.factories.federation import SentDisclosureFactory, report_from_peer

    sent = SentDisclosureFactory.create(sent_by=practitioner, subject=person)
    report_from_peer(sent)
    from safeshare.federation import actions as federation_actions
    from tests.factories.federation import own_key

    with own_key():
        federation_actions.revoke(actor=practitioner, disclosure=sent, reason="Wrong person")
    sar = log_request(ig_lead, person, datetime.date(2026, 1, 31))
    sections = {s.key: s for s in build_pack(ig_lead, sar).sections}
    (row,) = sections["federated"].rows
    assert row.cells[0] == sent.reference
    assert sent.inbound.requester_name in row.cells[3] and "Westshire" in row.cells[3]
    assert row.cells[-1] == "Revoked"
    federated = [r.cells[1:3] for r in sections["receipts"].rows if r.cells[0] == sent.reference]
    assert federated == [
        ("Opened", "The recipient, as their safeshare reported it"),
        ("Revoked", practitioner.display_name()),
    ]
