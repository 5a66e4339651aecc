"""No browser is ever asked for a Basic credential.

Browsers prompt for a Basic challenge and then replay what the person typed, unasked, on every later
request to the origin, script-initiated ones included. Course content (SCORM SCOs, cmi5 AUs) runs
script on this origin unless LRS_CONTENT_URL names another host, so a remembered credential would be
any course author's to use. A 401 to a request a browser made (it carries Fetch Metadata, which page
script cannot set or remove) therefore challenges with a scheme browsers neither prompt for nor
answer; other clients keep `Basic`, which some HTTP stacks wait for before they send a credential.
Credentials are still accepted as HTTP Basic everywhere (xAPI-Communication 4.0, launch-api.md).
"""
from __future__ import annotations

from flask import request

BROWSER_CHALLENGE_SCHEME = "LRS-Basic"


def made_by_browser() -> bool:
    return "Sec-Fetch-Mode" in request.headers or "Sec-Fetch-Site" in request.headers


def no_basic_prompt_for_browsers(response):
    if response.status_code == 401 and made_by_browser():
        challenge = response.headers.get("WWW-Authenticate", "")
        if challenge[:6].lower() == "basic " or challenge.lower() == "basic":
            response.headers["WWW-Authenticate"] = BROWSER_CHALLENGE_SCHEME + challenge[5:]
    return response
