"""Changing your own password (issue 6): current password, new twice, Django's validators,
argon2; success ends every session of the user; a wrong current password is a field error
that counts toward the sign-in lockout."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from safeshare.accounts.models import User
from safeshare.ledger.models import Entry
from safeshare.signin import actions
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("accounts:password_change")
HOME = reverse("site:home")
NEW = "a-brand-new-passphrase-for-tests"
EVENT = "accounts.user.password_changed"


def data(current: str = PASSWORD, new: str = NEW, again: str | None = None) -> dict[str, str]:
    return {
        "current_password": current,
        "new_password": new,
        "new_password_again": new if again is None else again,
    }


def unchanged(user: User) -> None:
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert not Entry.objects.filter(event_type=EVENT).exists()


class TestTheAction:
    def test_it_changes_the_password_with_argon2_and_records_it(self, practitioner: User) -> None:
        epoch = practitioner.session_epoch
        actions.change_password(
            actor=practitioner, user=practitioner, current_password=PASSWORD, new_password=NEW
        )
        practitioner.refresh_from_db()
        assert practitioner.check_password(NEW)
        assert practitioner.password.startswith("argon2$")
        assert practitioner.session_epoch == epoch + 1
        entry = Entry.objects.get(event_type=EVENT)
        assert entry.payload == {"user": str(practitioner.pk)}
        assert entry.object_id == str(practitioner.pk)

    def test_someone_else_cannot_change_it_not_even_an_administrator(
        self, practitioner: User
    ) -> None:
        admin = UserFactory.create(administrator=True, username="admin-pw")
        with pytest.raises(PermissionDenied):
            actions.change_password(
                actor=admin, user=practitioner, current_password=PASSWORD, new_password=NEW
            )
        unchanged(practitioner)

    def test_a_wrong_current_password_changes_nothing(self, practitioner: User) -> None:
        with pytest.raises(actions.WrongPassword):
            actions.change_password(
                actor=practitioner, user=practitioner, current_password="wrong", new_password=NEW
            )
        unchanged(practitioner)

    @pytest.mark.parametrize(
        ("new", "code"),
        [
            ("short-pw", "password_too_short"),
            ("password1234", "password_too_common"),
            ("734982374982374", "password_entirely_numeric"),
            ("practitioner1", "password_too_similar"),
            (PASSWORD, "password_unchanged"),
        ],
    )
    def test_the_validators_apply(self, practitioner: User, new: str, code: str) -> None:
        with pytest.raises(ValidationError) as refused:
            actions.change_password(
                actor=practitioner, user=practitioner, current_password=PASSWORD, new_password=new
            )
        assert code in {e.code for e in refused.value.error_list}
        unchanged(practitioner)


class TestThePage:
    def test_it_is_linked_from_the_second_factor_pages(
        self, client: Client, practitioner: User
    ) -> None:
        client.force_login(practitioner)
        for name in ("accounts:mfa_setup", "accounts:mfa_recovery_codes"):
            assert URL in client.get(reverse(name)).content.decode()
        page = client.get(URL).content.decode()
        assert "Change your password" in page
        assert 'autocomplete="current-password"' in page
        assert 'autocomplete="new-password"' in page

    def test_success_ends_every_session_and_asks_to_sign_in_again(self, practitioner: User) -> None:
        laptop, phone = Client(), Client()
        laptop.force_login(practitioner)
        phone.force_login(practitioner)
        assert phone.get(HOME).status_code == 200
        response = laptop.post(URL, data())
        assert response.status_code == 302
        assert response["Location"] == reverse("accounts:sign_in")
        # Both devices are signed out, this one included.
        assert phone.get(HOME).status_code == 302
        assert laptop.get(HOME).status_code == 302
        page = laptop.get(reverse("accounts:sign_in")).content.decode()
        assert "Your password has been changed" in page
        practitioner.refresh_from_db()
        assert practitioner.check_password(NEW)
        # The new password signs in (the second factor follows).
        fresh = Client()
        signed_in = fresh.post(
            reverse("accounts:sign_in"), {"username": "practitioner", "password": NEW}
        )
        assert signed_in.status_code == 302
        assert "_auth_user_id" in fresh.session

    def test_a_wrong_current_password_is_a_field_error_and_counts_as_a_failure(
        self, client: Client, practitioner: User
    ) -> None:
        client.force_login(practitioner)
        response = client.post(URL, data(current="not-my-password"), REMOTE_ADDR="192.0.2.9")
        assert response.status_code == 200
        page = response.content.decode()
        assert "There is a problem" in page
        assert "Your current password is not correct" in page
        assert 'href="#id_current_password"' in page
        unchanged(practitioner)
        attempt = AccessAttempt.objects.get(username="practitioner")
        assert attempt.failures_since_start == 1
        # Still signed in: one mistake does not end the session.
        assert client.get(HOME).status_code == 200

    def test_five_wrong_current_passwords_lock_out_and_sign_out(
        self, client: Client, practitioner: User
    ) -> None:
        other_device = Client()
        other_device.force_login(practitioner)
        client.force_login(practitioner)
        for _ in range(4):
            response = client.post(URL, data(current="guess"), REMOTE_ADDR="192.0.2.9")
            assert response.status_code == 200
        response = client.post(URL, data(current="guess"), REMOTE_ADDR="192.0.2.9")
        assert response.status_code == 429
        assert "You cannot sign in at the moment" in response.content.decode()
        assert client.get(HOME).status_code == 302
        assert other_device.get(HOME).status_code == 302
        unchanged(practitioner)
        # Signing in from there is locked too, even with the right password.
        locked = Client().post(
            reverse("accounts:sign_in"),
            {"username": "practitioner", "password": PASSWORD},
            REMOTE_ADDR="192.0.2.9",
        )
        assert locked.status_code == 429

    @pytest.mark.parametrize(
        ("posted", "field", "message"),
        [
            ({}, "current_password", "Enter your current password"),
            ({}, "new_password", "Enter a new password"),
            ({}, "new_password_again", "Enter your new password again"),
            (data(new="short-pw"), "new_password", "New password must be at least 12 characters"),
            (data(new="password1234"), "new_password", "New password is too common"),
            (data(new="734982374982374"), "new_password", "must not be only numbers"),
            (data(new="practitioner1"), "new_password", "too like your name"),
            (data(new=PASSWORD), "new_password", "must be different from your current password"),
            (data(again="something-else-entirely"), "new_password_again", "Passwords do not match"),
        ],
    )
    def test_bad_input_names_the_field_and_changes_nothing(
        self,
        client: Client,
        practitioner: User,
        posted: dict[str, str],
        field: str,
        message: str,
    ) -> None:
        client.force_login(practitioner)
        response = client.post(URL, posted)
        assert response.status_code == 200
        page = response.content.decode()
        assert message in page
        assert f'href="#id_{field}"' in page
        # The passwords typed are never sent back to the browser.
        for value in posted.values():
            assert f'value="{value}"' not in page
        unchanged(practitioner)
        assert client.get(HOME).status_code == 200

    def test_anonymous_visitors_are_sent_to_sign_in(self, client: Client) -> None:
        response = client.get(URL)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:sign_in"))
