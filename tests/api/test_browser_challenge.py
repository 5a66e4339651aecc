"""A 401 never asks a browser for Basic credentials; other clients still get a Basic challenge.

RFC 7235 s3.1: a 401 carries a challenge. Browsers prompt for Basic and replay what was typed to every
later request of the origin, course content's script included (lrs/api/browser_challenge.py). Fetch
Metadata (Sec-Fetch-*) marks the requests a browser makes; page script cannot set or remove it."""
from __future__ import annotations

import pytest

BROWSER = {"Sec-Fetch-Site": "same-origin", "Sec-Fetch-Mode": "cors", "Sec-Fetch-Dest": "empty"}
XAPI = {"X-Experience-API-Version": "1.0.3"}


@pytest.mark.parametrize("method, path", [("GET", "/xapi/statements"), ("GET", "/api/v1/courses"),
                                          ("POST", "/oauth/token")])
def test_a_browser_request_gets_a_challenge_no_browser_prompts_for(app, method, path):
    response = app.test_client().open(path, method=method, headers={**XAPI, **BROWSER},
                                      data={"grant_type": "client_credentials"} if path == "/oauth/token" else None)
    assert response.status_code == 401
    scheme = response.headers["WWW-Authenticate"].split(" ", 1)[0]
    assert scheme == "LRS-Basic"


@pytest.mark.parametrize("method, path", [("GET", "/xapi/statements"), ("GET", "/api/v1/courses")])
def test_other_clients_still_get_a_basic_challenge(app, method, path):  # xAPI-Communication 4.0
    response = app.test_client().open(path, method=method, headers=XAPI)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Basic ")


def test_a_browser_still_authenticates_with_basic_credentials(xapi):  # xAPI-Communication 4.0
    response = xapi.request("GET", "/xapi/statements", headers=BROWSER)
    assert response.status_code == 200
