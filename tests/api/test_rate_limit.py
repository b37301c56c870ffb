"""The rate limit: SAFESHARE_API_CALLS_PER_MINUTE calls per token in each clock minute,
counted in the database; more get 429 with Retry-After and nothing is done. Counting from
several processes at once: tests/api/test_concurrency.py."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest
from django.urls import reverse

from safeshare.accounts.models import User
from safeshare.api import actions
from safeshare.api.models import CallCount
from safeshare.audit.models import AccessRecord
from safeshare.subjects.models import Person
from tests.api.conftest import Call
from tests.factories import api_token_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def limit(settings: Any) -> int:
    settings.SAFESHARE_API_CALLS_PER_MINUTE = 3
    return 3


def test_calls_beyond_the_limit_get_429_with_retry_after_and_do_nothing(
    practitioner: User, person: Person, api_call: Call, limit: int
) -> None:
    url = reverse("api:person", args=[person.pk])
    for _ in range(limit):
        assert api_call(practitioner, "get", url).status_code == 200
    refused = api_call(practitioner, "get", url)
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused.json() == {
        "detail": "Too many calls with this token: it may make 3 a minute. Wait for the time in the Retry-After header, then try again"
    }
    assert "no-store" in refused["Cache-Control"]
    # The refused call read nothing, so it recorded no read.
    assert AccessRecord.objects.filter(what="api.people.show").count() == limit
    # A POST is refused before its body is looked at.
    search = api_call(practitioner, "post", reverse("api:people_search"), {"query": "Lily"})
    assert search.status_code == 429


def test_each_token_has_its_own_limit(
    practitioner: User, person: Person, api_call: Call, limit: int
) -> None:
    url = reverse("api:person", args=[person.pk])
    for _ in range(limit):
        api_call(practitioner, "get", url)
    assert api_call(practitioner, "get", url).status_code == 429
    other_token = api_token_for(practitioner, name="Another script")
    assert api_call(practitioner, "get", url, token=other_token).status_code == 200


def test_a_new_minute_starts_a_new_count_and_drops_the_old(
    practitioner: User, person: Person, api_call: Call, limit: int, monkeypatch: Any
) -> None:
    url = reverse("api:person", args=[person.pk])
    monkeypatch.setattr(actions, "current_minute", lambda: 1_000)
    for _ in range(limit + 1):
        api_call(practitioner, "get", url)
    assert api_call(practitioner, "get", url).status_code == 429
    monkeypatch.setattr(actions, "current_minute", lambda: 1_001)
    assert api_call(practitioner, "get", url).status_code == 200
    assert list(CallCount.objects.values_list("minute", "calls")) == [(1_001, 1)]


def test_calls_without_a_current_token_are_not_counted(
    practitioner: User, person: Person, api_call: Call, limit: int
) -> None:
    url = reverse("api:person", args=[person.pk])
    for _ in range(limit + 2):
        assert api_call(None, "get", url).status_code == 401
    assert not CallCount.objects.exists()


def test_count_call_numbers_each_call_of_a_token(practitioner: User) -> None:
    token, _secret = actions.create_token(actor=practitioner, name="Export")
    assert [actions.count_call(token) for _ in range(5)] == [1, 2, 3, 4, 5]
    assert CallCount.objects.get().calls == 5


@pytest.mark.parametrize("value", ["0", "-5"])
def test_the_limit_must_be_at_least_one(value: str) -> None:
    result = subprocess.run(
        [sys.executable, "-c", "import safeshare.settings"],
        env={**os.environ, "SAFESHARE_API_CALLS_PER_MINUTE": value},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SAFESHARE_API_CALLS_PER_MINUTE must be 1 or more" in result.stderr
