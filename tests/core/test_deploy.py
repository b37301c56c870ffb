from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.test import Client
from django.urls import reverse

from safeshare.accounts.models import User
from safeshare.subjects.models import Person


def test_check_deploy_finds_nothing_with_production_settings(tmp_path: object) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for themselves; no deployment does.
        if k
        not in {
            "SECRET_KEY",
            "SECRET_KEY_FILE",
            "DEBUG",
            "HTTPS",
            "SAFESHARE_DEMO",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "safeshare.settings",
            "DEBUG": "false",
            "HTTPS": "true",
            "SECRET_KEY": "p7Qz-production-like-key-for-the-check-only-9f3b1c2d8e7a6b5c4d3e2f1a",
            "ALLOWED_HOSTS": "safeshare.example.org",
            "SAFESHARE_VAR_DIR": str(tmp_path),
        }
    )
    result = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", ["subjects:show", "audit:person_views", "accounts:mfa_setup", "audit:report"]
)
def test_pages_with_personal_data_are_never_stored_and_allow_no_inline_code(
    client: Client, organisation: object, person: Person, name: str
) -> None:
    from tests.factories import UserFactory

    ig_lead: User = UserFactory.create(organisation=organisation, ig_lead=True)
    client.force_login(ig_lead)
    args = [person.pk] if name in {"subjects:show", "audit:person_views"} else []
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
