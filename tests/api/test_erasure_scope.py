"""GDPR erasure's exact scope (docs/security.md, issue 10 items 4, 5 and 6), on both dialects: whose
statements go, which payloads, which mailbox spellings; and what a referrer keeps."""
from __future__ import annotations

import hashlib
import json
import uuid

import orjson
import pytest

from lrs.xapi.attachments import AttachmentPart, build_multipart
from tests.conftest import XapiClient
from tests.factories import agent, issue_credential, new_id, statement, statement_ref

KIM, BOB, LEE = agent("kim"), agent("bob"), agent("lee")


@pytest.fixture
def services(app):
    return app.extensions["lrs"]


@pytest.fixture
def client(app, services):
    issued = issue_credential(services, "erasure scope")
    client = XapiClient(app.test_client(), issued.key, issued.secret)
    client.store_id = issued.store_id
    return client


def erase(services, client, agent_json: dict):
    return services.administration.erase_agent("test:pytest", client.store_id, agent_json, dry_run=False)


def post(client, *statements):
    response = client.post_statements(list(statements))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def post_with_payload(client, given: dict, payload: bytes, *, declared_sha2: str | None = None):
    sha2 = hashlib.sha256(payload).hexdigest()
    body, content_type = build_multipart(orjson.dumps([given]), [AttachmentPart(sha2, "text/plain", payload)])
    response = client.request("POST", "/xapi/statements", data=body, headers={"Content-Type": content_type})
    assert response.status_code == 200, response.get_data(as_text=True)


def attachment(payload: bytes, *, upper: bool = False, file_url: str | None = None) -> dict:
    sha2 = hashlib.sha256(payload).hexdigest()
    declared = {"usageType": "http://example.com/usage/notes", "display": {"en-US": "notes"},
                "contentType": "text/plain", "length": len(payload), "sha2": sha2.upper() if upper else sha2}
    if file_url:
        declared["fileUrl"] = file_url
    return declared


def ids(client, **parameters) -> set[str]:
    return set(client.all_statement_ids(**parameters))


# --- item 4: whose statements ---------------------------------------------------------------

def test_erasing_an_agent_keeps_others_statements_that_refer_to_theirs(services, client):
    # xAPI-Data 2.4.4.3 StatementRef; xAPI-Communication 2.1.3.s3: Bob's statement refers to Kim's and so
    # matches Kim's filters, but it is Bob's: erasure (docs/security.md) deletes Kim's statements only.
    verb = f"http://example.com/verbs/{uuid.uuid4()}"
    kims = new_id()
    post(client, statement(actor=KIM, verb=verb, statement_id=kims))
    [bobs] = post(client, statement_ref(kims, actor=BOB))
    [lees] = post(client, statement_ref(bobs, actor=LEE))  # a chain: Lee -> Bob -> Kim
    assert ids(client, verb=verb) == {kims, bobs, lees}
    assert ids(client, agent=json.dumps(KIM)) == {kims, bobs, lees}

    counts = erase(services, client, {"mbox": KIM["mbox"]})

    assert counts.statements == 1
    assert ids(client) == {bobs, lees}
    # The referrers no longer match filters by the erased statement, down the chain.
    assert ids(client, verb=verb) == set()
    assert ids(client, agent=json.dumps(KIM)) == set()
    assert ids(client, agent=json.dumps(KIM), related_agents="true") == set()
    # ...and still match their own and what they inherit from what remains.
    assert ids(client, agent=json.dumps(BOB)) == {bobs, lees}
    assert ids(client, agent=json.dumps(LEE)) == {lees}


def test_erasure_takes_the_agent_in_any_role_substatements_included(services, client):
    # xAPI-Data 2.4.4.3 (SubStatement), 2.4.6 (context instructor/team), docs/security.md: every
    # statement whose own body names the agent.
    as_instructor = statement(actor=LEE, context={"instructor": KIM})
    in_group = statement(actor={"objectType": "Group", "member": [KIM, BOB]})
    as_object = statement(actor=LEE, object={**KIM})
    sub = statement(actor=LEE, object={"objectType": "SubStatement", "actor": KIM,
                                       "verb": {"id": "http://example.com/verbs/said"},
                                       "object": {"id": "http://example.com/activities/x"}})
    kept = statement(actor=LEE)
    stored = post(client, as_instructor, in_group, as_object, sub, kept)
    assert erase(services, client, {"mbox": KIM["mbox"]}).statements == 4
    assert ids(client) == {stored[-1]}


