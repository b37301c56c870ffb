"""The OpenAPI document lists every operation; no Swagger page; no personal data in any
API URL; the input codes follow the models' choices."""

from __future__ import annotations

import re
import typing

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from safeshare.accounts.models import User
from safeshare.api import schemas
from safeshare.api.api import api
from tests.api.conftest import Call

pytestmark = pytest.mark.django_db

OPERATIONS = {
    ("post", "/api/v1/people/search"): "searchPeople",
    ("get", "/api/v1/people/{person_id}"): "getPerson",
    ("get", "/api/v1/people/{person_id}/decisions"): "getPersonChronology",
    ("get", "/api/v1/decisions/{decision_id}"): "getDecision",
    ("get", "/api/v1/requests"): "listRequests",
    ("post", "/api/v1/requests"): "raiseRequest",
    ("get", "/api/v1/requests/{request_id}"): "getRequest",
    ("get", "/api/v1/disclosures/received"): "listDisclosuresReceived",
    ("get", "/api/v1/disclosures/{disclosure_id}"): "getDisclosure",
    ("post", "/api/v1/disclosures/{disclosure_id}/acknowledge"): "acknowledgeDisclosure",
    ("get", "/api/v1/ledger/checkpoint"): "getLedgerCheckpoint",
}


def _api_patterns() -> list[URLPattern]:
    (resolver,) = [
        p
        for p in get_resolver().url_patterns
        if isinstance(p, URLResolver) and p.namespace == "api"
    ]
    return [p for p in resolver.url_patterns if isinstance(p, URLPattern)]


def test_the_openapi_document_lists_every_operation(practitioner: User, api_call: Call) -> None:
    response = api_call(practitioner, "get", reverse("api:openapi-json"))
    assert response.status_code == 200
    document = response.json()
    assert document["info"]["version"] == "1"
    listed = {
        (method, path): operation["operationId"]
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    }
    assert listed == OPERATIONS
    # Every operation asks for the bearer token, and says what a refusal looks like.
    assert document["components"]["securitySchemes"] == {
        "TokenAuth": {"type": "http", "scheme": "bearer"}
    }
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            assert operation["security"] == [{"TokenAuth": []}], (method, path)


def test_every_api_url_pattern_is_an_operation_in_the_document() -> None:
    """A new operation cannot slip in undocumented (nor unlisted in the access matrix,
    which walks the same URL names)."""
    names = {p.name for p in _api_patterns()}
    assert names == {
        "openapi-json",
        "api-root",
        "people_search",
        "person",
        "person_decisions",
        "decision",
        "requests",
        "requests_create",
        "request",
        "disclosures_received",
        "disclosure",
        "disclosure_acknowledge",
        "ledger_checkpoint",
    }


def test_no_personal_data_in_api_urls() -> None:
    """Path parameters are opaque ids; query parameters are codes; names go in bodies."""
    for pattern in _api_patterns():
        for parameter in re.findall(r"<(?:\w+:)?(\w+)>", str(pattern.pattern)):
            assert parameter.endswith("_id"), pattern
    document = api.get_openapi_schema(path_params={})
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path":
                    assert parameter["schema"]["format"] == "uuid", (method, path)
                else:
                    assert parameter["in"] == "query"
                    assert parameter["name"] in {"direction", "status"}
                    assert "enum" in parameter["schema"] or "anyOf" in parameter["schema"]


def test_the_document_is_for_signed_in_users_and_token_holders(
    client: Client, practitioner: User
) -> None:
    url = reverse("api:openapi-json")
    assert url == "/api/v1/openapi.json"
    anonymous = client.get(url)
    assert anonymous.status_code == 401
    assert anonymous.json()["detail"].startswith("Send a current API token")
    client.force_login(practitioner)
    assert client.get(url).status_code == 200


def test_there_is_no_swagger_page(client: Client, practitioner: User) -> None:
    client.force_login(practitioner)
    assert client.get("/api/v1/docs").status_code == 404
    assert client.get("/api/v1/docs/").status_code == 404


def test_input_codes_follow_the_models_choices() -> None:
    assert set(typing.get_args(schemas.UrgencyCode)) == schemas.URGENCY_CODES
    assert set(typing.get_args(schemas.StatutoryBasisCode)) == schemas.STATUTORY_BASIS_CODES
