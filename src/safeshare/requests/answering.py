"""The one seam between a request and the decisions that answer it.

Requests sit below decisions: a decision may answer a request (its `request` foreign key),
a request never imports decisions. What a request needs of its answers is written here, once:
`Answering` is what the decisions app provides (starting a draft from a request, listing the
decisions that answer it), and `Answer` is what a finalised decision tells the request when
it is recorded (`actions.record_response`, called by decisions' finalise in its own
transaction). The decisions app registers its `Answering` when Django is ready
(DecisionsConfig.ready); nothing else does.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol
from uuid import UUID

if TYPE_CHECKING:
    from safeshare.accounts.models import User
    from safeshare.requests.models import InformationRequest
    from safeshare.subjects.models import Person


class Answer(Protocol):
    """A finalised decision, as far as the request it answers is concerned."""

    @property
    def pk(self) -> Any: ...
    @property
    def request_id(self) -> UUID | None: ...
    @property
    def outcome(self) -> str: ...
    @property
    def shares_all_requested(self) -> bool | None: ...
    @property
    def decided_at(self) -> datetime.datetime | None: ...


class Answering(Protocol):
    def start(self, *, actor: User, request: InformationRequest, subject: Person) -> Answer:
        """A draft decision about `subject`, filled in from the request and linked to it."""
        ...

    def finalised(self, request: InformationRequest) -> Sequence[Any]:
        """The finalised decisions that answer the request, oldest first, with who decided
        and the recipient organisation."""
        ...

    def drafts(self, request: InformationRequest) -> Sequence[Any]:
        """The receiving organisation's drafts that answer the request."""
        ...


_registered: Answering | None = None


def register(answering: Answering) -> None:
    global _registered
    _registered = answering


def answering() -> Answering:
    if _registered is None:
        raise RuntimeError("No app answers requests: the decisions app registers it when ready")
    return _registered
