"""Failed logins throttle the guesser, not the owner (issue 10, item 7): keys and admin names are public,
so failures count per client address and account together. A guesser at one address gets 429; the owner
presenting the right secret from another address is served. Requests come from two real loopback
addresses (127.0.0.1 and 127.0.0.2), and X-Forwarded-For is not believed unless LRS_TRUSTED_PROXIES says so."""
from __future__ import annotations

import uuid

import pytest
import requests
from requests.adapters import HTTPAdapter

from tests.conftest import run_server

XAPI = {"X-Experience-API-Version": "1.0.3"}
LIMIT = 3
TOKEN_FORM = {"grant_type": "client_credentials", "scope": "all"}


class _FromAddress(HTTPAdapter):
    """Connects from the given local address, as a client on another machine would."""

    def __init__(self, source_address: str):
        self._source_address = source_address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, source_address=(self._source_address, 0), **kwargs)


def client_at(address: str) -> requests.Session:
    session = requests.Session()
    session.mount("http://", _FromAddress(address))
    return session


@pytest.fixture(scope="module")
def throttled_server(database_url):
    yield from run_server(database_url, workers=1, auth_failure_limit=str(LIMIT), auth_failure_window="300")


@pytest.fixture(scope="module")
def proxied_server(database_url):
    yield from run_server(database_url, workers=1, auth_failure_limit=str(LIMIT), auth_failure_window="300",
                          trusted_proxies="1")


@pytest.fixture
def owner(app):
    return app.extensions["lrs"].administration.create_credential_in(
        "test:lockout", f"lockout-{uuid.uuid4()}", name="owner")


@pytest.fixture
def admin(app):
    username, password = f"admin-{uuid.uuid4().hex[:8]}", "correct horse battery staple"
    app.extensions["lrs"].administration.create_admin("test:lockout", username, password)
    return username, password


def _statements(session, base_url, auth, headers=None):
    return session.get(f"{base_url}/xapi/statements", auth=auth, headers={**XAPI, **(headers or {})}, timeout=30)


def test_a_guesser_on_statements_is_throttled_and_the_owner_is_not(throttled_server, owner):
    # xAPI-Communication 3.2.s3.b13 (429 for too many requests), 4.0 (authentication)
    guesser, elsewhere = client_at("127.0.0.2"), client_at("127.0.0.1")
    statuses = [_statements(guesser, throttled_server, (owner.key, f"guess {n}")).status_code for n in range(LIMIT + 2)]
    assert statuses == [401] * LIMIT + [429, 429]
    answered = _statements(guesser, throttled_server, (owner.key, owner.secret))
    assert answered.status_code == 429 and int(answered.headers["Retry-After"]) >= 1
    assert _statements(elsewhere, throttled_server, (owner.key, owner.secret)).status_code == 200


def test_a_guesser_on_the_token_endpoint_is_throttled_and_the_owner_is_not(throttled_server, owner):
    # RFC 6749 5.2 (invalid_client), xAPI-Communication 4.2
    guesser, elsewhere = client_at("127.0.0.5"), client_at("127.0.0.1")
    answers = [guesser.post(f"{throttled_server}/oauth/token", auth=(owner.key, f"guess {n}"), data=TOKEN_FORM,
                            timeout=30) for n in range(LIMIT + 1)]
    assert [answer.status_code for answer in answers] == [401] * LIMIT + [429]
    assert answers[-1].json()["error"] == "slow_down"
    issued = elsewhere.post(f"{throttled_server}/oauth/token", auth=(owner.key, owner.secret), data=TOKEN_FORM,
                            timeout=30)
    assert issued.status_code == 200, issued.text
    bearer = {"Authorization": "Bearer " + issued.json()["access_token"]}
    assert _statements(elsewhere, throttled_server, None, bearer).status_code == 200


def test_a_guesser_of_an_admin_password_is_throttled_and_the_admin_is_not(throttled_server, admin):
    username, password = admin
    guesser, elsewhere = client_at("127.0.0.6"), client_at("127.0.0.1")
    statuses = [guesser.get(f"{throttled_server}/admin/stores", auth=(username, f"guess {n}"), timeout=30).status_code
                for n in range(LIMIT + 1)]
    assert statuses == [401] * LIMIT + [429]
    assert elsewhere.get(f"{throttled_server}/admin/stores", auth=(username, password), timeout=30).status_code == 200


def test_failures_for_one_account_do_not_throttle_others_at_the_same_address(throttled_server, app, owner):
    neighbour = app.extensions["lrs"].administration.create_credential_in(
        "test:lockout", f"lockout-{uuid.uuid4()}", name="neighbour")
    guesser = client_at("127.0.0.7")
    for n in range(LIMIT + 1):
        _statements(guesser, throttled_server, (owner.key, f"guess {n}"))
    # An office behind one NAT address: a colleague's mistyped key does not lock the others out.
    assert _statements(guesser, throttled_server, (neighbour.key, neighbour.secret)).status_code == 200


def test_one_address_guessing_many_accounts_is_throttled(throttled_server, app):
    sprayer, elsewhere = client_at("127.0.0.3"), client_at("127.0.0.1")
    owners = [app.extensions["lrs"].administration.create_credential_in(
        "test:lockout", f"lockout-{uuid.uuid4()}", name=f"owner {n}") for n in range(2)]
    # Five times the per-account limit per address, spread over accounts that each stay under their own.
    statuses = [_statements(sprayer, throttled_server, (f"key-{n}", "guess")).status_code for n in range(5 * LIMIT)]
    assert set(statuses) == {401}
    assert _statements(sprayer, throttled_server, (owners[0].key, owners[0].secret)).status_code == 429
    assert _statements(elsewhere, throttled_server, (owners[1].key, owners[1].secret)).status_code == 200


def test_x_forwarded_for_is_not_believed_by_default(throttled_server, owner):
    guesser = client_at("127.0.0.4")
    statuses = [_statements(guesser, throttled_server, (owner.key, "guess"),
                            {"X-Forwarded-For": f"198.51.100.{n}"}).status_code for n in range(LIMIT + 1)]
    assert statuses[-1] == 429


def test_behind_a_trusted_proxy_the_forwarded_address_is_throttled(proxied_server, owner):
    proxy = client_at("127.0.0.1")
    statuses = [_statements(proxy, proxied_server, (owner.key, "guess"),
                            {"X-Forwarded-For": "198.51.100.7"}).status_code for _ in range(LIMIT + 1)]
    assert statuses == [401] * LIMIT + [429]
    owner_elsewhere = _statements(proxy, proxied_server, (owner.key, owner.secret), {"X-Forwarded-For": "203.0.113.9"})
    assert owner_elsewhere.status_code == 200
