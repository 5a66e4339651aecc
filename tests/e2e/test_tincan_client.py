"""A real xAPI client library (edx-tincan-py35, import name `tincan`) against the running server."""
from __future__ import annotations

import uuid

import pytest
from tincan import (Activity, ActivityDefinition, Agent, Context, LanguageMap, RemoteLRS, Result, Score,
                    Statement, Verb)

from tests.factories import issue_credential

pytestmark = pytest.mark.e2e


@pytest.fixture
def remote_lrs(app, live_server):
    issued = issue_credential(app.extensions["lrs"], "tincan")
    return RemoteLRS(endpoint=f"{live_server}/xapi/", username=issued.key, password=issued.secret,
                     version="1.0.1")


def _statement(registration: uuid.UUID, verb: str = "http://adlnet.gov/expapi/verbs/completed") -> Statement:
    return Statement(
        actor=Agent(name="Ada", mbox="mailto:ada@example.com"),
        verb=Verb(id=verb, display=LanguageMap({"en-US": verb.rsplit("/", 1)[-1]})),
        object=Activity(id="http://example.com/courses/tincan",
                        definition=ActivityDefinition(name=LanguageMap({"en-US": "Tin Can course"}))),
        result=Result(score=Score(scaled=0.9), success=True, completion=True),
        context=Context(registration=registration),
    )


def test_tincan_client_stores_and_retrieves_a_statement(remote_lrs):  # xAPI-Communication 2.1.1, 2.1.3
    statement = _statement(uuid.uuid4())
    saved = remote_lrs.save_statement(statement)
    assert saved.success, saved.data
    fetched = remote_lrs.retrieve_statement(saved.content.id)
    assert fetched.success, fetched.data
    assert fetched.content.actor.mbox == "mailto:ada@example.com"
    assert fetched.content.result.score.scaled == 0.9
    assert fetched.content.authority is not None


def test_tincan_client_queries_by_registration_and_follows_more(remote_lrs):  # xAPI-Communication 2.1.3
    registration = uuid.uuid4()
    saved = remote_lrs.save_statements([_statement(registration) for _ in range(5)])
    assert saved.success, saved.data
    stored_ids = {str(s.id) for s in saved.content}
    response = remote_lrs.query_statements({"registration": registration, "limit": 2})
    assert response.success, response.data
    seen = [str(s.id) for s in response.content.statements]
    while response.content.more:
        response = remote_lrs.more_statements(response.content)
        assert response.success, response.data
        seen.extend(str(s.id) for s in response.content.statements)
    assert len(seen) == 5 and set(seen) == stored_ids


def test_tincan_client_reads_the_voided_statement(remote_lrs):  # xAPI-Communication 2.1.4
    saved = remote_lrs.save_statement(_statement(uuid.uuid4()))
    void = Statement(actor=Agent(mbox="mailto:admin@example.com"),
                     verb=Verb(id="http://adlnet.gov/expapi/verbs/voided"),
                     object={"objectType": "StatementRef", "id": str(saved.content.id)})
    assert remote_lrs.save_statement(void).success
    assert not remote_lrs.retrieve_statement(saved.content.id).success
    assert remote_lrs.retrieve_voided_statement(saved.content.id).success
