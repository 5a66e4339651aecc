"""A target and its StatementRef or voiding statement posted at the same moment end as if serial (issue
10, "The race"; docs/adr/004-statement-ref-race.md), through a real gunicorn server on both dialects."""
from __future__ import annotations

import random
import threading
import uuid

import requests

from tests.factories import agent, issue_credential, new_id, statement, statement_ref, voiding

PAIRS = 60


def _post_pairs(base_url: str, auth: tuple[str, str], pairs: list[tuple[dict, dict]]) -> None:
    """Each pair's two statements from two connections at once, in random order."""
    headers = {"X-Experience-API-Version": "1.0.3"}
    sessions = [requests.Session(), requests.Session()]
    barrier = threading.Barrier(2)
    failures = []

    def post(side: int) -> None:
        for first, second in pairs:
            barrier.wait()
            body = (first, second)[side]
            response = sessions[side].post(f"{base_url}/xapi/statements", json=body, auth=auth, headers=headers)
            if response.status_code != 200:
                failures.append(response.text)

    shuffled = [(a, b) if random.random() < 0.5 else (b, a) for a, b in pairs]
    pairs[:] = shuffled
    threads = [threading.Thread(target=post, args=(side,)) for side in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []


def test_targets_and_referrers_written_together_end_as_if_serial(app, live_server):
    # xAPI-Communication 2.1.3.s3: a statement whose Object is a StatementRef matches its target's
    # filters, whichever of the two the LRS received first (xAPI-Data 2.4.4.3); each pair is checked.
    issued = issue_credential(app.extensions["lrs"], "race")
    verbs = [f"http://example.com/verbs/{uuid.uuid4()}" for _ in range(PAIRS)]
    targets = [new_id() for _ in range(PAIRS)]
    referrers = [new_id() for _ in range(PAIRS)]
    pairs = [(statement(actor=agent("kim"), verb=verb, statement_id=target),
              {**statement_ref(target), "id": referrer})
             for verb, target, referrer in zip(verbs, targets, referrers)]
    _post_pairs(live_server, (issued.key, issued.secret), pairs)

    session, auth = requests.Session(), (issued.key, issued.secret)
    missed = []
    for verb, target, referrer in zip(verbs, targets, referrers):
        found = session.get(f"{live_server}/xapi/statements", params={"verb": verb}, auth=auth,
                            headers={"X-Experience-API-Version": "1.0.3"}).json()["statements"]
        if {s["id"] for s in found} != {target, referrer}:
            missed.append(target)
    assert missed == [], f"{len(missed)} of {PAIRS} referrers lack their target's filters"


def test_targets_and_voiding_statements_written_together_end_as_if_serial(app, live_server):
    # xAPI-Data 2.3.2.s2.b3: a voiding statement voids its target whichever arrived first, so the target
    # is only found as voided (xAPI-Communication 2.1.4).
    issued = issue_credential(app.extensions["lrs"], "race")
    targets = [new_id() for _ in range(PAIRS)]
    pairs = [(statement(statement_id=target), voiding(target)) for target in targets]
    _post_pairs(live_server, (issued.key, issued.secret), pairs)

    session, auth = requests.Session(), (issued.key, issued.secret)
    headers = {"X-Experience-API-Version": "1.0.3"}
    still_visible = [target for target in targets if session.get(
        f"{live_server}/xapi/statements", params={"statementId": target}, auth=auth,
        headers=headers).status_code != 404]
    assert still_visible == [], f"{len(still_visible)} of {PAIRS} voided targets are still served"
    assert all(session.get(f"{live_server}/xapi/statements", params={"voidedStatementId": target}, auth=auth,
                           headers=headers).status_code == 200 for target in targets)
