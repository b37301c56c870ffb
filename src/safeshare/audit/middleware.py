"""Refused attempts are recorded for every view, without each view remembering to."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from safeshare.audit.actions import record_denied


class DeniedAccessMiddleware:
    """A signed-in user who is refused (403), or who asks for a record outside their scope
    (404 from a scoped lookup), leaves an access record with outcome "denied": the IG lead
    sees attempts at other agencies' records as well as reads."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if not isinstance(exception, Http404 | PermissionDenied):
            return
        match = request.resolver_match
        what = f"denied:{match.view_name}" if match else "denied"
        # The first id in the URL names the record asked for (they are opaque UUIDs).
        object_id = next((str(v) for v in (match.kwargs.values() if match else [])), "")
        record_denied(request, what=what, object_id=object_id)
