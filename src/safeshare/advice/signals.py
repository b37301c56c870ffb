"""The draft's end withdraws the advice still waiting on it (advice/actions.py
withdraw_open_advice): the decisions app sits below this one and does not call it."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save, pre_delete

from safeshare.decisions.models import Decision


def _finalised(sender: type[Decision], instance: Decision, **kwargs: Any) -> None:
    # Sent for sign-off: the manager reviews the draft as it stands, so an answer can no
    # longer be written into it; a draft returned with reasons can ask again.
    if instance.is_finalised or instance.is_awaiting_sign_off:
        from safeshare.advice.actions import withdraw_open_advice
        from safeshare.advice.models import WithdrawnReason

        reason = WithdrawnReason.FINALISED if instance.is_finalised else WithdrawnReason.SIGN_OFF
        withdraw_open_advice(actor=None, decision=instance, reason=reason)


def _discarded(sender: type[Decision], instance: Decision, **kwargs: Any) -> None:
    from safeshare.advice.actions import withdraw_open_advice
    from safeshare.advice.models import WithdrawnReason

    withdraw_open_advice(actor=None, decision=instance, reason=WithdrawnReason.DISCARDED)


def connect() -> None:
    post_save.connect(_finalised, sender=Decision, dispatch_uid="advice.finalised")
    pre_delete.connect(_discarded, sender=Decision, dispatch_uid="advice.discarded")
