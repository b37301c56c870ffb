"""A decision recorded without telling the person or family puts them on the list to tell
(families/actions.py open_to_tell): the decisions app sits below this one and does not call
it."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save

from safeshare.decisions.models import Decision


def _finalised(sender: type[Decision], instance: Decision, **kwargs: Any) -> None:
    if instance.is_finalised:
        from safeshare.families.actions import open_to_tell

        open_to_tell(instance)


def connect() -> None:
    post_save.connect(_finalised, sender=Decision, dispatch_uid="families.finalised")
