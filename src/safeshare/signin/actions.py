"""Every change to an account's access: sessions, activation, second factor.

A session is ended by raising the user's `session_epoch`, which is part of the session
hash Django checks on each request. That works on any number of app servers, since the
only state is the user row.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeshare.accounts.models import Organisation, User
from safeshare.accounts.permissions import (
    can_change_account_access,
    can_change_own_password,
    can_manage_account,
)

AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"


class CodeNotAccepted(Exception):
    """The one-time code was wrong, already used, or tried too often."""


class WrongPassword(Exception):
    """The current password given to change it was not correct."""


def _bump_epoch(user: User) -> None:
    User.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
    user.refresh_from_db(fields=["session_epoch"])


def end_all_sessions(*, actor: User, user: User) -> None:
    """Sign the user out on every device."""
    if not can_manage_account(actor, user):
        raise PermissionDenied("You cannot sign this user out")
    with transaction.atomic():
        _bump_epoch(user)


def set_active(*, actor: User, user: User, active: bool) -> User:
    """Disable (or re-enable) an account. Disabling ends every session it has; re-enabling
    does not bring old sessions back."""
    if not can_change_account_access(actor):
        raise PermissionDenied("Only an administrator can disable or enable accounts")
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(is_active=active)
        _bump_epoch(user)
        user.refresh_from_db(fields=["is_active"])
        from safeshare.ledger.changes import record_change

        record_change(
            "accounts.user.enabled" if active else "accounts.user.disabled",
            actor=actor,
            obj=user,
            payload={"user": str(user.pk)},
            organisation=user.organisation,
        )
    return user


def access_changed(*, actor: User, user: User, fields: str | None = None) -> None:
    """An administrator changed a role, organisation or staff status: old sessions held
    the old access, so they end."""
    if not can_change_account_access(actor):
        raise PermissionDenied("Only an administrator can change a user's access")
    with transaction.atomic():
        _bump_epoch(user)
        from safeshare.ledger.changes import record_change

        record_change(
            "accounts.user.access_changed",
            actor=actor,
            obj=user,
            payload={"user": str(user.pk), "role": user.role, "fields": fields},
            organisation=user.organisation,
        )


# Fields whose change alters what a user may reach: their old sessions end.
ACCESS_FIELDS = frozenset({"is_active", "role", "organisation", "is_staff", "is_superuser"})


def user_saved(*, actor: User, user: User, created: bool, changed: Iterable[str]) -> None:
    """An administrator added a user or changed one in the admin (the admin has already
    saved the row, in the transaction this joins): the ledger records which fields
    changed, never their values. A change of access ends the user's sessions."""
    if not can_change_account_access(actor):
        raise PermissionDenied("Only an administrator can add or change users")
    model_fields = {f.name for f in User._meta.concrete_fields} - {"password", "last_login"}
    fields = sorted(set(changed) & model_fields)
    if created:
        with transaction.atomic():
            from safeshare.ledger.changes import record_change

            record_change(
                "accounts.user.created",
                actor=actor,
                obj=user,
                payload={"user": str(user.pk), "role": user.role},
                organisation=user.organisation,
            )
    elif ACCESS_FIELDS.intersection(fields):
        access_changed(actor=actor, user=user, fields=",".join(fields))
    elif fields:
        with transaction.atomic():
            from safeshare.ledger.changes import record_change

            record_change(
                "accounts.user.changed",
                actor=actor,
                obj=user,
                payload={"user": str(user.pk), "fields": ",".join(fields)},
                organisation=user.organisation,
            )


def organisation_saved(
    *, actor: User, organisation: Organisation, created: bool, changed: Iterable[str] = ()
) -> None:
    """An administrator added or changed an organisation in the admin. The single sign-on
    settings are not in the ledger digest (Organisation.ledger_exclude_fields): the entry
    names which of them changed, never their values."""
    if not can_change_account_access(actor):
        raise PermissionDenied("Only an administrator can add or change organisations")
    from safeshare.ledger.actions import append_entry

    payload: dict[str, str | bool] = {
        "kind": organisation.kind,
        "public_authority": organisation.public_authority,
    }
    sso_fields = sorted(set(changed) & Organisation.ledger_exclude_fields)
    if sso_fields:
        payload["single_sign_on_fields"] = ",".join(sso_fields)
    with transaction.atomic():
        append_entry(
            event_type=f"accounts.organisation.{'added' if created else 'changed'}",
            actor=actor,
            organisation=organisation,
            obj=organisation,
            payload=payload,
        )


def has_confirmed_device(user: User) -> bool:
    return bool(TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists())


