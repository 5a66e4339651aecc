"""Chromium never replays remembered credentials to /admin (issue 10, security item 2).

A browser answers a Basic challenge with credentials it holds for the origin (what a user once typed in
the prompt, here Playwright's http_credentials) without asking; /admin sends no Basic challenge, so a page
on this origin that fetches /admin gets 401, not an admin's session."""
from __future__ import annotations

import uuid

import pytest

pytestmark = pytest.mark.e2e


def test_chromium_does_not_answer_the_admin_challenge_with_remembered_credentials(app, live_server, browser):
    username, password = f"admin-{uuid.uuid4().hex[:8]}", "correct horse battery staple"
    app.extensions["lrs"].administration.create_admin("test", username, password)
    context = browser.new_context(http_credentials={"username": username, "password": password})
    page = context.new_page()
    response = page.goto(f"{live_server}/admin/stores")
    assert response.status == 401
    assert response.request.headers.get("authorization") is None
    assert "Unauthorized" in page.content()
    context.close()
