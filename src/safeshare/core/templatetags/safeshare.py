from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template

register = template.Library()


@register.filter
def equals(value: Any, other: Any) -> bool:
    return bool(value) and value == other


@register.filter
def get_item(mapping: Mapping[str, Any] | None, key: str) -> Any:
    if not mapping:
        return None
    return mapping.get(str(key))
