"""Regressions of attacks on the write path: requests whose cost outgrew their size (issue 10)."""
from __future__ import annotations

import hashlib
from urllib.parse import urlencode

import jwt
import orjson
import pytest

import lrs.services.statements as statement_service
from lrs.xapi.attachments import AttachmentPart, build_multipart
from tests.conftest import rejected
from tests.factories import new_id, statement
from tests.signing import self_signed_signer

SIGNATURE_USAGE = "http://adlnet.gov/expapi/attachments/signature"


@pytest.fixture(scope="module")
def signer():
    return self_signed_signer()


@pytest.fixture
def verifications(monkeypatch):
    """How many times the service runs the real signature verification."""
    calls = []
    real = statement_service.verify_signed_statement

    def counting(*args, **kwargs):
        calls.append(args[2])
        return real(*args, **kwargs)

    monkeypatch.setattr(statement_service, "verify_signed_statement", counting)
    return calls


def _signed(signer, unsigned: dict):
    key, certificate = signer
    token = jwt.encode(unsigned, key, algorithm="RS256", headers={"x5c": [certificate]}).encode()
    sha = hashlib.sha256(token).hexdigest()
    signed = {**unsigned, "attachments": [{"usageType": SIGNATURE_USAGE, "display": {"en-US": "signature"},
                                           "contentType": "application/octet-stream", "length": len(token),
                                           "sha2": sha}]}
    return signed, AttachmentPart(sha, "application/octet-stream", token)


def _post_multipart(xapi, statements, parts):
    body, content_type = build_multipart(orjson.dumps(statements), parts)
    return xapi.request("POST", "/xapi/statements", data=body, headers={"Content-Type": content_type})


def test_a_batch_sharing_one_signature_verifies_it_once(xapi, signer, verifications):  # xAPI-Data 2.6.s5
    signed, part = _signed(signer, statement())
    response = _post_multipart(xapi, [signed] * 50, [part])
    assert response.status_code == 200, response.data[:300]
    assert len(response.get_json()) == 50
    assert len(verifications) == 1


def test_a_bad_signature_shared_by_a_batch_is_refused_at_its_first_statement(xapi, signer, verifications):  # xAPI-Data 2.6.s5.b3.b2
    signed, part = _signed(signer, statement())
    other = {**signed, "verb": {"id": "http://example.com/verbs/forged"}}
    response = _post_multipart(xapi, [signed, signed, other, other], [part])
    rejected(response, "[2].attachments")
    assert len(verifications) == 2


def test_duplicate_ids_are_refused_before_any_signature_is_verified(xapi, signer, verifications):  # xAPI-Communication 2.1.2.s2.b6
    signed, part = _signed(signer, statement(statement_id=new_id()))
    rejected(_post_multipart(xapi, [signed, signed], [part]), "")
    assert verifications == []


# --- Content-Type kept with a document or attachment (RFC 9110 8.3) ----------------------------

STATE = "/xapi/activities/state"
_STATE_QUERY = {"activityId": "http://example.com/activities/a", "agent": '{"mbox": "mailto:kim@example.com"}'}
BAD_CONTENT_TYPES = ["text/plain; x=\u20ac", "text/plain; x=\u00e9", "text/plain\u2028x", "text/plain;x=, text/html",
                     "text/html, text/plain", "text", "text/plain; x", "text/plain; x=\"open", "/plain",
                     "text/plain; =y"]
GOOD_CONTENT_TYPES = ["application/json", "text/plain; charset=utf-8", "application/octet-stream",
                      "image/svg+xml", 'multipart/mixed; boundary="x y"', "text/plain;charset=UTF-8;format=flowed",
                      'text/plain; x="a\\"b, c"']


def _alternate_put(xapi, state_id: str, content_type: str, content: str = "hello"):
    fields = {"Authorization": xapi.headers["Authorization"], "X-Experience-API-Version": "1.0.3",
              **_STATE_QUERY, "stateId": state_id, "content": content, "Content-Type": content_type}
    return xapi.http.open(STATE, method="POST", query_string={"method": "PUT"}, data=urlencode(fields),
                          headers={"Content-Type": "application/x-www-form-urlencoded"})


