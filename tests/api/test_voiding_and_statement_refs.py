"""Voiding (xAPI-Data 2.3.2, xAPI-Communication 2.1.4) and StatementRef filters (2.1.3.s3)."""
from __future__ import annotations

import json
import time
from datetime import datetime

from tests.conftest import rejected
from tests.factories import agent, new_id, statement, statement_ref, voiding


def _store(xapi, *statements) -> list[str]:
    response = xapi.post_statements(list(statements))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _ids(response) -> list[str]:
    assert response.status_code == 200, response.get_json()
    return [s["id"] for s in response.get_json()["statements"]]


def test_voided_statement_is_hidden_but_retrievable_by_voided_statement_id(xapi):  # xAPI-Communication 2.1.4.s1.b1
    [target] = _store(xapi, statement())
    [voider] = _store(xapi, voiding(target))
    assert xapi.get_statements(statementId=target).status_code == 404
    assert xapi.get_statements(voidedStatementId=target).get_json()["id"] == target
    assert target not in _ids(xapi.get_statements())
    assert voider in _ids(xapi.get_statements())


def test_voided_statement_id_of_a_statement_not_voided_is_404(xapi):  # xAPI-Communication 2.1.4
    [statement_id] = _store(xapi, statement())
    assert xapi.get_statements(voidedStatementId=statement_id).status_code == 404


def test_voiding_a_statement_not_yet_stored_is_accepted_and_applies_later(xapi):  # xAPI-Data 2.3.2.s2.b5
    target = new_id()
    _store(xapi, voiding(target))
    _store(xapi, statement(statement_id=target))
    assert xapi.get_statements(statementId=target).status_code == 404
    assert xapi.get_statements(voidedStatementId=target).status_code == 200


def test_voiding_and_voided_statement_in_one_batch(xapi):  # xAPI-Data 2.3.2.s2.b3
    target = new_id()
    _store(xapi, voiding(target), statement(statement_id=target))
    assert xapi.get_statements(statementId=target).status_code == 404


def test_a_voiding_statement_cannot_be_voided(xapi):  # xAPI-Data 2.3.2
    [target] = _store(xapi, statement())
    [voider] = _store(xapi, voiding(target))
    response = xapi.post_statements(voiding(voider))
    assert "cannot be voided" in rejected(response, "object.id")["message"]
    assert xapi.get_statements(statementId=voider).status_code == 200


def test_a_voiding_statement_stored_before_its_voider_is_not_voided(xapi):  # xAPI-Data 2.3.2.s2.b3
    first_voider = new_id()
    second_voider = new_id()
    _store(xapi, voiding(first_voider, actor=agent("x")) | {"id": second_voider})
    _store(xapi, voiding(new_id()) | {"id": first_voider})
    # first_voider is a voiding statement, so second_voider's reference to it voids nothing.
    assert xapi.get_statements(statementId=first_voider).status_code == 200


def test_statements_targeting_a_voided_statement_are_still_returned(xapi):  # xAPI-Communication 2.1.4.s1.b2
    [target] = _store(xapi, statement(actor=agent("ben")))
    [comment] = _store(xapi, statement_ref(target))
    _store(xapi, voiding(target))
    assert comment in _ids(xapi.get_statements(agent=json.dumps({"mbox": "mailto:ben@example.com"})))


def test_statement_ref_inherits_the_targets_filters(xapi):  # xAPI-Communication 2.1.3.s3
    [passed] = _store(xapi, statement(actor=agent("ben"), activity="http://example.com/explosives",
                                      verb="http://adlnet.gov/expapi/verbs/passed"))
    [confirmed] = _store(xapi, statement_ref(passed, actor=agent("andrew")))
    ben = json.dumps({"mbox": "mailto:ben@example.com"})
    assert _ids(xapi.get_statements(agent=ben)) == [confirmed, passed]
    assert _ids(xapi.get_statements(activity="http://example.com/explosives")) == [confirmed, passed]
    assert _ids(xapi.get_statements(verb="http://adlnet.gov/expapi/verbs/passed")) == [confirmed, passed]


def test_statement_ref_inheritance_is_recursive(xapi):  # xAPI-Communication 2.1.3.s3
    [c] = _store(xapi, statement(activity="http://example.com/c"))
    [b] = _store(xapi, statement_ref(c))
    [a] = _store(xapi, statement_ref(b))
    assert _ids(xapi.get_statements(activity="http://example.com/c")) == [a, b, c]


def test_statement_ref_to_a_statement_stored_later_matches_once_it_arrives(xapi):  # xAPI-Communication 2.1.3.s3
    target = new_id()
    [b] = _store(xapi, statement_ref(target))
    [a] = _store(xapi, statement_ref(b))
    assert _ids(xapi.get_statements(activity="http://example.com/late")) == []
    _store(xapi, statement(statement_id=target, activity="http://example.com/late"))
    assert _ids(xapi.get_statements(activity="http://example.com/late")) == [target, a, b]


def test_time_filters_apply_to_the_referring_statement(xapi):  # xAPI-Communication 2.1.3.s3
    [target] = _store(xapi, statement(activity="http://example.com/t"))
    target_stored = xapi.get_statements(statementId=target).get_json()["stored"]
    time.sleep(0.005)  # `stored` has millisecond precision: the referrer must land in a later millisecond
    [ref] = _store(xapi, statement_ref(target))
    ref_stored = xapi.get_statements(statementId=ref).get_json()["stored"]
    assert datetime.fromisoformat(ref_stored) > datetime.fromisoformat(target_stored)
    # since/until read the referrer's own `stored`, not its target's
    assert _ids(xapi.get_statements(activity="http://example.com/t", since=target_stored)) == [ref]
    assert _ids(xapi.get_statements(activity="http://example.com/t", until=target_stored)) == [target]


def test_context_statement_ref_does_not_affect_filters(xapi):  # xAPI-Communication 2.1.3.s3 note
    [target] = _store(xapi, statement(activity="http://example.com/ctx"))
    [other] = _store(xapi, statement(activity="http://example.com/other",
                                     context={"statement": {"objectType": "StatementRef", "id": target}}))
    assert other not in _ids(xapi.get_statements(activity="http://example.com/ctx"))


def test_a_statement_referring_to_itself_is_stored(xapi):  # robustness: no endless propagation
    statement_id = new_id()
    _store(xapi, statement_ref(statement_id) | {"id": statement_id})
    assert xapi.get_statements(statementId=statement_id).status_code == 200


def test_statement_ref_chain_inside_one_batch_in_any_order(xapi):  # xAPI-Communication 2.1.3.s3
    a, b, c = new_id(), new_id(), new_id()
    _store(xapi, statement_ref(b) | {"id": a}, statement_ref(c) | {"id": b},
           statement(statement_id=c, activity="http://example.com/chain"))
    assert sorted(_ids(xapi.get_statements(activity="http://example.com/chain"))) == sorted([a, b, c])
