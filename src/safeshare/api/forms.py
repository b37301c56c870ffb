from __future__ import annotations

from safeshare.api.actions import DEFAULT_DAYS
from safeshare.core.forms import GovUKForm, TextField, choice_field

EXPIRY_CHOICES = [
    ("7", "7 days"),
    ("30", "30 days"),
    ("60", "60 days"),
    ("90", "90 days (the longest a token can work)"),
]


class TokenForm(GovUKForm):
    name = TextField(
        label="Name",
        required_message="Enter a name for the token",
        max_length=100,
        help_text="What the token is for, so you can tell your tokens apart. For example, case system export",
    )
    expires_in = choice_field(
        label="When should the token stop working?",
        choices=EXPIRY_CHOICES,
        required_message="Select when the token should stop working",
        initial=str(DEFAULT_DAYS),
    )
