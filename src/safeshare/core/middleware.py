"""Cross-cutting HTTP behaviour."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    """Every page a signed-in user sees may hold personal data: never let a browser or a
    shared proxy keep a copy (`Cache-Control: no-store`). Static assets are served by
    WhiteNoise before this runs and stay cacheable."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        add_never_cache_headers(response)
        response["Cache-Control"] = "no-store, no-cache, must-revalidate, private, max-age=0"
        return response


class RefuseUndecodableBodyMiddleware:
    """A form post whose bytes are not UTF-8 gets the 400 page. Django would otherwise
    decode it with replacement characters and store the damaged text as if typed.

    Reading the body here also applies DATA_UPLOAD_MAX_MEMORY_SIZE before any view runs, so
    an over-large post gets the 400 page too (RequestDataTooBig is a SuspiciousOperation)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and request.content_type in {
            "application/x-www-form-urlencoded",
            "text/plain",
        }:
            body = request.body.replace(b"+", b" ")
            try:
                unquote_to_bytes(body).decode("utf-8")
            except UnicodeDecodeError:
                raise BadRequest("The form was not sent as UTF-8 text") from None
        elif (
            request.method == "POST"
            and request.content_type == "multipart/form-data"
            # Django has already replaced undecodable bytes; no page of ours posts multipart.
            and any("\ufffd" in v for _, values in request.POST.lists() for v in values)
        ):
            raise BadRequest("The form was not sent as UTF-8 text")
        return self.get_response(request)