@pytest.mark.parametrize("content_type", BAD_CONTENT_TYPES)
def test_a_content_type_that_is_not_a_media_type_is_refused_through_the_alternate_syntax(xapi, content_type):  # xAPI-Communication 1.3.s3.b7, 3.2.s3.b12
    rejected(_alternate_put(xapi, "odd", content_type), "Content-Type")
    assert xapi.request("GET", STATE, query_string={**_STATE_QUERY, "stateId": "odd"}).status_code == 404


@pytest.mark.parametrize("content_type", [t for t in BAD_CONTENT_TYPES if t.isascii()])
def test_a_content_type_that_is_not_a_media_type_is_refused_on_put(xapi, content_type):  # xAPI-Communication 3.2.s3.b12
    response = xapi.request("PUT", STATE, query_string={**_STATE_QUERY, "stateId": "odd"}, data=b"hello",
                            headers={"Content-Type": content_type})
    rejected(response, "Content-Type")


@pytest.mark.parametrize("content_type", GOOD_CONTENT_TYPES)
def test_media_types_are_kept_and_returned(xapi, content_type):  # xAPI-Communication 3.2.s3.b12
    body = b'{"a": 1}' if content_type == "application/json" else b"hello"
    response = xapi.request("PUT", STATE, query_string={**_STATE_QUERY, "stateId": "kept"}, data=body,
                            headers={"Content-Type": content_type})
    assert response.status_code == 204, response.data
    got = xapi.request("GET", STATE, query_string={**_STATE_QUERY, "stateId": "kept"})
    assert got.status_code == 200 and got.headers["Content-Type"] == content_type
    assert _alternate_put(xapi, "kept-form", content_type, body.decode()).status_code == 204


ESSAY = b"An essay about roses."


@pytest.mark.parametrize("content_type", ["text/plain;x=, text/html", "text/plain; x"])
def test_an_attachment_part_content_type_that_is_not_a_media_type_is_refused(xapi, content_type):  # xAPI-Communication 1.5.2.s2.b2, 3.2.s3.b12
    sha = hashlib.sha256(ESSAY).hexdigest()
    given = statement(attachments=[{"usageType": "http://example.com/usage/essay", "display": {"en-US": "essay"},
                                    "contentType": "text/plain", "length": len(ESSAY), "sha2": sha}])
    rejected(_post_multipart(xapi, [given], [AttachmentPart(sha, content_type, ESSAY)]), "[part 1]")


@pytest.mark.parametrize("content_type", ["text/plain;x=, text/html", "text/plain; x", "text/plain\u2028"])
def test_a_declared_attachment_content_type_that_is_not_a_media_type_is_refused(xapi, content_type):  # xAPI-Data 2.4.11
    given = statement(attachments=[{"usageType": "http://example.com/usage/essay", "display": {"en-US": "essay"},
                                    "contentType": content_type, "length": 1, "sha2": "0" * 64,
                                    "fileUrl": "http://example.com/essay"}])
    rejected(xapi.post_statements(given), "attachments[0].contentType")


@pytest.mark.parametrize("content_type", GOOD_CONTENT_TYPES)
def test_declared_attachment_media_types_are_accepted(xapi, content_type):  # xAPI-Data 2.4.11
    given = statement(attachments=[{"usageType": "http://example.com/usage/essay", "display": {"en-US": "essay"},
                                    "contentType": content_type, "length": 1, "sha2": "0" * 64,
                                    "fileUrl": "http://example.com/essay"}])
    assert xapi.post_statements(given).status_code == 200


# --- filter terms per request (xAPI-Communication 1.5.2.s3.b7) ---------------------------------

SMALL_TERM_LIMIT = 200


@pytest.fixture
def few_terms(app):
    """The app's statement service with a small LRS_MAX_TERMS_PER_REQUEST, restored afterwards."""
    service = app.extensions["lrs"].statements
    kept = service.max_terms_per_request
    service.max_terms_per_request = SMALL_TERM_LIMIT
    yield
    service.max_terms_per_request = kept


def _group(members: int) -> dict:
    tag = new_id()[:8]
    return {"objectType": "Group", "name": "crowd",
            "member": [{"mbox": f"mailto:m{n}-{tag}@example.com"} for n in range(members)]}


