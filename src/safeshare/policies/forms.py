from __future__ import annotations

from safeshare.core.forms import GovUKForm, text_field


class ActivateForm(GovUKForm):
    heading_field = None
    reason = text_field(
        "Why are you activating this policy?",
        "Enter why you are activating this policy",
        long=True,
        required=True,
        help_text=(
            "For example, the partnership adopted the 2024 advice at its board meeting on "
            "3 March 2026. This is kept with the history of activations."
        ),
    )