# --- item 5: which payloads and which spellings ----------------------------------------------

def test_payloads_of_an_erased_substatement_are_deleted(services, client, app):
    # xAPI-Data 2.4.4.3: a SubStatement may carry attachments; xAPI-Communication 1.5.2: a payload is
    # found by its sha2. After erasure nobody can read Kim's SubStatement payload back by its hash.
    payload = f"kim's private notes {uuid.uuid4()}".encode()
    sub = {"objectType": "SubStatement", "actor": KIM, "verb": {"id": "http://example.com/verbs/wrote"},
           "object": {"id": "http://example.com/activities/diary"}, "attachments": [attachment(payload)]}
    post_with_payload(client, statement(actor=LEE, object=sub), payload)
    assert payload in client.get_statements(attachments="true").data

    assert erase(services, client, {"mbox": KIM["mbox"]}).attachments == 1

    post(client, statement(actor=LEE, attachments=[attachment(payload, file_url="http://example.com/f")]))
    assert payload not in client.get_statements(attachments="true").data


def test_every_spelling_of_the_mailbox_domain_is_erased(services, client):
    # xAPI-Data 2.3.1.b7 via lrs/xapi/comparison.py: the domain of an mbox is case-insensitive, so
    # kim@EXAMPLE.COM is Kim; so are the mbox_sha1sum of that spelling and of the lower-case one
    # (xAPI-Data 2.4.2.3). The local part is case-sensitive: KIM@example.com is someone else.
    upper = "mailto:kim@EXAMPLE.COM"
    mixed = "mailto:kim@Example.Com"
    other = "mailto:KIM@example.com"
    stored = post(client,
                  statement(actor={"mbox": upper}),
                  statement(actor={"mbox": mixed}),
                  statement(actor={"mbox_sha1sum": hashlib.sha1(upper.encode()).hexdigest()}),
                  statement(actor={"mbox_sha1sum": hashlib.sha1(b"mailto:kim@example.com").hexdigest()}),
                  statement(actor={"mbox": other}))
    state = {"activityId": "http://example.com/a", "stateId": "s", "agent": json.dumps({"mbox": upper})}
    assert client.request("PUT", "/xapi/activities/state", query_string=state, json={"k": 1}).status_code == 204

    counts = erase(services, client, {"mbox": "mailto:kim@example.com"})

    assert (counts.statements, counts.documents) == (4, 1)
    assert ids(client) == {stored[-1]}
    assert client.request("GET", "/xapi/activities/state", query_string=state).status_code == 404


# --- item 6: payloads others still use ------------------------------------------------------

def test_a_payload_another_statement_declares_in_upper_case_is_kept(services, client):
    # xAPI-Data 2.4.11: sha2 is a hex digest, which a writer may send in upper case; the payload is
    # still Lee's (xAPI-Communication 1.5.2), so erasing Kim must not delete it.
    payload = f"shared {uuid.uuid4()}".encode()
    post_with_payload(client, statement(actor=KIM, attachments=[attachment(payload)]), payload)
    post_with_payload(client, statement(actor=LEE, attachments=[attachment(payload, upper=True)]), payload)

    counts = erase(services, client, {"mbox": KIM["mbox"]})

    assert (counts.statements, counts.attachments) == (1, 0)
    assert payload in client.get_statements(attachments="true").data


def test_declaring_an_erased_persons_hash_by_file_url_does_not_keep_their_payload(services, client):
    # xAPI-Communication 1.5.2 serves a payload to any statement that declares its sha2; docs/security.md:
    # only a statement whose request carried the bytes keeps a payload alive past an erasure.
    payload = f"kim only {uuid.uuid4()}".encode()
    post_with_payload(client, statement(actor=KIM, attachments=[attachment(payload)]), payload)
    post(client, statement(actor=LEE, attachments=[attachment(payload, file_url="http://example.com/f")]))
    assert payload in client.get_statements(attachments="true", agent=json.dumps(LEE)).data

    assert erase(services, client, {"mbox": KIM["mbox"]}).attachments == 1
    assert payload not in client.get_statements(attachments="true").data
