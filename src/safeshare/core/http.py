"""Where a request came from, for the access record and for sign-in lockout."""

from __future__ import annotations

import hashlib
import ipaddress
from typing import Any

from django.conf import settings
from django.http import HttpRequest


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The client's address. X-Forwarded-For is trusted only behind our own TLS proxy
    (BEHIND_TLS_PROXY), and then only its last entry, the one that proxy appended:
    anything before it is whatever the client chose to send."""
    if getattr(settings, "BEHIND_TLS_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            address = _valid(forwarded.split(",")[-1])
            if address:
                return address
    return _valid(str(request.META.get("REMOTE_ADDR", "")))


def redacted_client_str(
    username: str | None,
    ip_address: str | None,
    user_agent: str | None,
    path_info: str | None,
    request: HttpRequest | None = None,
) -> str:
    """How django-axes names a client in the log: the address, and a digest of the username
    (whatever was typed, which may be personal data) so repeated failures still line up."""
    digest = hashlib.sha256((username or "").encode("utf-8", "replace")).hexdigest()[:12]
    return f"{{ip_address: {ip_address}, username_sha256: {digest}}}"


# The longest username an account can have (Django's User model): anything longer cannot
# belong to anyone, and the lockout table's column is no wider than 255.
USERNAME_MAX = 150


def axes_username(request: Any, credentials: Any = None) -> str:
    """The username django-axes counts failures against, cut to a length that fits its
    table: a 100,000-character 'username' is still refused, not stored whole."""
    value = (credentials or {}).get("username") if credentials else None
    if value is None:
        value = request.POST.get("username", "") if hasattr(request, "POST") else ""
    return str(value)[:USERNAME_MAX]
