"""Which guidance policy new decisions follow, as administrators chose it.

Each activation is a row that is never changed or deleted (the model refuses, and so do
database triggers, core/immutability.py): the most recent one is the policy in force, and
the rows before it are the history. It records the file's sha256 at activation, so a file
that changes afterwards is noticed rather than silently followed (policies/selection.py).
"""

from __future__ import annotations

from typing import Any

from django.db import models

from safeshare.accounts.models import User


class ActivationError(Exception):
    """A policy activation was about to be changed or deleted."""


class PolicyActivation(models.Model):
    id = models.BigAutoField(primary_key=True)
    policy_id = models.CharField(max_length=100)
    version = models.CharField(max_length=50)
    sha256 = models.CharField(max_length=64)
    # The title as it read when activated, for the history once the file is gone.
    title = models.CharField(max_length=300)
    reason = models.TextField()
    activated_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    activated_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-activated_at", "-id"]
        get_latest_by = ["activated_at", "id"]

    def __str__(self) -> str:
        return f"{self.policy_id} version {self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ActivationError("A policy activation cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ActivationError("A policy activation cannot be deleted")