def test_a_request_with_more_filter_terms_than_allowed_is_413(xapi, few_terms):  # xAPI-Communication 1.5.2.s3.b7
    given = statement(actor=_group(SMALL_TERM_LIMIT + 1), statement_id=new_id())
    error = rejected(xapi.post_statements(given), "", status=413)
    assert error["section"] == "xAPI-Communication 1.5.2.s3.b7" and str(SMALL_TERM_LIMIT) in error["message"]
    assert xapi.get_statements(statementId=given["id"]).status_code == 404


def test_a_request_just_under_the_term_limit_is_stored(xapi, few_terms):  # xAPI-Communication 1.5.2.s3.b7
    # The group's members plus the group itself, the verb and the activity stay within the limit.
    given = statement(actor=_group(SMALL_TERM_LIMIT - 10), statement_id=new_id())
    assert xapi.post_statements(given).status_code == 200
    assert xapi.get_statements(statementId=given["id"]).status_code == 200


def test_the_default_term_limit_accepts_a_realistic_batch(xapi):  # xAPI-Communication 2.1.2
    tag = new_id()[:8]
    batch = [statement(actor={"mbox": f"mailto:learner{n}-{tag}@example.com"},
                       activity=f"http://example.com/activities/{tag}/{n % 50}",
                       context={"registration": new_id(), "contextActivities": {"parent": [
                           {"id": f"http://example.com/courses/{tag}"}]}})
             for n in range(1000)]
    response = xapi.post_statements(batch)
    assert response.status_code == 200 and len(response.get_json()) == 1000


# --- erasure then `lrs terms purge` (docs/security.md, GDPR erasure) ----------------------------

def test_purge_removes_the_erased_identifier_even_when_it_is_the_newest_term(app, xapi, store_credential):  # docs/security.md: erasure
    services = app.extensions["lrs"]
    assert xapi.post_statements(statement()).status_code == 200  # the verb and activity terms exist first
    who = f"mailto:last-{new_id()[:8]}@example.com"
    assert xapi.post_statements(statement(actor={"mbox": who})).status_code == 200
    with services.engines.read.connect() as connection:
        newest = connection.exec_driver_sql("SELECT id, value FROM terms ORDER BY id DESC LIMIT 1").one()
    assert who in newest.value  # the scenario: the erased person's term is the newest one
    services.administration.erase_agent("test:pytest", store_credential.store_id, {"mbox": who}, dry_run=False)
    services.administration.purge_terms("test:pytest", dry_run=False)
    with services.engines.read.connect() as connection:
        values = connection.exec_driver_sql("SELECT value FROM terms").scalars().all()
        highest = connection.exec_driver_sql("SELECT max(id) FROM terms").scalar()
    assert not [value for value in values if who[7:] in value]
    if services.engines.write.dialect.name == "sqlite":
        assert highest == newest.id  # the row stays, so SQLite never hands out that id again
    # A second purge finds nothing more to do, and a new term still gets a new id.
    assert services.administration.purge_terms("test:pytest", dry_run=True).unused == 0
    assert xapi.post_statements(statement(actor={"mbox": f"mailto:again-{new_id()[:8]}@example.com"})).status_code == 200
    with services.engines.read.connect() as connection:
        assert connection.exec_driver_sql("SELECT max(id) FROM terms").scalar() > newest.id


@pytest.mark.parametrize("algorithm", ["sha224", "sha256", "sha384", "sha512"])
def test_an_attachment_part_is_matched_by_any_sha2_size(xapi, algorithm):  # xAPI-Data 2.4.11 (sha2: SHA-2 of any size)
    sha = hashlib.new(algorithm, ESSAY).hexdigest()
    given = statement(statement_id=new_id(), attachments=[{
        "usageType": "http://example.com/usage/essay", "display": {"en-US": "essay"}, "contentType": "text/plain",
        "length": len(ESSAY), "sha2": sha}])
    response = _post_multipart(xapi, [given], [AttachmentPart(sha, "text/plain", ESSAY)])
    assert response.status_code == 200, response.data[:300]
    fetched = xapi.get_statements(statementId=given["id"], attachments="true")
    assert fetched.status_code == 200 and ESSAY in fetched.data
