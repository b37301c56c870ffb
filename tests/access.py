"""The access table: every URL the service has, with the status each kind of visitor gets.

Each app keeps its rules in `tests/<app>/access.py` as `RULES: dict[url name, list[Rule]]`;
`tests/test_access.py` walks every URL pattern and fails on one without a rule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class World:
    """What a rule can point at: records of the owning organisation."""

    person: Any
    decision: Any  # a draft decision about `person`
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Rule:
    method: str
    url: Callable[[World], str]
    own: int  # a practitioner of the owning organisation
    other: int  # a practitioner of another organisation
    anonymous: int = 302  # sent to sign in
    data: Callable[[World], dict[str, Any]] | None = None
