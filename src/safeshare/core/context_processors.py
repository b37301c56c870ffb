from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import Resolver404, resolve


def service(request: HttpRequest) -> dict[str, Any]:
    """Service name, phase and the navigation for the header."""
    try:
        current = resolve(request.path_info).namespace
    except Resolver404:
        current = ""
    user = getattr(request, "user", None)
    navigation: list[dict[str, Any]] = []
    if user is not None and user.is_authenticated:
        navigation = [
            {"text": "Home", "url": "core:home", "active": current == "core"},
            {"text": "People", "url": "subjects:search", "active": current == "subjects"},
            {"text": "Decisions", "url": "decisions:index", "active": current == "decisions"},
        ]
        if user.is_staff:
            navigation.append({"text": "Administration", "url": "admin:index", "active": False})
    return {
        "service_name": settings.SAFESHARE_SERVICE_NAME,
        "service_phase": settings.SAFESHARE_PHASE,
        "service_navigation": navigation,
        "demo_mode": settings.SAFESHARE_DEMO,
    }
