"""The messages an organisation's people sent that could not be delivered."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render

from safeshare.accounts.http import AuthenticatedHttpRequest
from safeshare.core.pagination import paginate
from safeshare.messaging.permissions import can_see_failed_messages
from safeshare.messaging.queries import FAILED_ORDER, failed_for


def failed(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_see_failed_messages(request.user):
        raise PermissionDenied
    page = paginate(failed_for(request.user), FAILED_ORDER, request.GET)
    return render(request, "messaging/failed.html", {"page": page, "rows": list(page)})
