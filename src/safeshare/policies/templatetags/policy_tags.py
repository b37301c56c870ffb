from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def sha_parts(value: str) -> list[str]:
    """A sha256 in 16-character pieces, to print with <wbr> between them: it wraps in a
    narrow column and still copies as one string."""
    text = str(value or "")
    return [text[i : i + 16] for i in range(0, len(text), 16)]
