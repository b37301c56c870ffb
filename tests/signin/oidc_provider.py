"""A real OpenID Connect provider for the tests (oidc-provider-mock), on 127.0.0.1 at a
free port in a thread: never the network."""

from __future__ import annotations

import datetime
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import quote

import httpx
import oidc_provider_mock
import pytest
import werkzeug.serving
from django.core.cache import cache

from safeshare.accounts.models import Organisation

CLIENT_ID = "safeshare-test-client"
SECRET_VARIABLE = "SAFESHARE_TEST_SSO_SECRET"


@dataclass
class Provider:
    issuer: str

    def set_user(self, sub: str, **claims: object) -> None:
        """The claims the provider gives this subject (in the ID token and user info)."""
        response = httpx.put(f"{self.issuer}/users/{quote(sub, safe='')}", json=claims)
        assert response.status_code == 204

    def configure(self, organisation: Organisation, **fields: object) -> Organisation:
        organisation.sso_issuer = self.issuer
        organisation.sso_client_id = CLIENT_ID
        organisation.sso_client_secret_env = SECRET_VARIABLE
        for name, value in fields.items():
            setattr(organisation, name, value)
        organisation.save()
        return organisation


@contextmanager
def running_provider(
    monkeypatch: pytest.MonkeyPatch,
    token_max_age: datetime.timedelta = datetime.timedelta(hours=1),
) -> Iterator[Provider]:
    # The mock speaks plain HTTP on this machine; authlib refuses that unless told.
    monkeypatch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")
    monkeypatch.setenv(SECRET_VARIABLE, "a-secret-only-the-test-knows")
    app = oidc_provider_mock.app(require_nonce=True, access_token_max_age=token_max_age)
    server = werkzeug.serving.make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    cache.clear()  # discovery documents of earlier providers
    try:
        yield Provider(issuer=f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
        cache.clear()


@pytest.fixture
def provider(monkeypatch: pytest.MonkeyPatch) -> Iterator[Provider]:
    with running_provider(monkeypatch) as running:
        yield running
