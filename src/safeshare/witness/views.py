"""POST /witness/add-checkpoint (C2SP tlog-witness): public, no session, no CSRF token."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from safeshare.witness import actions


@csrf_exempt
@login_not_required
@require_POST
def add_checkpoint(request: HttpRequest) -> HttpResponse:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > actions.MAX_BODY_BYTES:
        return HttpResponse("The request is too large\n", status=413, content_type="text/plain")
    if request.content_type == "multipart/form-data":
        # A form post, already parsed by the middleware: not a tlog-witness request.
        return HttpResponse("Bad request: send the checkpoint as text\n", status=400)
    result = actions.add_checkpoint(request.body)
    return HttpResponse(result.body, status=result.status, content_type=result.content_type)