def start_totp_setup(*, actor: User) -> TOTPDevice:
    """The unconfirmed authenticator the set-up page shows, made once and reused until it
    is confirmed, so that reloading the page does not change the QR code."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("Sign in first")
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user_id=actor.pk, confirmed=False)
            .order_by("-id")
            .first()
        )
        if device is None:
            device = TOTPDevice.objects.create(user=actor, name=AUTHENTICATOR_NAME, confirmed=False)
    return device


def confirm_totp_device(*, actor: User, device: TOTPDevice, token: str) -> list[str]:
    """Confirm the new authenticator with a code from it; it replaces any earlier one,
    new recovery codes replace the old, and every other session of the user ends.

    Returns the recovery codes, which are shown once and stored only as tokens."""
    if device.user_id != actor.pk or not can_manage_account(actor, actor):
        raise PermissionDenied("This is not your authenticator")
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        # A failed try is committed (it counts towards django-otp's throttling), so the
        # refusal is raised after the transaction, not inside it.
        accepted = not device.confirmed and device.verify_token(token)
        if accepted:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user_id=actor.pk).exclude(pk=device.pk).delete()
            StaticDevice.objects.filter(user_id=actor.pk).delete()
            recovery = StaticDevice.objects.create(user=actor, name=RECOVERY_NAME, confirmed=True)
            codes = [StaticToken.random_token() for _ in range(settings.SAFESHARE_RECOVERY_CODES)]
            StaticToken.objects.bulk_create(
                [StaticToken(device=recovery, token=code) for code in codes]
            )
            _bump_epoch(actor)
            from safeshare.ledger.changes import record_change

            record_change(
                "accounts.user.second_factor_set",
                actor=actor,
                obj=actor,
                payload={"user": str(actor.pk)},
                organisation=actor.organisation,
            )
    if not accepted:
        raise CodeNotAccepted
    return codes


def verify_second_factor(*, actor: User, token: str) -> TOTPDevice | StaticDevice:
    """The device that accepts this code: the authenticator (a code is accepted once, as
    TOTPDevice remembers the last time step used) or a recovery code (deleted once used)."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("Sign in first")
    token = "".join(token.split()).lower()
    with transaction.atomic():
        # Six digits go to the authenticator, anything else to the recovery codes, so a
        # recovery code does not count as a failed authenticator code (and vice versa).
        verified: TOTPDevice | StaticDevice | None = None
        devices: list[TOTPDevice] | list[StaticDevice]
        if len(token) == 6 and token.isdigit():
            devices = list(
                TOTPDevice.objects.select_for_update().filter(user_id=actor.pk, confirmed=True)
            )
        else:
            devices = list(
                StaticDevice.objects.select_for_update().filter(user_id=actor.pk, confirmed=True)
            )
        for device in devices:
            if device.verify_token(token):
                verified = device
                break
    if verified is None:
        raise CodeNotAccepted
    return verified


def reset_second_factor(*, actor: User, user: User) -> None:
    """Remove the authenticator and recovery codes (a lost phone): the user sets up a new
    one at next sign-in, and every session they have ends now."""
    if not can_manage_account(actor, user):
        raise PermissionDenied("You cannot reset this user's second factor")
    with transaction.atomic():
        TOTPDevice.objects.filter(user_id=user.pk).delete()
        StaticDevice.objects.filter(user_id=user.pk).delete()
        _bump_epoch(user)
        from safeshare.ledger.changes import record_change

        record_change(
            "accounts.user.second_factor_reset",
            actor=actor,
            obj=user,
            payload={"user": str(user.pk)},
            organisation=user.organisation,
        )


def change_password(*, actor: User, user: User, current_password: str, new_password: str) -> None:
    """Change the user's own password (argon2, settings.PASSWORD_HASHERS) after checking
    the current one and Django's password validators, and end every session they have,
    this one included (issue 6): they sign in again with the new password.

    Raises WrongPassword (nothing changed) or ValidationError with the validators'
    messages (nothing changed). The ledger entry names the user only: no secret."""
    if not can_change_own_password(actor, user):
        raise PermissionDenied("You can only change your own password")
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if not locked.check_password(current_password):
            raise WrongPassword
        if new_password == current_password:
            raise ValidationError(
                "Your new password must be different from your current password",
                code="password_unchanged",
            )
        validate_password(new_password, locked)
        locked.set_password(new_password)
        locked.save(update_fields=["password"])
        _bump_epoch(locked)
        from safeshare.ledger.changes import record_change

        record_change(
            "accounts.user.password_changed",
            actor=actor,
            obj=locked,
            payload={"user": str(locked.pk)},
            organisation=locked.organisation,
        )
    user.refresh_from_db(fields=["password", "session_epoch"])


PROVIDER_DEVICE_NAME = "Identity provider's second factor"


def link_single_sign_on(*, user: User, subject: str) -> User:
    """The first single sign-on of an account matched by its verified email address: the
    provider's subject identifier is kept, and from then on matches it (the email address
    alone no longer does). The ledger records that it was linked, not the identifier."""
    with transaction.atomic():
        updated = User.objects.filter(pk=user.pk, oidc_subject="").update(oidc_subject=subject)
        user.refresh_from_db(fields=["oidc_subject"])
        if updated:
            from safeshare.ledger.changes import record_change

            record_change(
                "accounts.user.single_sign_on_linked",
                actor=user,
                obj=user,
                payload={"user": str(user.pk)},
                organisation=user.organisation,
            )
    return user


def provider_second_factor_device(user: User) -> StaticDevice:
    """A django-otp device with no codes, which stands in the session for the second factor
    the identity provider says it asked for (where the organisation trusts it), so that
    SecondFactorMiddleware and django-otp treat the session as verified. It accepts no
    code itself (it has no tokens)."""
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(
            user=user, name=PROVIDER_DEVICE_NAME, defaults={"confirmed": True}
        )
    return device
