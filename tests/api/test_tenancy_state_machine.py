"""A hypothesis state machine over stores, credentials, writes, erasures and revocations: no sequence
of operations lets a statement cross stores, survive an erasure, or a revoked key back in (issue 4)."""
from __future__ import annotations

import uuid

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from tests.conftest import XapiClient
from tests.factories import agent, statement

PEOPLE = ("kim", "lee", "max")


def test_no_operation_sequence_leaks_data_between_stores_or_past_an_erasure(app):
    administration = app.extensions["lrs"].administration

    class Tenancy(RuleBasedStateMachine):
        stores = Bundle("stores")
        clients = Bundle("clients")

        def __init__(self):
            super().__init__()
            self.expected: dict[int, dict[str, str]] = {}  # store id -> statement id -> actor name
            self.active: list[tuple[XapiClient, int]] = []
            self.revoked: list[XapiClient] = []

        @rule(target=stores)
        def create_store(self):
            store = administration.create_store("machine", f"machine-{uuid.uuid4()}")
            self.expected[store.id] = {}
            return store.id

        @rule(target=clients, store_id=stores)
        def create_credential(self, store_id):
            issued = administration.create_credential("machine", store_id, name="client")
            client = XapiClient(app.test_client(), issued.key, issued.secret)
            client.credential_id = issued.credential_id
            self.active.append((client, store_id))
            return (client, store_id)

        @rule(client=clients, people=st.lists(st.sampled_from(PEOPLE), min_size=1, max_size=3))
        def write(self, client, people):
            xapi, store_id = client
            response = xapi.post_statements([statement(actor=agent(person)) for person in people])
            if xapi in self.revoked:
                assert response.status_code == 401
                return
            assert response.status_code == 200, response.get_json()
            self.expected[store_id].update(zip(response.get_json(), people))

        @rule(store_id=stores, person=st.sampled_from(PEOPLE), dry_run=st.booleans())
        def erase(self, store_id, person, dry_run):
            counts = administration.erase_agent("machine", store_id, {"mbox": agent(person)["mbox"]},
                                                dry_run=dry_run)
            about = [sid for sid, actor in self.expected[store_id].items() if actor == person]
            assert counts.statements == len(about)
            if not dry_run:
                for statement_id in about:
                    del self.expected[store_id][statement_id]

        @rule(client=clients)
        def revoke(self, client):
            xapi, _ = client
            administration.revoke_credential("machine", xapi.credential_id)
            self.active = [(c, s) for c, s in self.active if c is not xapi]
            self.revoked.append(xapi)

        @invariant()
        def every_credential_sees_exactly_its_store(self):
            for xapi, store_id in self.active:
                body = xapi.get_statements(limit="0").get_json()
                seen = {s["id"]: s["actor"]["mbox"] for s in body["statements"]}
                assert seen == {sid: agent(person)["mbox"] for sid, person in self.expected[store_id].items()}

        @invariant()
        def revoked_credentials_are_refused(self):
            for xapi in self.revoked:
                assert xapi.get_statements().status_code == 401

    run_state_machine_as_test(Tenancy, settings=settings(
        max_examples=12, stateful_step_count=15, deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]))
