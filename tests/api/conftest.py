"""Calling the API as a user: their own personal token in the Authorization header."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest
from django.test import Client

from safeshare.accounts.models import Organisation, User
from safeshare.vocabulary.models import Purpose
from tests.factories import api_token_for

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response
else:
    Response = Any

Call = Callable[..., Response]


@pytest.fixture
def api_call(client: Client) -> Call:
    """api_call(user, "get", "/api/v1/...", data=None, token=None): `user` None sends no
    token; `token` overrides the user's fresh token."""
    tokens: dict[Any, str] = {}

    def call(
        user: User | None,
        method: str,
        url: str,
        data: dict[str, Any] | None = None,
        token: str | None = None,
    ) -> Response:
        headers = {}
        if token is None and user is not None:
            if user.pk not in tokens:
                tokens[user.pk] = api_token_for(user)
            token = tokens[user.pk]
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        if method == "get":
            return client.get(url, data or {}, headers=headers)
        return getattr(client, method)(  # type: ignore[no-any-return]
            url, json.dumps(data or {}), content_type="application/json", headers=headers
        )

    return call


def request_details(**extra: Any) -> dict[str, Any]:
    """What the requests actions take: a request about Lily from one agency to another."""
    values: dict[str, Any] = {
        "subject_details": "Lily Morgan, born 4 May 2016",
        "purpose_category": Purpose.objects.get(name="Early help assessment"),
        "purpose": "Early help assessment",
        "information_needed": "Attendance this term",
        "why_needed": "To plan support",
        "urgency": "standard",
        "statutory_basis": "none",
        "statutory_basis_detail": "",
    }
    values.update(extra)
    return values


def raise_body(to: Organisation, **extra: Any) -> dict[str, Any]:
    """A raiseRequest body: asking `to` about Lily."""
    body: dict[str, Any] = {
        "to_organisation": str(to.pk),
        "purpose_category": Purpose.objects.get(name="Early help assessment").pk,
        "subject_details": "Lily Morgan, born 4 May 2016",
        "purpose": "Early help assessment",
        "information_needed": "Registered GP and recent attendances",
        "why_needed": "To plan support",
        "urgency": "urgent",
        "statutory_basis": "ca1989_s17",
        "statutory_basis_detail": "Child in need assessment",
    }
    body.update(extra)
    return body
