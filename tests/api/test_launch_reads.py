"""What one launch and one registration cost in reads and writes of delivery's tables (issue 12, Order and
speed: a launch answers in <= 100 ms, a 1,000-AU course too): counted statements, not time, so a loaded
machine does not decide them. On SQLite and PostgreSQL."""
from __future__ import annotations

import re
from contextlib import contextmanager

import pytest
from sqlalchemy import event, text

from lrs.storage.engines import Engines
from tests.api.test_cmi5_courses import cmi5_app
from tests.unit.cmi5.support import au, block, course_xml
from tests.unit.delivery.support import CourseClient, tiny_scorm_zip, zip_bytes

KIM = {"name": "Kim", "account": {"homePage": "https://lms.example.com", "name": "kim"}}


@pytest.fixture(scope="module")
def app(database_url, tmp_path_factory):
    application = cmi5_app(database_url, tmp_path_factory.mktemp("launch-reads"))
    yield application
    application.extensions["lrs"].close()


@pytest.fixture(scope="module")
def client(app) -> CourseClient:
    return CourseClient(app)


class _RecordingConnection:
    """A driver connection (or cursor) whose statements are recorded (Engines.driver hands out the driver's
    own connection, which SQLAlchemy's events do not see)."""

    def __init__(self, connection, record):
        self._connection, self._record = connection, record

    def execute(self, statement, *arguments, **keywords):
        self._record(None, None, statement, None, None, None)
        return self._connection.execute(statement, *arguments, **keywords)

    def cursor(self, *arguments, **keywords):
        return _RecordingConnection(self._connection.cursor(*arguments, **keywords), self._record)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        return self._connection.__exit__(*exc_info)

    def __getattr__(self, name):
        return getattr(self._connection, name)


@contextmanager
def delivery_statements(app):
    """The SQL statements sent to delivery's tables meanwhile, as (verb, table) pairs: through SQLAlchemy
    and on the driver's own connections alike."""
    engines = app.extensions["lrs"].engines
    seen: list[tuple[str, str]] = []

    def record(_connection, _cursor, statement, _parameters, _context, _executemany):
        found = re.search(r"\b(delivery_[a-z_]+)", statement)
        if found and not statement.lstrip().upper().startswith(("PRAGMA", "EXPLAIN")):
            seen.append((statement.split(None, 1)[0].upper(), found.group(1)))

    original_driver = Engines.driver

    @contextmanager
    def recording_driver(self):
        with original_driver(self) as connection:
            yield _RecordingConnection(connection, record)

    for engine in {engines.read, engines.write}:
        event.listen(engine, "before_cursor_execute", record)
    Engines.driver = recording_driver
    try:
        yield seen
    finally:
        Engines.driver = original_driver
        for engine in {engines.read, engines.write}:
            event.remove(engine, "before_cursor_execute", record)


def _cmi5_course(client, count: int, move_on: str = "Completed") -> str:
    structure = course_xml(*(au(f"https://example.com/au/{n}", attributes=f'moveOn="{move_on}"') for n in range(count)))
    response = client.import_zip(zip_bytes({"cmi5.xml": structure}))
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def test_a_relaunch_reads_the_course_once(app, client):
    registration_id = client.registration(_cmi5_course(client, 3), KIM)
    assert client.launch(registration_id, index=0).status_code == 200
    with delivery_statements(app) as seen:
        # Ends (abandons) the open session first, then launches: one reading of what the registration is.
        assert client.launch(registration_id, index=1).status_code == 200
    selects = [table for verb, table in seen if verb == "SELECT"]
    # The route looks the registration up first (404 before the body is judged), then the state is read once.
    assert selects.count("delivery_courses") == 1 and selects.count("delivery_registrations") == 2, seen
    assert selects.count("delivery_item_records") == selects.count("delivery_registration_records") == 2, seen


def test_a_scorm_relaunch_reads_the_course_once(app, client):
    registration_id = client.registration(client.course(tiny_scorm_zip())["id"])
    assert client.launch(registration_id).status_code == 200
    with delivery_statements(app) as seen:
        assert client.launch(registration_id).status_code == 200
    assert [table for verb, table in seen if verb == "SELECT"].count("delivery_courses") == 1, seen


def test_registering_on_a_course_of_1000_not_applicable_aus_stores_no_item_record(app, client):
    # cmi5 9.6.1: they are satisfied at registration; progress says so without a record per AU.
    course_id = _cmi5_course(client, 1000, "NotApplicable")
    with delivery_statements(app) as seen:
        registration_id = client.registration(course_id, KIM)
    assert [table for verb, table in seen if verb == "INSERT"] == ["delivery_registrations",
                                                                   "delivery_registration_records"], seen
    progress = client.open("GET", f"/api/v1/registrations/{registration_id}").get_json()
    assert progress["satisfied"] is True and all(item["satisfied"] for item in progress["items"])
    assert {item["attempts"] for item in progress["items"]} == {0}
    with app.extensions["lrs"].engines.read.connect() as connection:
        assert connection.execute(text("select count(*) from delivery_item_records where registration_id = :id"),
                                  {"id": registration_id}).scalar() == 0
