"""Admin ids outside what the database can hold are refused as not found or bad requests, never a 500
(issue 10, item 9: ids above 2^63), on both dialects."""
from __future__ import annotations

import pytest

from tests.api.test_admin import admin  # noqa: F401 - the fixture

BIGINT_MAX = 2**63 - 1
INTEGER_MAX = 2**31 - 1  # stores.id and credentials.id on PostgreSQL


@pytest.mark.parametrize("identifier", [INTEGER_MAX, INTEGER_MAX + 1, BIGINT_MAX, BIGINT_MAX + 1, 2**64, 10**40])
@pytest.mark.parametrize("method, path", [
    ("GET", "/admin/stores/{}"),
    ("PATCH", "/admin/stores/{}"),
    ("GET", "/admin/stores/{}/credentials"),
    ("POST", "/admin/stores/{}/credentials"),
    ("POST", "/admin/stores/{}/erasure"),
    ("POST", "/admin/credentials/{}/rotate"),
    ("POST", "/admin/credentials/{}/revoke"),
])
def test_an_id_no_row_can_have_is_not_found(admin, method, path, identifier):  # noqa: F811
    bodies = {"PATCH": {"name": "renamed"}, "POST": {"name": "tool"}}
    body = {"agent": {"mbox": "mailto:kim@example.com"}} if path.endswith("erasure") else bodies.get(method)
    response = admin.call(method, path.format(identifier), json=body)
    assert response.status_code == 404, response.get_data(as_text=True)
    assert response.get_json()["error"]


@pytest.mark.parametrize("path", ["/admin/stores/-1", "/admin/stores/0x10", "/admin/credentials/-5/rotate"])
def test_a_negative_or_non_decimal_id_is_not_found(admin, path):  # noqa: F811
    assert admin.call("GET" if "rotate" not in path else "POST", path).status_code == 404


@pytest.mark.parametrize("store_id", [str(INTEGER_MAX + 1), str(BIGINT_MAX + 1), str(10**40), "-1", "0"])
def test_an_audit_filter_by_an_impossible_store_id_is_a_bad_request(admin, store_id):  # noqa: F811
    response = admin.call("GET", "/admin/audit", query_string={"store_id": store_id})
    assert response.status_code == 400, response.get_data(as_text=True)
    assert "store_id" in response.get_data(as_text=True)  # the error names the parameter


def test_an_audit_filter_by_the_largest_id_is_an_empty_answer(admin):  # noqa: F811
    response = admin.call("GET", "/admin/audit", query_string={"store_id": str(INTEGER_MAX)})
    assert response.status_code == 200 and response.get_json() == []
