"""A new draft that amends or reconsiders a decision carries the original's consent
reliance (consent/actions.py carry_reliance): the decisions app sits below this one and
does not call it."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save

from safeshare.decisions.models import Decision


def _started(sender: type[Decision], instance: Decision, created: bool, **kwargs: Any) -> None:
    original_id = instance.supersedes_id or instance.reconsiders_id
    if not created or original_id is None:
        return
    from safeshare.consent.actions import carry_reliance

    carry_reliance(actor=instance.started_by, draft=instance, original_id=original_id)


def connect() -> None:
    post_save.connect(_started, sender=Decision, dispatch_uid="consent.carry_reliance")
