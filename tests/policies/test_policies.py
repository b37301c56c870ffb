"""Administrators choose the guidance policy new decisions follow; the choice is an
append-only activation with a ledger entry, and a file changed or removed after it was
activated stops new decisions rather than being followed silently."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from safeshare import guidance
from safeshare.accounts.models import User
from safeshare.decisions import actions as decision_actions
from safeshare.decisions import flow
from safeshare.decisions.models import Decision
from safeshare.ledger.models import Entry
from safeshare.policies import actions, selection
from safeshare.policies.models import ActivationError, PolicyActivation
from safeshare.subjects.models import Person
from tests.factories import UserFactory
from tests.factories.decisions import DecisionFactory

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).parents[1] / "guidance" / "fixtures" / "partnership"
EVENT = "policies.policy.activated"


@pytest.fixture(autouse=True)
def fresh_policy_cache() -> Iterator[None]:
    guidance.clear_caches()
    yield
    guidance.clear_caches()


@pytest.fixture
def admin(organisation: object) -> User:
    return UserFactory.create(organisation=organisation, administrator=True, username="admin")


@pytest.fixture
def partnership_dir(tmp_path: Path, settings: Any) -> Path:
    """A partnership policy folder holding a copy of the example policy."""
    shutil.copy(FIXTURE / "example-partnership.yaml", tmp_path / "example-partnership.yaml")
    settings.SAFESHARE_POLICY_DIRS = [tmp_path]
    guidance.clear_caches()
    return tmp_path


def activate(actor: User, policy_id: str = "hmg-2018", version: str = "3") -> PolicyActivation:
    return actions.activate_policy(
        actor=actor, policy_id=policy_id, version=version, reason="Board decision, March 2026"
    )


def nothing_written() -> None:
    assert not PolicyActivation.objects.exists()
    assert not Entry.objects.filter(event_type=EVENT).exists()


class TestWhichPolicyNewDecisionsFollow:
    def test_without_an_activation_the_setting_still_chooses(self, settings: Any) -> None:
        settings.SAFESHARE_POLICY = None
        assert flow.current_policy().id == "hmg-2024"
        settings.SAFESHARE_POLICY = "hmg-2018"
        assert flow.current_policy().id == "hmg-2018"

    def test_an_activation_wins_over_the_setting(
        self, admin: User, practitioner: User, person: Person, settings: Any
    ) -> None:
        settings.SAFESHARE_POLICY = "hmg-2024"
        activation = activate(admin, "hmg-2018")
        policy = flow.current_policy()
        assert policy.ref == guidance.load_policy("hmg-2018").ref
        assert activation.sha256 == policy.sha256
        decision = decision_actions.start_decision(actor=practitioner, subject=person)
        assert (decision.policy_id, decision.policy_version) == ("hmg-2018", "3")
        assert decision.policy_sha256 == activation.sha256

    def test_the_most_recent_activation_is_followed(self, admin: User) -> None:
        activate(admin, "hmg-2018")
        activate(admin, "hmg-2024")
        assert flow.current_policy().id == "hmg-2024"
        assert selection.latest_activation().policy_id == "hmg-2024"  # type: ignore[union-attr]

    def test_a_partnership_policy_can_be_activated(
        self, admin: User, partnership_dir: Path
    ) -> None:
        activate(admin, "example-partnership", "2")
        assert flow.current_policy().id == "example-partnership"

    def test_a_changed_file_stops_new_decisions(
        self, admin: User, practitioner: User, person: Person, partnership_dir: Path
    ) -> None:
        activate(admin, "example-partnership", "2")
        draft = decision_actions.start_decision(actor=practitioner, subject=person)
        path = partnership_dir / "example-partnership.yaml"
        path.write_text(path.read_text() + "\n# edited after activation\n")
        with pytest.raises(flow.PolicyUnavailable) as unavailable:
            flow.current_policy()
        assert unavailable.value.problem.kind == "changed"
        assert "has changed since it was activated" in unavailable.value.problem.message
        with pytest.raises(flow.PolicyUnavailable):
            decision_actions.start_decision(actor=practitioner, subject=person)
        # Also after a restart, when the cache holds the edited file.
        guidance.clear_caches()
        with pytest.raises(flow.PolicyUnavailable):
            flow.current_policy()
        assert Decision.objects.filter(pk=draft.pk).exists()
        assert Decision.objects.count() == 1
        # Activating again (the file as it is now) puts things right.
        activation = activate(admin, "example-partnership", "2")
        assert flow.current_policy().sha256 == activation.sha256
        assert decision_actions.start_decision(actor=practitioner, subject=person)

    def test_a_removed_file_stops_new_decisions(self, admin: User, partnership_dir: Path) -> None:
        activate(admin, "example-partnership", "2")
        (partnership_dir / "example-partnership.yaml").unlink()
        with pytest.raises(flow.PolicyUnavailable) as unavailable:
            flow.current_policy()
        assert unavailable.value.problem.kind == "missing"
        guidance.clear_caches()
        with pytest.raises(flow.PolicyUnavailable) as unavailable:
            flow.current_policy()
        assert "can no longer be found" in unavailable.value.problem.message

    def test_amending_and_reconsidering_also_need_the_policy(
        self, admin: User, practitioner: User, person: Person, partnership_dir: Path
    ) -> None:
        shared = DecisionFactory.create(
            started_by=practitioner, subject=person, share_with_consent=True, finalised=True
        )
        refused = DecisionFactory.create(
            started_by=practitioner, subject=person, do_not_share=True, finalised=True
        )
        activate(admin, "example-partnership", "2")
        (partnership_dir / "example-partnership.yaml").unlink()
        with pytest.raises(flow.PolicyUnavailable):
            decision_actions.amend_decision(actor=practitioner, decision=shared)
        with pytest.raises(flow.PolicyUnavailable):
            decision_actions.reconsider_decision(
                actor=practitioner, decision=refused, new_information="New"
            )
        assert Decision.objects.count() == 2


class TestActivating:
    def test_it_writes_an_activation_and_a_ledger_entry(self, admin: User) -> None:
        activation = activate(admin, "hmg-2018")
        policy = guidance.load_policy("hmg-2018")
        assert (activation.policy_id, activation.version) == ("hmg-2018", "3")
        assert activation.sha256 == policy.sha256
        assert activation.title == policy.title
        assert activation.activated_by == admin
        assert activation.reason == "Board decision, March 2026"
        entry = Entry.objects.get(event_type=EVENT)
        assert entry.object_id == str(activation.pk)
        assert entry.actor == admin
        assert entry.payload == {"policy": "hmg-2018", "version": "3", "sha256": policy.sha256}

    @pytest.mark.parametrize("role", ["practitioner", "manager", "ig_lead", "auditor"])
    def test_only_administrators_may_activate(self, organisation: object, role: str) -> None:
        traits = {} if role == "practitioner" else {role: True}
        user = UserFactory.create(organisation=organisation, **traits)
        with pytest.raises(PermissionDenied):
            activate(user)
        nothing_written()

    def test_staff_status_alone_is_not_enough(self, organisation: object) -> None:
        staff = UserFactory.create(organisation=organisation, is_staff=True)
        with pytest.raises(PermissionDenied):
            activate(staff)
        nothing_written()

    @pytest.mark.parametrize(
        ("reason", "message"),
        [
            ("", "Enter why you are activating this policy"),
            ("   ", "Enter why you are activating this policy"),
            ("<b>because</b>", "must not contain HTML"),
            ("x" * 5001, "5000 characters or fewer"),
        ],
    )
    def test_a_reason_is_required(self, admin: User, reason: str, message: str) -> None:
        with pytest.raises(actions.InvalidActivation) as refused:
            actions.activate_policy(actor=admin, policy_id="hmg-2018", version="3", reason=reason)
        assert refused.value.field == "reason"
        assert message in refused.value.message
        nothing_written()

    @pytest.mark.parametrize(("policy_id", "version"), [("no-such", "1"), ("hmg-2018", "99")])
    def test_an_unknown_policy_is_refused(self, admin: User, policy_id: str, version: str) -> None:
        with pytest.raises(actions.InvalidActivation) as refused:
            activate(admin, policy_id, version)
        assert refused.value.field == "policy"
        nothing_written()


class TestActivationsNeverChange:
    def test_through_the_model(self, admin: User) -> None:
        activation = activate(admin)
        activation.reason = "edited"
        with pytest.raises(ActivationError):
            activation.save()
        with pytest.raises(ActivationError):
            activation.delete()

    def test_through_a_queryset(self, admin: User) -> None:
        activation = activate(admin)
        with pytest.raises(IntegrityError), transaction.atomic():
            PolicyActivation.objects.filter(pk=activation.pk).update(sha256="0" * 64)
        with pytest.raises(IntegrityError), transaction.atomic():
            PolicyActivation.objects.filter(pk=activation.pk).delete()
        assert PolicyActivation.objects.get().sha256 == activation.sha256


class TestThePages:
    def test_administrators_see_every_policy_and_which_is_in_use(
        self, client: Client, admin: User, partnership_dir: Path
    ) -> None:
        client.force_login(admin)
        page = client.get(reverse("policies:index")).content.decode()
        for policy in guidance.available_policies([partnership_dir]):
            assert policy.title in page
            assert policy.sha256[:16] in page
            assert reverse("policies:activate", args=[policy.id, policy.version]) in page
        assert "hmg-2018, version 3" in page
        assert "example-partnership, version 2" in page
        assert "No policy has been activated here yet" in page
        assert "In use by default" in page
        assert "1 July 2018" in page

    def test_activating_from_the_page(self, client: Client, admin: User) -> None:
        client.force_login(admin)
        url = reverse("policies:activate", args=["hmg-2018", "3"])
        page = client.get(url).content.decode()
        assert "Activate Information sharing advice for safeguarding practitioners (2018)" in page
        page = client.post(url, {"reason": ""}).content.decode()
        assert "There is a problem" in page
        assert "Enter why you are activating this policy" in page
        assert 'href="#id_reason"' in page
        nothing_written()
        response = client.post(url, {"reason": "Partnership board, 3 March 2026"})
        assert response.status_code == 302
        assert response["Location"] == reverse("policies:index")
        page = client.get(reverse("policies:index")).content.decode()
        assert "is now the policy new decisions follow" in page
        assert "Active since" in page
        assert "Partnership board, 3 March 2026" in page
        assert 'govuk-tag--green">Active<' in page
        assert PolicyActivation.objects.get().policy_id == "hmg-2018"

    def test_the_history_lists_every_activation(self, client: Client, admin: User) -> None:
        activate(admin, "hmg-2018")
        actions.activate_policy(
            actor=admin, policy_id="hmg-2024", version="3", reason="Moved to the 2024 advice"
        )
        client.force_login(admin)
        page = client.get(reverse("policies:index")).content.decode()
        assert page.index("Moved to the 2024 advice") < page.index("Board decision, March 2026")

    def test_a_changed_file_is_shown_to_administrators_and_stops_practitioners(
        self,
        client: Client,
        admin: User,
        practitioner: User,
        person: Person,
        partnership_dir: Path,
    ) -> None:
        activate(admin, "example-partnership", "2")
        path = partnership_dir / "example-partnership.yaml"
        path.write_text(path.read_text() + "\n# edited\n")
        client.force_login(admin)
        page = client.get(reverse("policies:index")).content.decode()
        assert "There is a problem with the active policy" in page
        assert "has changed since it was activated" in page
        assert "Active, file changed" in page
        client.force_login(practitioner)
        response = client.post(reverse("decisions:start", args=[person.pk]))
        assert response.status_code == 503
        assert "You cannot start a new decision at the moment" in response.content.decode()
        assert not Decision.objects.exists()

    def test_a_broken_partnership_file_is_reported(
        self, client: Client, admin: User, partnership_dir: Path
    ) -> None:
        (partnership_dir / "broken.yaml").write_text("id: [not a policy\n")
        client.force_login(admin)
        page = client.get(reverse("policies:index")).content.decode()
        assert "cannot be read" in page

    def test_an_unknown_policy_page_is_not_found(self, client: Client, admin: User) -> None:
        client.force_login(admin)
        assert client.get(reverse("policies:activate", args=["nope", "1"])).status_code == 404

    def test_others_are_refused(self, client: Client, practitioner: User) -> None:
        client.force_login(practitioner)
        assert client.get(reverse("policies:index")).status_code == 403
        url = reverse("policies:activate", args=["hmg-2018", "3"])
        assert client.post(url, {"reason": "because"}).status_code == 403
        nothing_written()
