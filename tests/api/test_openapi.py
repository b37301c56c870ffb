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
                elif parameter["in"] == "header":
                    assert parameter["name"] == "Idempotency-Key", (method, path)
                elif parameter["name"] == "after":
                    # A page's cursor: dates, times and ids, base64url (core/pagination.py).
                    assert parameter["in"] == "query"
                    pattern = (
                        parameter["schema"].get("pattern")
                        or parameter["schema"]["anyOf"][0]["pattern"]
                    )
                    assert pattern == "^[A-Za-z0-9_-]+$", (method, path)
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


# --- The contract: statuses, links, the caller's choices (issue 13) ---------------------------

ERRORS = {400, 401, 429}  # every operation: unreadable request, no token, too many calls
STATUSES = {
    "searchPeople": {200, 403, 422},
    "getPerson": {200, 404, 422},
    "getPersonChronology": {200, 404, 422},
    "getDecision": {200, 404, 422},
    "listRequests": {200, 403, 404, 422},
    "raiseRequest": {201, 403, 422},
    "getRequest": {200, 404, 422},
    "listDisclosuresReceived": {200, 403, 404, 422},
    "getDisclosure": {200, 404, 422},
    "acknowledgeDisclosure": {200, 404, 409, 422},
    "getLedgerCheckpoint": {200, 503},
}
LINKS = {
    ("searchPeople", "GetPerson"): ("getPerson", {"person_id": "$response.body#/0/id"}),
    ("searchPeople", "GetPersonChronology"): (
        "getPersonChronology",
        {"person_id": "$response.body#/0/id"},
    ),
    ("getPerson", "GetPersonChronology"): (
        "getPersonChronology",
        {"person_id": "$response.body#/id"},
    ),
    ("getPersonChronology", "GetDecision"): (
        "getDecision",
        {"decision_id": "$response.body#/0/decision_id"},
    ),
    ("getDecision", "GetPerson"): ("getPerson", {"person_id": "$response.body#/subjects/0/id"}),
    ("listRequests", "GetRequest"): ("getRequest", {"request_id": "$response.body#/0/id"}),
    ("raiseRequest", "GetRequest"): ("getRequest", {"request_id": "$response.body#/id"}),
    ("listDisclosuresReceived", "GetDisclosure"): (
        "getDisclosure",
        {"disclosure_id": "$response.body#/0/id"},
    ),
    ("listDisclosuresReceived", "AcknowledgeDisclosure"): (
        "acknowledgeDisclosure",
        {"disclosure_id": "$response.body#/0/id"},
    ),
    ("getDisclosure", "AcknowledgeDisclosure"): (
        "acknowledgeDisclosure",
        {"disclosure_id": "$response.body#/id"},
    ),
    ("acknowledgeDisclosure", "GetDisclosure"): (
        "getDisclosure",
        {"disclosure_id": "$response.body#/id"},
    ),
}


def _operations(document: dict[str, typing.Any]) -> dict[str, dict[str, typing.Any]]:
    return {
        operation["operationId"]: operation
        for methods in document["paths"].values()
        for operation in methods.values()
    }


@pytest.fixture
def document(practitioner: User, api_call: Call) -> dict[str, typing.Any]:
    response = api_call(practitioner, "get", reverse("api:openapi-json"))
    assert response.status_code == 200
    return dict(response.json())


def test_every_operation_documents_every_status_it_can_answer(
    document: dict[str, typing.Any],
) -> None:
    operations = _operations(document)
    assert {name: {int(s) for s in op["responses"]} for name, op in operations.items()} == {
        name: statuses | ERRORS for name, statuses in STATUSES.items()
    }


def test_every_error_has_the_one_error_shape(document: dict[str, typing.Any]) -> None:
    """{"detail": "..."}, or for 422 {"detail": [{field, message, type}]}; 400 may also be
    the web server's own HTML page (an over-long request line)."""
    for name, operation in _operations(document).items():
        for status, answer in operation["responses"].items():
            if not 400 <= int(status) < 500:
                continue
            expected = "ValidationErrorOut" if status == "422" else "ErrorOut"
            schema = answer["content"]["application/json"]["schema"]
            assert schema == {"$ref": f"#/components/schemas/{expected}"}, (name, status)
            assert answer["description"] not in {"", "Unknown Status Code"}, (name, status)
            media = {"application/json", "text/html"} if status == "400" else {"application/json"}
            assert set(answer["content"]) == media, (name, status)
        assert "WWW-Authenticate" in operation["responses"]["401"]["headers"]
        retry_after = operation["responses"]["429"]["headers"]["Retry-After"]["schema"]
        assert retry_after == {"type": "integer", "minimum": 1, "maximum": 60}


def test_links_lead_from_results_and_creations_to_the_reads(
    document: dict[str, typing.Any],
) -> None:
    operations = _operations(document)
    found = {}
    for name, operation in operations.items():
        for answer in operation["responses"].values():
            for link_name, link in answer.get("links", {}).items():
                found[(name, link_name)] = (link["operationId"], link["parameters"])
    assert found == LINKS
    # Every link fills exactly the path parameters of the operation it calls.
    for target, parameters in found.values():
        path = {p["name"] for p in operations[target]["parameters"] if p["in"] == "path"}
        assert set(parameters) == path, target


def test_the_creating_posts_take_an_idempotency_key(document: dict[str, typing.Any]) -> None:
    for name, operation in _operations(document).items():
        headers = [p for p in operation.get("parameters", []) if p["in"] == "header"]
        if name in {"raiseRequest", "acknowledgeDisclosure"}:
            (header,) = headers
            assert header["name"] == "Idempotency-Key" and header["required"] is False
            assert header["schema"]["maxLength"] == 100
            assert header["schema"]["pattern"] == "^[A-Za-z0-9._:-]+$"
            assert "new key of your own for each new request" in header["description"]
        else:
            assert headers == [], name


def test_a_raised_request_names_what_the_caller_may_choose(
    practitioner: User, outsider: User, api_call: Call
) -> None:
    """The organisations they can ask (not their own) and the active purposes, by id
    and name, exactly as raiseRequest checks them."""
    from safeshare.vocabulary.models import Purpose

    Purpose.objects.create(name="Retired purpose", active=False)
    document = api_call(practitioner, "get", reverse("api:openapi-json")).json()
    fields = document["components"]["schemas"]["RequestIn"]["properties"]
    assert outsider.organisation is not None
    assert fields["to_organisation"]["oneOf"] == [
        {"const": str(outsider.organisation.pk), "title": "Northshire Police"}
    ]
    assert fields["to_organisation"]["format"] == "uuid"
    assert fields["purpose_category"]["oneOf"] == [
        {"const": p.pk, "title": p.name} for p in Purpose.objects.filter(active=True).order_by("pk")
    ]
    # The other organisation is offered the practitioner's, not its own.
    theirs = api_call(outsider, "get", reverse("api:openapi-json")).json()
    offered = theirs["components"]["schemas"]["RequestIn"]["properties"]["to_organisation"]
    assert [o["const"] for o in offered["oneOf"]] == [str(practitioner.organisation_id)]
