"""OAuth 2.0 client credentials against the running server (gunicorn) with a real HTTP client:
token issued, used, expired, refused (xAPI-Communication 4.2; RFC 6749 4.4, 5.2; RFC 6750)."""
from __future__ import annotations

import time

import pytest
import requests

from tests.conftest import run_server
from tests.factories import issue_credential, statement

pytestmark = pytest.mark.e2e
XAPI = {"X-Experience-API-Version": "1.0.3"}


@pytest.fixture(scope="module")
def short_token_server(database_url):
    """A second server on the same database whose tokens live two seconds, with a low failure limit;
    one worker, since each worker counts failures on its own."""
    yield from run_server(database_url, workers=1, token_seconds="2", auth_failure_limit="5")


def _credential(app, scopes: str = "all"):
    return issue_credential(app.extensions["lrs"], "oauth client", scopes=scopes)


def _token(server: str, key: str, secret: str, **form) -> requests.Response:
    return requests.post(f"{server}/oauth/token", data={"grant_type": "client_credentials", **form},
                         auth=(key, secret), timeout=30)


def test_a_token_is_issued_used_and_written_as_the_authority(app, live_server):  # xAPI-Communication 4.2.s5.b1
    issued = _credential(app)
    response = _token(live_server, issued.key, issued.secret, scope="statements/write statements/read")
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] > 0
    assert body["scope"] == "statements/read statements/write"
    assert response.headers["Cache-Control"] == "no-store"
    bearer = {**XAPI, "Authorization": f"Bearer {body['access_token']}"}
    stored = requests.post(f"{live_server}/xapi/statements", json=statement(), headers=bearer, timeout=30)
    assert stored.status_code == 200
    read = requests.get(f"{live_server}/xapi/statements", params={"statementId": stored.json()[0]},
                        headers=bearer, timeout=30).json()
    assert read["authority"]["account"]["name"] == issued.key  # xAPI-Data 2.4.9: the credential
    # The token carries only the scopes asked for: no State access.
    state = requests.get(f"{live_server}/xapi/activities/state", headers=bearer, timeout=30, params={
        "activityId": "http://example.com/a", "agent": '{"mbox":"mailto:a@example.com"}'})
    assert state.status_code == 403


def test_a_token_asked_without_scope_gets_write_and_read_mine(app, live_server):  # xAPI-Communication 4.2.s5.b2
    issued = _credential(app)
    assert _token(live_server, issued.key, issued.secret).json()["scope"] == "statements/read/mine statements/write"


def test_client_credentials_may_come_in_the_form(app, live_server):  # RFC 6749 2.3.1
    issued = _credential(app)
    response = requests.post(f"{live_server}/oauth/token", timeout=30, data={
        "grant_type": "client_credentials", "client_id": issued.key, "client_secret": issued.secret,
        "scope": "all"})
    assert response.status_code == 200 and response.json()["scope"] == "all"


def test_an_expired_token_is_refused(app, short_token_server):  # RFC 6750 3.1 invalid_token
    issued = _credential(app)
    access_token = _token(short_token_server, issued.key, issued.secret).json()["access_token"]
    bearer = {**XAPI, "Authorization": f"Bearer {access_token}"}
    assert requests.get(f"{short_token_server}/xapi/statements", headers=bearer, timeout=30).status_code == 200
    time.sleep(3.1)
    expired = requests.get(f"{short_token_server}/xapi/statements", headers=bearer, timeout=30)
    assert expired.status_code == 401 and "expired" in expired.json()["message"]


@pytest.mark.parametrize("form,auth,status,error", [
    ({"grant_type": "password"}, True, 400, "unsupported_grant_type"),
    ({"grant_type": "client_credentials"}, False, 401, "invalid_client"),
    ({"grant_type": "client_credentials", "scope": "statements/delete"}, True, 400, "invalid_scope"),
    ({"grant_type": "client_credentials", "scope": "state"}, True, 400, "invalid_scope"),  # not held
])
def test_bad_token_requests_are_refused(app, live_server, form, auth, status, error):  # RFC 6749 5.2
    issued = _credential(app, scopes="statements/write statements/read/mine")
    response = requests.post(f"{live_server}/oauth/token", data=form, timeout=30,
                             auth=(issued.key, issued.secret) if auth else None)
    assert response.status_code == status and response.json()["error"] == error


def test_wrong_secret_gets_no_token(app, live_server):  # RFC 6749 5.2 invalid_client
    issued = _credential(app)
    assert _token(live_server, issued.key, "wrong").status_code == 401


def test_a_forged_or_tampered_token_is_refused(app, live_server):  # xAPI-Communication 4.0
    issued = _credential(app)
    access_token = _token(live_server, issued.key, issued.secret, scope="statements/read").json()["access_token"]
    header, payload, signature = access_token.split(".")
    tampered = ".".join([header, payload, signature[:-4] + ("AAAA" if signature[-4:] != "AAAA" else "BBBB")])
    response = requests.get(f"{live_server}/xapi/statements", timeout=30,
                            headers={**XAPI, "Authorization": f"Bearer {tampered}"})
    assert response.status_code == 401


def test_revoking_the_credential_stops_its_tokens_within_the_recheck_interval(app, live_server):
    """issue 4: revocation reaches every server process within LRS_CREDENTIAL_RECHECK_SECONDS (1 s by
    default; issue 5 lets each process reuse a credential it read for that long)."""
    issued = _credential(app)
    access_token = _token(live_server, issued.key, issued.secret).json()["access_token"]
    bearer = {**XAPI, "Authorization": f"Bearer {access_token}"}
    assert requests.get(f"{live_server}/xapi/statements", headers=bearer, timeout=30).status_code == 200
    app.extensions["lrs"].administration.revoke_credential("test:oauth", issued.credential_id)
    revoked_at = time.monotonic()
    answers = []  # (seconds after the revocation the request was sent, status), from both workers
    while time.monotonic() - revoked_at < 2.0 or sum(sent > 1.1 for sent, _ in answers) < 10:
        sent = time.monotonic() - revoked_at
        answers.append((sent, requests.get(f"{live_server}/xapi/statements", headers=bearer,
                                           timeout=30).status_code))
        time.sleep(0.02)
    assert {status for _, status in answers} <= {200, 401}
    # A worker may answer from a credential it read before the revocation for at most 1 s; every
    # request sent after that is refused.
    late = [status for sent, status in answers if sent > 1.1]
    assert late and set(late) == {401}


def test_revocation_takes_effect_at_once_in_the_process_that_revokes(app, xapi, store_credential):
    """The process that writes the change forgets what it remembered (lrs/storage/credentials.py)."""
    assert xapi.get_statements().status_code == 200
    app.extensions["lrs"].administration.revoke_credential("test:oauth", store_credential.credential_id)
    assert xapi.get_statements().status_code == 401


def test_repeated_failures_are_throttled_with_429(app, short_token_server):  # xAPI-Communication 3.2.s3.b13, b17
    issued = _credential(app)
    statuses = [requests.get(f"{short_token_server}/xapi/statements", auth=(issued.key, "wrong"), headers=XAPI,
                             timeout=30).status_code for _ in range(12)]
    assert statuses[0] == 401 and statuses[-1] == 429
    throttled = requests.get(f"{short_token_server}/xapi/statements", auth=(issued.key, issued.secret),
                             headers=XAPI, timeout=30)
    assert throttled.status_code == 429 and int(throttled.headers["Retry-After"]) >= 1
