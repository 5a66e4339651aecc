"""How statement values travel: UTF-8, numbers, generated ids, timestamp precision, parameter case."""
from __future__ import annotations

import json

import pytest

from tests.factories import statement


def _round_trip(xapi, sent: dict) -> dict:
    response = xapi.post_statements(sent)
    assert response.status_code == 200, response.get_json()
    return xapi.get_statements(statementId=response.get_json()[0]).get_json()


def test_non_ascii_text_is_read_and_returned_as_utf8(xapi):  # xAPI-Communication 1.4.s1.b1
    sent = statement(result={"response": "Zürich 東京 🚀"})
    body = json.dumps(sent, ensure_ascii=False).encode("utf-8")
    response = xapi.request("POST", "/xapi/statements", data=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 200
    raw = xapi.get_statements(statementId=response.get_json()[0]).data
    assert "Zürich 東京 🚀".encode("utf-8") in raw  # the characters themselves, not \u escapes
    assert json.loads(raw.decode("utf-8"))["result"]["response"] == "Zürich 東京 🚀"


@pytest.mark.parametrize("number", [0.1234567, -3.4028234e38, 1.17549435e-38, 16777217, 0.5])
def test_numbers_keep_at_least_single_precision(xapi, number):  # xAPI-Data 2.2.s4.b3
    returned = _round_trip(xapi, statement(result={"score": {"raw": number, "min": -3.5e38, "max": 3.5e38}}))
    assert returned["result"]["score"]["raw"] == pytest.approx(number, rel=2 ** -24)


def test_the_lrs_generates_an_id_for_a_statement_without_one(xapi):  # xAPI-Data 2.4.1.s2.b1
    returned = _round_trip(xapi, statement())
    assert len(returned["id"]) == 36 and returned["id"].count("-") == 4


def test_timestamps_keep_millisecond_precision(xapi):  # xAPI-Data 4.5.s1.b3
    returned = _round_trip(xapi, statement(timestamp="2024-02-29T10:11:12.345Z"))
    assert returned["timestamp"] == "2024-02-29T10:11:12.345Z"
    assert returned["stored"].endswith("Z") and len(returned["stored"].split(".")[1]) == 4  # SSSZ


@pytest.mark.parametrize("parameter", ["StatementId", "VERB", "Limit", "Format"])
def test_parameters_matching_in_all_but_case_are_rejected(xapi, parameter):  # xAPI-Communication 3.2.s3.b8
    response = xapi.get_statements(**{parameter: "1"})
    assert response.status_code == 400 and response.get_json()["path"] == parameter


def test_a_statement_using_a_property_twice_is_rejected(xapi):  # xAPI-Data 2.2.s2.b2
    raw = (b'{"actor": {"mbox": "mailto:a@example.com"}, "verb": {"id": "http://example.com/v1"},'
           b' "verb": {"id": "http://example.com/v2"}, "object": {"id": "http://example.com/a"}}')
    response = xapi.request("POST", "/xapi/statements", data=raw, headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and response.get_json()["path"] == "verb"
    assert xapi.get_statements().get_json()["statements"] == []
