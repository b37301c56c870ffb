"""Verify checks the other way round: every record that must have an entry has one."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.apps import apps
from django.utils import timezone

from safeshare.accounts.models import Organisation, User
from safeshare.api import actions as api_actions
from safeshare.api.models import ApiToken
from safeshare.decisions import actions as decision_actions
from safeshare.decisions.models import Decision
from safeshare.directory import actions as directory_actions
from safeshare.directory.models import OrganisationProfile
from safeshare.disclosures.models import Disclosure
from safeshare.ledger import coverage, verify
from safeshare.ledger.models import Entry
from safeshare.ledger.verify import verify_ledger
from safeshare.policies import actions as policy_actions
from safeshare.policies.models import PolicyActivation
from safeshare.subjects.models import Person
from tests.factories import UserFactory
from tests.ledger.conftest import tamper, verify_failure

pytestmark = pytest.mark.django_db

NO_ENTRY = "no ledger entry: entries removed or written behind the app"


@pytest.fixture
def administrator(organisation: Organisation) -> User:
    return UserFactory.create(organisation=organisation, administrator=True, username="admin")


@pytest.fixture
def earlier_entries(append: Callable[..., Entry]) -> None:
    """Entries before the ones a test removes, so what remains is a ledger, not nothing."""
    for _ in range(5):
        append()


@pytest.mark.usefixtures("earlier_entries")
def test_it_names_a_decision_and_a_disclosure_whose_newest_entries_were_removed(
    decision: Decision, disclosure: Disclosure
) -> None:
    """The tester's case: with the triggers dropped, the newest entries and the tree nodes
    they completed are deleted, leaving a shorter tree that is consistent in itself."""
    first = (
        Entry.objects.filter(object_type="decisions.decision", object_id=str(decision.pk))
        .order_by("sequence")
        .values_list("sequence", flat=True)
        .first()
    )
    assert first == 5
    tamper("DELETE FROM ledger_entry WHERE sequence >= %s", params=[first])
    tamper("DELETE FROM ledger_node WHERE key >= %s", params=[first << 6])
    assert verify_failure().splitlines()[1:] == [
        f"record decisions.decision {decision.pk}: {NO_ENTRY}",
        f"record disclosures.disclosure {disclosure.pk}: {NO_ENTRY}",
    ]


def _policy_activation(administrator: User) -> tuple[str, str]:
    activation = PolicyActivation.objects.create(
        policy_id="hmg-2018",
        version="1",
        sha256="0" * 64,
        title="Written in a console",
        reason="No reason",
        activated_by=administrator,
    )
    return "policies.policyactivation", str(activation.pk)


def _organisation_profile(administrator: User) -> tuple[str, str]:
    assert administrator.organisation is not None
    profile = OrganisationProfile.objects.create(organisation=administrator.organisation)
    return "directory.organisationprofile", str(profile.pk)


def _api_token(administrator: User) -> tuple[str, str]:
    now = timezone.now()
    token = ApiToken.objects.create(
        user=administrator,
        name="Written in a console",
        prefix="0123456789ab",
        secret_hash="0" * 64,
        expires_at=now + datetime.timedelta(days=1),
        session_epoch=0,
    )
    return "api.apitoken", str(token.pk)


@pytest.mark.parametrize(
    "write",
    [_policy_activation, _organisation_profile, _api_token],
    ids=["whole-number key", "one-to-one key", "uuid key"],
)
@pytest.mark.usefixtures("earlier_entries")
def test_it_names_a_record_written_behind_the_app(
    administrator: User, write: Callable[[User], tuple[str, str]]
) -> None:
    label, oid = write(administrator)
    assert verify_failure().splitlines()[1:] == [f"record {label} {oid}: {NO_ENTRY}"]


def test_it_passes_records_made_through_their_actions(
    administrator: User, disclosure: Disclosure, capsys: pytest.CaptureFixture[str]
) -> None:
    """One of each kind of primary key, each found through the entries' object index."""
    assert administrator.organisation is not None
    policy_actions.activate_policy(
        actor=administrator, policy_id="hmg-2018", version="3", reason="Board decision"
    )
    directory_actions.update_profile(
        actor=administrator,
        organisation=administrator.organisation,
        address="Riverside Road",
        main_phone="01632960101",
        notes="",
    )
    api_actions.create_token(actor=administrator, name="Reports")
    report = verify_ledger()
    assert report.ok, report.lines()
    # The decision, the disclosure, the activation, the profile and the token.
    assert report.covered_checked == 5
    from django.core.management import call_command

    call_command("ledger", "verify")
    assert "5 records that must have an entry all have one" in capsys.readouterr().out


def test_a_draft_decision_needs_no_entry(practitioner: User, person: Person) -> None:
    decision_actions.start_decision(actor=practitioner, subject=person)
    report = verify_ledger()
    assert report.ok, report.lines()
    assert report.covered_checked == 0


def test_it_pages_through_the_records(administrator: User) -> None:
    for _ in range(5):
        api_actions.create_token(actor=administrator, name="Reports")
    label, oid = _api_token(administrator)
    report = verify_ledger(coverage_batch=2)
    assert report.covered_checked == 6
    assert [p.message for p in report.problems] == [f"record {label} {oid}: {NO_ENTRY}"]


def test_it_excuses_a_record_made_after_verification_started(
    administrator: User, append: Callable[..., Entry], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A token made while verify runs has its entry beyond the size verify fixed."""
    append()
    original = verify._check_coverage

    def make_one_meanwhile(report: verify.Report, size: int, batch: int) -> None:
        api_actions.create_token(actor=administrator, name="Reports")
        original(report, size, batch)

    monkeypatch.setattr(verify, "_check_coverage", make_one_meanwhile)
    report = verify_ledger()
    assert report.ok, report.lines()
    assert (report.size, report.covered_checked) == (1, 1)


def test_every_rule_names_a_model_and_rows_it_can_select() -> None:
    for rule in coverage.RULES:
        model = apps.get_model(rule.label)
        if rule.rows is not None:
            assert model._base_manager.filter(rule.rows).count() == 0
    assert len(coverage.LABELS) == len(coverage.RULES)
