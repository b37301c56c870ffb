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
    }

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
