"""A statements/read/mine credential cannot learn about others' statements through a StatementRef of its
own (issue 10 item 8), on both dialects."""
from __future__ import annotations

import json
import uuid

from tests.conftest import XapiClient
from tests.factories import agent, issue_credential, new_id, statement, statement_ref


def test_a_mine_reader_cannot_probe_another_credentials_statement_through_a_ref(app):
    # xAPI-Communication 4.2 (statements/read/mine: only the statements this credential stored) over
    # 2.1.3.s3 (a StatementRef matches its target's filters): the target's filters must not answer for
    # a target the reader may not see, or the answer confirms its existence, agent and verb.
    services = app.extensions["lrs"]
    prober = issue_credential(services, "prober", store_name=f"owner-store-{uuid.uuid4()}",
                              scopes="statements/write statements/read/mine")
    owner = issue_credential(services, "owner", store_name=_store_name(services, prober.store_id))
    owner_client = XapiClient(app.test_client(), owner.key, owner.secret)
    prober_client = XapiClient(app.test_client(), prober.key, prober.secret)
    secret_verb, secret_agent = f"http://example.com/verbs/{uuid.uuid4()}", agent(f"hidden{uuid.uuid4().hex[:6]}")
    target = new_id()
    assert owner_client.post_statements(statement(actor=secret_agent, verb=secret_verb,
                                                  statement_id=target)).status_code == 200
    [probe] = prober_client.post_statements(statement_ref(target)).get_json()

    assert prober_client.all_statement_ids() == [probe]  # its own statement, as mine allows
    assert prober_client.all_statement_ids(verb=secret_verb) == []
    assert prober_client.all_statement_ids(agent=json.dumps(secret_agent)) == []
    assert prober_client.all_statement_ids(agent=json.dumps(secret_agent), related_agents="true") == []
    assert prober_client.all_statement_ids(verb=secret_verb, agent=json.dumps(agent("andrew"))) == []
    # A reader of every statement still sees the referrer match its target's filters (2.1.3.s3).
    assert set(owner_client.all_statement_ids(verb=secret_verb)) == {target, probe}

    # The prober's own target still gives its referrer its filters, through a chain too.
    own_verb = f"http://example.com/verbs/{uuid.uuid4()}"
    own_target = new_id()
    prober_client.post_statements(statement(verb=own_verb, statement_id=own_target))
    [own_ref] = prober_client.post_statements(statement_ref(own_target)).get_json()
    [own_chain] = prober_client.post_statements(statement_ref(own_ref)).get_json()
    assert set(prober_client.all_statement_ids(verb=own_verb)) == {own_target, own_ref, own_chain}
    # A chain of its own that passes through another's statement inherits nothing it may not see.
    [through] = prober_client.post_statements(statement_ref(probe)).get_json()
    assert prober_client.all_statement_ids(verb=secret_verb) == []
    assert through in prober_client.all_statement_ids(verb="http://example.com/verbs/confirmed")


def _store_name(services, store_id: int) -> str:
    return services.administration.store(store_id).name
