"""The OpenAPI document tells the truth: schemathesis generates requests from /docs/openapi.json for every
operation, valid and invalid, sends them to the app on SQLite and PostgreSQL, and checks each answer
against the document with all of its default checks (no 5xx, documented status codes, content types,
headers and bodies, invalid data rejected, required headers and auth enforced, Allow on 405)."""
from __future__ import annotations

import base64
import uuid

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from lrs.api.admin.schemas import ROW_ID_MAX
from lrs.app import create_app
from lrs.settings import Settings
from tests.factories import issue_credential

EXAMPLES_PER_OPERATION = 15
ADMIN_EXAMPLES = 3


def _basic(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


@pytest.fixture(scope="session")
def authorizations(app) -> dict[str, str]:
    """An all-scope store credential for /xapi and /oauth, an admin account for /admin."""
    services = app.extensions["lrs"]
    issued = issue_credential(services, "schemathesis")
    username, password = f"admin-{uuid.uuid4().hex[:8]}", "schemathesis admin password"
    services.administration.create_admin("test", username, password)
    return {"/admin": _basic(username, password), "/": _basic(issued.key, issued.secret)}


@pytest.fixture(scope="session")
def sandbox(app) -> dict[str, int]:
    """The only store and credential the generated admin requests may change (rename, disable, rotate,
    revoke, erase): never one that the xAPI requests or any other test uses."""
    administration = app.extensions["lrs"].administration
    store = administration.create_store("test", f"schemathesis-{uuid.uuid4()}")
    issued = administration.create_credential("test", store.id, name="schemathesis sandbox")
    return {"store_id": store.id, "credential_id": issued.credential_id}


def _confine_to_sandbox(case, sandbox: dict[str, int]) -> None:
    """An id that may name a row becomes the sandbox's (odd) or one no row has (even): both answers are
    exercised, and no other test's store or credential is touched. Ids that cannot name a row are kept."""
    for name, own_id in sandbox.items():
        value = (case.path_parameters or {}).get(name)
        if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= ROW_ID_MAX:
            case.path_parameters[name] = own_id if value % 2 else ROW_ID_MAX


def _openapi_document() -> dict:
    """The document as the app publishes it; it depends on no database, so a throwaway app serves it."""
    application = create_app(Settings(database_url="sqlite://", secret_key="openapi document"))
    try:
        return application.test_client().get("/docs/openapi.json").get_json()
    finally:
        application.extensions["lrs"].close()


# A schema-valid If-Match or If-None-Match that does not hold is refused with 412 (xAPI-Communication 1.1,
# 3.1.s4.b9): the one status besides schemathesis' defaults a well-formed request may get.
# Likewise, preconditions are judged before the body, so a request missing its body may get that 412 first.
CONFIG = schemathesis.Config.from_dict({
    # Reproducible runs, and no example database written into the working tree.
    "generation": {"deterministic": True, "database": "none"},
    "phases": {"fuzzing": {"generation": {"max-examples": EXAMPLES_PER_OPERATION}}},
    "checks": {
        "positive_data_acceptance": {"expected-statuses": ["2xx", "3xx", "401", "403", "404", "409", "412", "429", "5xx"]},
        "negative_data_rejection": {"expected-statuses": ["400", "401", "403", "404", "405", "406", "409", "412", "415",
                                                          "422", "428", "429", "5xx"]},
    },
    "operations": [
        # Every admin request checks a password hash, made slow on purpose: fewer random examples there.
        {"include-path-regex": "^/admin", "phases": {"fuzzing": {"generation": {"max-examples": ADMIN_EXAMPLES}}}},
        # xAPI-Data 2.2.s4: statements follow rules no schema states (per version, between properties, of
        # interaction components), so a body the document allows may rightly be a 400.
        {"include-path": "/xapi/statements", "include-method": ["PUT", "POST"],
         "checks": {"positive_data_acceptance": {"enabled": False}}},
        # xAPI-Communication 2.1.3.s2.b2: statementId and voidedStatementId exclude the other filters, a
        # rule OpenAPI parameters cannot state.
        {"include-path": "/xapi/statements", "include-method": "GET",
         "checks": {"positive_data_acceptance": {"enabled": False}}},
        # xAPI Profiles Part Two: a profile (and a statement to validate) follows rules no schema states
        # (JSON-LD, ids unique across the document, templates naming concepts), so a body the document
        # allows may rightly be a 400.
        {"include-path": "/api/v1/profiles", "include-method": "POST",
         "checks": {"positive_data_acceptance": {"enabled": False}}},
        {"include-path": "/api/v1/profiles/validate", "include-method": "POST",
         "checks": {"positive_data_acceptance": {"enabled": False}}},
    ],
})
schema = schemathesis.openapi.from_dict(_openapi_document(), config=CONFIG)


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_documented(case, app, authorizations, sandbox):
    prefix = "/admin" if case.path.startswith("/admin") else "/"
    _confine_to_sandbox(case, sandbox)
    case.operation.schema.app = app  # the checks' own requests (auth, methods) go to this database's app too
    case.call_and_validate(app=app, headers={"Authorization": authorizations[prefix]})


@pytest.mark.parametrize("method, path, allowed", [
    ("PATCH", "/xapi/statements", {"GET", "HEAD", "OPTIONS", "POST", "PUT"}),
    ("PATCH", "/xapi/activities/state", {"DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"}),
    ("DELETE", "/admin/stores", {"GET", "HEAD", "OPTIONS", "POST"}),
])
def test_method_not_allowed_names_the_allowed_methods(app, method, path, allowed):
    # RFC 9110 s15.5.6: a 405 MUST carry Allow; the body is still the xAPI error body.
    response = app.test_client().open(path, method=method)
    assert response.status_code == 405
    assert {name.strip() for name in response.headers["Allow"].split(",")} == allowed
    assert response.get_json()["error"] and response.get_json()["message"]


def test_the_document_declares_the_xapi_error_body_and_the_required_parameters():
    # xAPI-Communication 2.3.s3 (State: activityId and agent required) and the error body every 4xx carries.
    document = _openapi_document()
    error = document["components"]["schemas"]["XapiError"]
    assert {"error", "message", "path", "section"} <= set(error["properties"])
    state_get = document["paths"]["/xapi/activities/state"]["get"]
    required = {parameter["name"] for parameter in state_get["parameters"] if parameter["required"]}
    assert required == {"activityId", "agent", "X-Experience-API-Version"}
    assert state_get["responses"]["400"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/XapiError"}
    assert "default" not in state_get["responses"]


def test_admin_names_with_nul_are_refused_not_a_500(app, authorizations, sandbox):
    # Found by schemathesis on PostgreSQL (text columns cannot hold U+0000): a 400 on every database.
    client, headers = app.test_client(), {"Authorization": authorizations["/admin"]}
    for path in ("/admin/stores", f"/admin/stores/{sandbox['store_id']}/credentials"):
        response = client.post(path, json={"name": "kim\x00"}, headers=headers)
        assert response.status_code == 400, (path, response.status_code)
        assert response.get_json()["detail"]["json"]["name"] == ["must not contain U+0000"]
