"""GOV.UK Frontend markup for Django's own form rendering.

govuk-frontend-django's field tags do not work with GOV.UK Frontend 6 (see
STACK-NOTES.md), so fields render through Django's templates in
`core/templates/django/forms/`, and this bound field adds the GOV.UK classes and the
`aria-describedby` links to hint and error that those templates expect.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.http import HttpRequest, QueryDict

_CLASSES: dict[type[forms.Widget], tuple[str, str]] = {
    forms.Textarea: ("govuk-textarea", "govuk-textarea--error"),
    forms.Select: ("govuk-select", "govuk-select--error"),
    forms.PasswordInput: ("govuk-input", "govuk-input--error"),
    forms.TextInput: ("govuk-input", "govuk-input--error"),
    forms.EmailInput: ("govuk-input", "govuk-input--error"),
    forms.NumberInput: ("govuk-input", "govuk-input--error"),
}

# C0/C1 control characters other than tab, newline and carriage return have no place in a
# record that people will read years later; they can also hide text from a reviewer.
# Public, with MARKUP, because the API's OpenAPI document states the same rules
# (safeshare/api/schemas.py).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Markup has no place in a record either: it would be shown escaped, as gibberish, and it is
# how script injection is attempted. "<5 years" or "a < b" stay allowed.
# (One optional "/ and spaces" after the spaces, not "spaces, optional /, spaces": the same
# strings, without the quadratic backtracking over a long run of spaces after a "<".)
MARKUP = re.compile(r"<\s*(?:/\s*)?[a-zA-Z!?]")


class GovUKBoundField(BoundField):
    def build_widget_attrs(
        self, attrs: dict[str, Any], widget: forms.Widget | None = None
    ) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        for widget_class, (css, error_css) in _CLASSES.items():
            if isinstance(widget, widget_class):
                classes = [str(attrs.get("class", "")), css]
                if self.errors:
                    classes.append(error_css)
                attrs["class"] = " ".join(c for c in classes if c)
                break
        described = []
        if self.help_text:
            described.append(f"{self.auto_id}-hint")
        if self.errors:
            described.append(f"{self.auto_id}-error")
        if described:
            attrs["aria-describedby"] = " ".join(described)
        else:
            attrs.pop("aria-describedby", None)
        return attrs

    @property
    def anchor(self) -> str:
        """The id the error summary links to: the first input of a group."""
        if isinstance(self.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
            return f"{self.auto_id}_0"
        if isinstance(self.field.widget, DateInputWidget):
            return f"{self.auto_id}_0"
        return str(self.auto_id)


class GovUKForm(forms.Form):
    """A form whose fields render as GOV.UK components.

    `heading_field` names the field whose label is the page's heading (one question per
    page); `legend_size` sets the size of group legends otherwise.
    """

    bound_field_class = GovUKBoundField
    template_name_div = "django/forms/div.html"
    heading_field: str | None = None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        return cleaned

    def require(self, data: dict[str, Any], *fields: tuple[str, str]) -> None:
        """Fields a choice made elsewhere on the page makes necessary, each with the
        message naming it; a field that already has an error keeps that one."""
        for name, message in fields:
            if data.get(name) in (None, "", []) and name not in self.errors:
                self.add_error(name, message)


class GovUKModelForm(forms.ModelForm):  # type: ignore[type-arg]
    bound_field_class = GovUKBoundField
    heading_field: str | None = None


def clean_text(value: str, label: str) -> str:
    """Normalise free text and refuse control characters, naming the field. Markup is
    refused as typed and once normalised ("<" and a letter with a combining accent is
    markup as typed, though the normalised letter is not ASCII), as the API documents."""
    typed, value = value, unicodedata.normalize("NFC", value)
    if CONTROL_CHARACTERS.search(value):
        raise ValidationError(
            f"{label} must not contain control characters; type or paste the text again",
            code="control_characters",
        )
    if MARKUP.search(value) or MARKUP.search(typed):
        raise ValidationError(
            f"{label} must not contain HTML or other markup (text between < and >)",
            code="markup",
        )
    return value.strip()


class TextField(forms.CharField):
    """A CharField that refuses control characters, with GOV.UK style messages."""

    def __init__(self, *, label: str, required_message: str, **kwargs: Any) -> None:
        max_length = kwargs.get("max_length")
        messages = {"required": required_message}
        if max_length:
            messages["max_length"] = f"{label} must be {max_length} characters or fewer"
        super().__init__(label=label, error_messages=messages, **kwargs)

    def to_python(self, value: Any) -> str:
        text: str = super().to_python(value) or ""
        return clean_text(text, str(self.label)) if text else text


class DateInputWidget(forms.MultiWidget):
    """GOV.UK date input: day, month and year boxes."""

    template_name = "django/forms/widgets/govuk_date.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        widgets = [
            forms.TextInput(
                attrs={
                    "inputmode": "numeric",
                    "class": "govuk-input govuk-date-input__input govuk-input--width-2",
                }
            ),
            forms.TextInput(
                attrs={
                    "inputmode": "numeric",
                    "class": "govuk-input govuk-date-input__input govuk-input--width-2",
                }
            ),
            forms.TextInput(
                attrs={
                    "inputmode": "numeric",
                    "class": "govuk-input govuk-date-input__input govuk-input--width-4",
                }
            ),
        ]
        super().__init__(widgets, attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        return [None, None, None]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        for sub, label in zip(
            context["widget"]["subwidgets"], ("Day", "Month", "Year"), strict=True
        ):
            sub["label"] = label
        return context


class GovUKDateField(forms.MultiValueField):
    """A date from three boxes, with the GOV.UK pattern's error messages."""

    widget = DateInputWidget

    def __init__(self, *, label: str, past_only: bool = False, **kwargs: Any) -> None:
        self.past_only = past_only
        fields = (forms.CharField(), forms.CharField(), forms.CharField())
        super().__init__(
            fields=fields,
            require_all_fields=False,
            label=label,
            error_messages={
                "required": f"Enter {label.lower()}",
                "incomplete": f"Enter {label.lower()}",
            },
            **kwargs,
        )

    def compress(self, data_list: list[Any]) -> datetime.date | None:
        if not data_list or not any(data_list):
            return None
        label = str(self.label)
        missing = [
            part
            for part, value in zip(("day", "month", "year"), data_list, strict=False)
            if not value
        ]
        if missing:
            raise ValidationError(f"{label} must include a {' and '.join(missing)}")
        try:
            day, month, year = (int(str(v).strip()) for v in data_list)
        except ValueError:
            raise ValidationError(f"{label} must be a real date") from None
        if year < 1000:
            raise ValidationError("Year must include 4 numbers")
        try:
            value = datetime.date(year, month, day)
        except ValueError:
            raise ValidationError(f"{label} must be a real date") from None
        if self.past_only and value > datetime.date.today():
            raise ValidationError(f"{label} must be today or in the past")
        return value


