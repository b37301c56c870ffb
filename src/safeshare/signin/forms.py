from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from safeshare.core.forms import GovUKBoundField, GovUKForm


class SignInForm(AuthenticationForm):
    bound_field_class = GovUKBoundField
    heading_field = None
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account has been disabled. Contact your administrator.",
        "single_sign_on_only": (
            "Your organisation signs you in with single sign-on. Use the button for your "
            "organisation below."
        ),
    }

    def clean(self) -> dict[str, Any]:
        # Only once the password is known to be right does the page say why (the backend
        # refuses it either way): it tells nobody else which organisation a username is in.
        from safeshare.accounts.models import User
        from safeshare.signin.backends import password_sign_in_allowed

        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username and password:
            user = User.objects.select_related("organisation").filter(username=username).first()
            if (
                user is not None
                and not password_sign_in_allowed(user)
                and user.check_password(password)
            ):
                raise ValidationError(
                    self.error_messages["single_sign_on_only"], code="single_sign_on_only"
                )
        return super().clean()

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.fields["username"].error_messages["max_length"] = (
            "Username must be 150 characters or fewer"
        )
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "username", "spellcheck": "false"}
        )
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


class CodeForm(GovUKForm):
    """One question: the code. Recovery codes are accepted where `allow_recovery` is set."""

    heading_field: str | None = "code"
    code = forms.CharField(
        label="Enter the 6-digit code from your authenticator app",
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
    )

    def __init__(
        self, *args: Any, allow_recovery: bool = False, heading: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        # On the set-up page the code is the last step under the page's own heading.
        self.heading_field = "code" if heading else None
        field = self.fields["code"]
        field.widget.attrs.update(
            {
                "autocomplete": "one-time-code",
                "spellcheck": "false",
                "autocapitalize": "none",
                "class": "govuk-input--width-10",
            }
        )
        if allow_recovery:
            field.help_text = "Or, if you do not have your phone, enter one of your recovery codes"
        else:
            field.widget.attrs["inputmode"] = "numeric"

    def clean_code(self) -> str:
        code = "".join(str(self.cleaned_data.get("code", "")).split())
        if len(code) > 20 or not (code.isascii() and code.isalnum()):
            raise ValidationError(
                "Enter the code as it appears: 6 numbers, or a recovery code of 8 letters "
                "and numbers"
            )
        return code


# Django's validators speak of "this password"; the page names the field instead.
VALIDATOR_MESSAGES = {
    "password_too_short": "New password must be at least {min_length} characters",
    "password_too_common": "New password is too common: choose one that is harder to guess",
    "password_entirely_numeric": "New password must not be only numbers",
    "password_too_similar": "New password is too like your name, username or email address",
    "password_unchanged": "New password must be different from your current password",
}


def validator_messages(error: ValidationError) -> list[str]:
    """GOV.UK wording, naming the field, for each of Django's password validator errors."""
    messages = []
    for item in error.error_list:
        template = VALIDATOR_MESSAGES.get(str(item.code))
        if template is None:
            messages.extend(item.messages)
        else:
            messages.append(template.format(**(item.params or {})))
    return messages


def _password_field(label: str, message: str, autocomplete: str, **kwargs: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(
            attrs={"autocomplete": autocomplete, "spellcheck": "false", "autocapitalize": "none"}
        ),
        error_messages={
            "required": message,
            "max_length": f"{label} must be 128 characters or fewer",
        },
        **kwargs,
    )


class PasswordChangeForm(GovUKForm):
    """Current password, then the new one twice. The current password is checked, and the
    validators run, by the action (signin.actions.change_password); the view puts what it
    says on the fields."""

    current_password = _password_field(
        "Current password", "Enter your current password", "current-password"
    )
    new_password = _password_field(
        "New password",
        "Enter a new password",
        "new-password",
        help_text=(
            "Use at least 12 characters. A few unrelated words together are easy to remember "
            "and hard to guess. Do not use your name, only numbers or a common password."
        ),
    )
    new_password_again = _password_field(
        "Confirm new password", "Enter your new password again", "new-password"
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        new, again = data.get("new_password"), data.get("new_password_again")
        if new and again and new != again:
            self.add_error(
                "new_password_again", "Passwords do not match: enter the same new password twice"
            )
        return data
