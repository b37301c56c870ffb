from __future__ import annotations

from typing import Any

from safeshare.decisions.models import InformationItem
from safeshare.disclosures.forms import ComposeForm


class SendForm(ComposeForm):
    """The disclosures' compose form without the recipient: a disclosure to another
    partnership goes to the practitioner who made the request, named by their deployment."""

    def __init__(self, items: list[InformationItem], *args: Any, **kwargs: Any) -> None:
        super().__init__([], items, *args, **kwargs)
        del self.fields["recipient"]
        self.fields[
            "items"
        ].help_text = "Send only what they need for the purpose they gave. Select all that apply."
