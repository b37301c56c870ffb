"""The one seam between a request and another partnership's deployment (issue 19).

Requests sit below the federation app: a request to a remote organisation is raised here
as any request (`actions.raise_request`), and whoever registered a `Forwarder` (the
federation app, when Django is ready) queues it for the other deployment in the same
transaction, so a request is never recorded without being queued, or queued without
being recorded. With nothing registered, nothing is forwarded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from safeshare.accounts.models import User
    from safeshare.requests.models import InformationRequest


class Forwarder(Protocol):
    def forward(self, *, actor: User, request: InformationRequest) -> None:
        """Queue `request` for the deployment of its remote organisation, if it has one."""
        ...


_registered: list[Forwarder] = []


def register(forwarder: Forwarder) -> None:
    if not any(type(f) is type(forwarder) for f in _registered):
        _registered.append(forwarder)


def forward(*, actor: User, request: InformationRequest) -> None:
    for forwarder in _registered:
        forwarder.forward(actor=actor, request=request)
