"""A SCORM session's end is one transaction with its report (docs/scorm-player-protocol.md, terminate and
navigate): nobody can see the session ended while what it reported is not saved yet. The SCO's Terminate
goes out as a keepalive request while its frame unloads, and the learner's navigate can reach the server at
the same moment; a navigate that found the session ended went on from records that did not hold the
Terminate's cmi.exit "suspend" yet, and a suspended attempt was later re-entered ab-initio (issue 11, the
Roses walk). SCORM 1.2 RTE 3.4.4 (cmi.core.exit "suspend") and 2004 RTE 4.2.8: the attempt is suspended.

PostgreSQL makes the window observable: a row lock on the item record holds the Terminate inside its save,
and a third connection reads the session meanwhile. (SQLite takes one write lock for the whole database,
so a reader there cannot stop a writer between two of its transactions.)"""
from __future__ import annotations

import json
import threading
import time

from sqlalchemy import create_engine, text

from lrs.app import create_app
from lrs.settings import Settings
from lrs.storage.migrate import upgrade
from tests.api.test_scorm_runtime import GOLF_12_SINGLE, Lms
from tests.conftest import SERVER_SECRET, XapiClient
from tests.factories import issue_credential


def _waiting_on_a_lock(engine) -> bool:
    with engine.connect() as connection:
        return bool(connection.execute(text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock'")).scalar())


def test_terminate_ends_the_session_in_the_transaction_that_saves_its_report(postgresql_database_url):
    upgrade(postgresql_database_url)
    app = create_app(Settings(database_url=postgresql_database_url, secret_key=SERVER_SECRET))
    engine = create_engine(postgresql_database_url)
    try:
        issued = issue_credential(app.extensions["lrs"], "atomic-end")
        lms = Lms(XapiClient(app.test_client(), issued.key, issued.secret))
        course = lms.import_course(GOLF_12_SINGLE)
        registration = lms.register(course)
        launch = lms.launch(registration)
        started = lms.start(launch)
        committed = lms.commit(launch, started, {"cmi.core.exit": "suspend", "cmi.core.lesson_location": "page-3"})
        assert committed.status_code == 200, committed.data[:300]

        answers = []
        with engine.connect() as holder:
            holder.begin()
            holder.execute(text("SELECT 1 FROM delivery_item_records WHERE registration_id = :r FOR UPDATE"),
                           {"r": registration})
            terminating = threading.Thread(target=lambda: answers.append(
                app.test_client().post(f"/player/api/sessions/{launch['session']}/terminate",
                                       json={"sessionToken": started["sessionToken"], "cmi": {}})))
            terminating.start()
            deadline = time.monotonic() + 20
            while not _waiting_on_a_lock(engine):
                assert time.monotonic() < deadline and terminating.is_alive(), "Terminate never reached its save"
                time.sleep(0.05)
            with engine.connect() as observer:
                state = observer.execute(text("SELECT state FROM delivery_sessions WHERE id = :s"),
                                         {"s": launch["session"]}).scalar()
            assert state == "open"  # ended only with the report, not before it
            holder.rollback()
        terminating.join(30)
        assert answers and answers[0].status_code == 200, answers and answers[0].data[:300]

        with engine.connect() as connection:
            ended = connection.execute(text("SELECT state FROM delivery_sessions WHERE id = :s"),
                                       {"s": launch["session"]}).scalar()
            data = json.loads(connection.execute(text(
                "SELECT data FROM delivery_item_records WHERE registration_id = :r"), {"r": registration}).scalar())
        assert ended == "ended" and data["attempt"]["suspended"] is True
        resumed = lms.start(lms.launch(registration))
        assert resumed["cmi"]["cmi.core.entry"] == "resume"
        assert resumed["cmi"]["cmi.core.lesson_location"] == "page-3"
    finally:
        engine.dispose()
        app.extensions["lrs"].close()
