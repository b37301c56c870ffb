from __future__ import annotations

from django import template

from safeshare.directory.validation import format_uk_phone

register = template.Library()


@register.filter
def uk_phone(value: str) -> str:
    """Stored digits grouped for reading aloud: 01632 960 001."""
    return format_uk_phone(value) if value else ""