class GovUKTimeField(forms.TimeField):
    """A time typed as 14:30 (or 2:30pm), with GOV.UK style messages naming the field."""

    input_formats = ["%H:%M", "%H.%M", "%I:%M%p", "%I:%M %p", "%I%p", "%I %p"]

    def __init__(self, *, label: str, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", "Use the 24-hour clock, for example 14:30")
        super().__init__(
            label=label,
            error_messages={
                "required": f"Enter {label.lower()}",
                "invalid": f"{label} must be a real time, like 14:30",
            },
            widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "autocomplete": "off"}),
            **kwargs,
        )


def choice_field(
    *, label: str, choices: Any, required_message: str, radios: bool = True, **kwargs: Any
) -> forms.ChoiceField:
    """Radios (or a select) whose tampered values get a plain message, not the value echoed."""
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect if radios else forms.Select,
        error_messages={"required": required_message, "invalid_choice": required_message},
        **kwargs,
    )


SHORT_TEXT = 200
LONG_TEXT = 5000


def text_field(
    label: str, message: str = "", *, long: bool = False, required: bool = False, **kwargs: Any
) -> TextField:
    """A one-line (200 characters) or long (5,000, a textarea with a character count) field."""
    if long:
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 4}))
    return TextField(
        label=label,
        required_message=message,
        max_length=LONG_TEXT if long else SHORT_TEXT,
        required=required,
        **kwargs,
    )


def posted(request: HttpRequest) -> QueryDict | None:
    """What to bind a page's form to: the POST data when the page was submitted, else None.
    An empty POST is still a submission: it must show "Enter ..." errors, not a blank form."""
    return request.POST if request.method == "POST" else None
