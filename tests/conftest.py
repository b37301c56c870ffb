"""Fixtures every test package shares: organisations, users in each role, people."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY

from safeshare.accounts.models import Organisation, User
from safeshare.core import immutability
from safeshare.subjects.models import Person
from safeshare.vocabulary.purposes import seed_purposes
from tests.factories import OrganisationFactory, PersonFactory, TOTPDeviceFactory, UserFactory

# Fixtures more than one test package uses, kept beside the tests they belong to.
pytest_plugins = ["tests.disclosures.fixtures"]


@pytest.fixture(scope="session", autouse=True)
def _live_server_one_request_at_a_time_on_shared_sqlite() -> Iterator[None]:
    """On SQLite the test database is in memory, and Django's live server hands every
    request thread the test's one connection: two requests at once (a double click) would
    then run inside each other's transactions, which no deployment does (each request has
    its own connection, and IMMEDIATE transactions queue). So on SQLite the live server
    answers one request at a time, as the IMMEDIATE write lock would make them; on
    PostgreSQL each request thread has its own connection and the row locks are tested for
    real."""
    from django.core.servers.basehttp import WSGIServer
    from django.db import connection
    from django.test.testcases import LiveServerThread

    class OneAtATime(WSGIServer):
        def __init__(self, *args: Any, connections_override: Any = None, **kwargs: Any):
            super().__init__(*args, **kwargs)  # the connection is already this thread's

    if connection.vendor != "sqlite":
        yield
        return
    with mock.patch.object(LiveServerThread, "server_class", OneAtATime):
        yield


@pytest.fixture(scope="session", autouse=True)
def _static_files_listed_once_per_configuration() -> Iterator[None]:
    """Every test client builds its own request handler, and WhiteNoise's middleware lists
    GOV.UK Frontend's ~2,600 files (twice: as /assets/ and through the finders) in its
    constructor: ~0.9 s for each client, which was most of the access matrix's time. The
    lists are kept for the run, per static configuration (a test that changes a WhiteNoise
    setting gets a list of its own); what each file is served with is unchanged."""
    from django.conf import settings
    from whitenoise.base import WhiteNoise
    from whitenoise.middleware import WhiteNoiseMiddleware

    listed: dict[tuple[Any, ...], dict[str, Any]] = {}
    by_folder = WhiteNoise.update_files_dictionary
    by_finders = WhiteNoiseMiddleware.add_files_from_finders

    def configuration() -> tuple[Any, ...]:
        names = [n for n in dir(settings) if n.startswith(("WHITENOISE_", "STATIC"))]
        return (settings.DEBUG, *(repr(getattr(settings, n)) for n in sorted(names)))

    def once(key: tuple[Any, ...], self: Any, scan: Any) -> None:
        key = (*key, configuration())
        if key not in listed:
            before = dict(self.files)
            scan()
            listed[key] = {u: f for u, f in self.files.items() if before.get(u) is not f}
        self.files.update(listed[key])

    def update_files_dictionary(self: Any, root: str, prefix: str) -> None:
        once(("folder", root, prefix), self, lambda: by_folder(self, root, prefix))

    def add_files_from_finders(self: Any) -> None:
        once(("finders", self.static_prefix), self, lambda: by_finders(self))

    with (
        mock.patch.object(WhiteNoise, "update_files_dictionary", update_files_dictionary),
        mock.patch.object(WhiteNoiseMiddleware, "add_files_from_finders", add_files_from_finders),
    ):
        yield


@pytest.fixture(autouse=True)
def force_login_passes_the_second_factor(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every page needs a second factor (SecondFactorMiddleware). `client.force_login`
    also gives the user a confirmed authenticator and marks the session as verified with
    it, as the sign-in code page does; tests of the second factor itself opt out with
    `@pytest.mark.no_auto_otp`."""
    if request.node.get_closest_marker("no_auto_otp"):
        return
    original = Client.force_login

    def force_login(self: Client, user: Any, backend: str | None = None) -> None:
        original(self, user, backend)
        device = TOTPDeviceFactory.confirmed_for(user)
        session = self.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture
def organisation(db: None) -> Organisation:
    return OrganisationFactory.create(name="Riverside Primary School")


@pytest.fixture
def other_organisation(db: None) -> Organisation:
    return OrganisationFactory.create(name="Northshire Police")


@pytest.fixture
def practitioner(organisation: Organisation) -> User:
    return UserFactory.create(organisation=organisation, username="practitioner")


@pytest.fixture
def outsider(other_organisation: Organisation) -> User:
    """A practitioner in another agency of the same partnership."""
    return UserFactory.create(organisation=other_organisation, username="outsider")


@pytest.fixture
def person(organisation: Organisation) -> Person:
    return PersonFactory.create(organisation=organisation, given_names="Lily", family_name="Morgan")


@pytest.fixture
def client_for(client: Client):  # type: ignore[no-untyped-def]
    """Sign a test client in as the given user (None: stay anonymous)."""

    def sign_in(user: User | None) -> Client:
        if user is not None:
            client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def immutable_tables_emptied_after(transactional_db: None) -> Iterator[None]:
    """Tests against a real server thread (browser tests, Schemathesis on the API) need
    their data committed, so the database is emptied after each test rather than rolled
    back; the immutability triggers must step aside for that."""
    from django.db import connection

    immutability.install(connection)
    # Emptying the tables also removes what data migrations seeded.
    seed_purposes()
    yield
    immutability.remove(connection)
