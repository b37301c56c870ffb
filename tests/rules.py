"""Calling an action as the wrong actor, or in the wrong state: it must refuse by itself
(whatever view, API operation or command called it) and write nothing at all."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps


def _state() -> dict[str, list[tuple[str, ...]]]:
    """Every row of every table, the ledger and the access records included, so that a
    change that adds no row (a draft edited, a request reassigned) is caught too."""
    return {
        model._meta.label: sorted(
            tuple(str(value) for value in row) for row in model._default_manager.values_list()
        )
        for model in apps.get_models()
    }


def assert_refused(call: Callable[[], Any], error: type[BaseException]) -> BaseException:
    """`call()` raises `error`, and no row anywhere was added, changed or deleted."""
    before = _state()
    with pytest.raises(error) as raised:
        call()
    assert _state() == before
    return raised.value
