"""What a standard's endpoints call (delivery/runtime.py): one-time launch tokens, session tokens refused
once the session ended, records saved only if unchanged since read, statements and documents written
into the registration's store under an authority naming the runtime. On SQLite and PostgreSQL."""
from __future__ import annotations

import hashlib
import uuid
from dataclasses import replace

import orjson
import pytest
from sqlalchemy import text

from delivery.errors import SessionEnded, StaleRecord, Unauthorized
from delivery.runtime import DeliveryRuntime, token_digest
from delivery.standard import Registration, RegistrationRecord, Session
from delivery.storage.store import DeliveryStorage
from lrs.services.container import build_services
from lrs.settings import Settings
from lrs.xapi.documents import DocumentAddress, DocumentKind, DocumentScope
from tests.factories import issue_credential

KIM = {"mbox": "mailto:kim@example.com"}


@pytest.fixture(scope="module")
def services(database_url):
    built = build_services(Settings(database_url=database_url, secret_key="runtime tests " * 4))
    yield built
    built.close()


class _Clock:
    def __init__(self):
        self.now = 1_800_000_000_000

    def __call__(self) -> int:
        return self.now


@pytest.fixture
def clock():
    return _Clock()


@pytest.fixture
def runtime(services, clock):
    return DeliveryRuntime(DeliveryStorage(services.engines), services.statements, services.documents,
                           public_url="https://lrs.example.com/", content_url="https://content.example.com",
                           launch_token_seconds=60, clock=clock)


@pytest.fixture
def store_id(services) -> int:
    return issue_credential(services, "runtime tests").store_id


def _open_session(runtime: DeliveryRuntime, services, store_id: int, launch_token: str) -> Session:
    storage = DeliveryStorage(services.engines)
    registration = Registration(str(uuid.uuid4()), store_id, str(uuid.uuid4()), KIM, "mbox|mailto:kim@example.com", 1)
    storage.add_registration(registration)
    session = Session(id=str(uuid.uuid4()), store_id=store_id, registration_id=registration.id,
                      course_id=registration.course_id, launchable_id="i1", launch_mode="Normal", return_url=None,
                      state="open", launched_ms=runtime.now_ms())
    storage.add_session(session, launch_token_hash=token_digest(launch_token),
                        launch_token_expires_ms=runtime.launch_token_expiry_ms())
    return session


def test_a_launch_token_is_redeemed_once_for_a_session_token(runtime, services, store_id):
    session = _open_session(runtime, services, store_id, "launch-token-1")
    redeemed = runtime.redeem_launch_token("launch-token-1")
    assert redeemed.session.id == session.id and redeemed.session_token
    with pytest.raises(Unauthorized):
        runtime.redeem_launch_token("launch-token-1")
    assert runtime.authenticate(redeemed.session_token).id == session.id
    with pytest.raises(Unauthorized):
        runtime.authenticate("not a token")


def test_tokens_are_stored_only_as_digests(runtime, services, store_id):
    session = _open_session(runtime, services, store_id, "launch-token-2")
    redeemed = runtime.redeem_launch_token("launch-token-2")
    with services.engines.read.connect() as connection:
        row = connection.execute(text("select launch_token_hash, session_token_hash from delivery_sessions "
                                      "where id = :id"), {"id": session.id}).one()
    assert row.launch_token_hash is None
    assert row.session_token_hash == hashlib.sha256(redeemed.session_token.encode()).hexdigest()


def test_an_expired_launch_token_is_refused(runtime, services, store_id, clock):
    _open_session(runtime, services, store_id, "launch-token-3")
    clock.now += 61_000
    with pytest.raises(Unauthorized):
        runtime.redeem_launch_token("launch-token-3")


def test_a_session_token_is_refused_once_the_session_ended(runtime, services, store_id):
    # issue 11: "A commit to a finished session is refused."
    session = _open_session(runtime, services, store_id, "launch-token-4")
    redeemed = runtime.redeem_launch_token("launch-token-4")
    assert runtime.end_session(session) is True
    assert runtime.end_session(session) is False
    with pytest.raises(SessionEnded):
        runtime.authenticate(redeemed.session_token)
    assert runtime.session(store_id, session.id).state == "ended"
    assert runtime.find_session(session.id).state == "ended" and runtime.find_session(str(uuid.uuid4())) is None


def test_the_launch_token_of_an_ended_session_is_refused(runtime, services, store_id):
    session = _open_session(runtime, services, store_id, "launch-token-5")
    runtime.end_session(session, "abandoned")
    with pytest.raises(Unauthorized):
        runtime.redeem_launch_token("launch-token-5")


def test_records_are_saved_only_if_unchanged_since_read(runtime, store_id):
    registration_id = str(uuid.uuid4())
    fresh = runtime.item_record(store_id, registration_id, "i1")
    assert fresh.version == 0 and fresh.completion == "not attempted"
    (saved,), record = runtime.save_records([replace(fresh, completion="incomplete", data={"cmi": {"a": 1}})],
                                            RegistrationRecord(store_id, registration_id, {"seq": 1}))
    assert saved.version == 1 and record.version == 1
    with pytest.raises(StaleRecord):
        runtime.save_records([replace(fresh, completion="completed")])  # a second writer from version 0
    with pytest.raises(StaleRecord):
        # Both or neither: the item is current, the registration record is stale.
        runtime.save_records([replace(saved, completion="completed")],
                             RegistrationRecord(store_id, registration_id, {"seq": 2}, version=0))
    stored = runtime.item_record(store_id, registration_id, "i1")
    assert stored.completion == "incomplete" and stored.data == {"cmi": {"a": 1}} and stored.version == 1
    assert runtime.registration_record(store_id, registration_id).data == {"seq": 1}
    # Another store never sees them.
    assert runtime.item_record(store_id + 1, registration_id, "i1").version == 0


def test_records_saved_with_a_session_ending_are_saved_only_while_it_was_open(runtime, services, store_id):
    # A SCORM navigate ends its session and saves what the session reported in one transaction: both or neither.
    session = _open_session(runtime, services, store_id, "launch-token-6")
    fresh = runtime.item_record(store_id, session.registration_id, "i1")
    (saved,), _ = runtime.save_records([replace(fresh, completion="completed")], ending=session)
    assert runtime.session(store_id, session.id).state == "ended" and saved.version == 1
    with pytest.raises(SessionEnded):
        runtime.save_records([replace(saved, completion="incomplete")], ending=session)  # ended already
    assert runtime.item_record(store_id, session.registration_id, "i1").completion == "completed"
    other = _open_session(runtime, services, store_id, "launch-token-7")
    with pytest.raises(StaleRecord):
        runtime.save_records([replace(fresh, completion="failed")], ending=other)  # a stale record
    assert runtime.session(store_id, other.id).state == "open"


def test_statements_and_documents_go_into_the_store_under_the_runtime(runtime, services, store_id):
    registration = str(uuid.uuid4())
    statement = {"actor": KIM, "verb": {"id": "http://adlnet.gov/expapi/verbs/initialized"},
                 "object": {"id": "https://example.com/lesson"}, "context": {"registration": registration}}
    (statement_id,) = runtime.store_statements(store_id, [statement], runtime_name="scorm_runtime")
    principal = runtime.principal(store_id, "scorm_runtime")
    stored = services.statements.get_one(principal, services.statements.parse_request({"statementId": statement_id}))
    body = orjson.loads(stored.body)
    assert body["authority"]["account"]["name"] == "scorm_runtime" and body["context"]["registration"] == registration
    address = DocumentAddress(DocumentScope(DocumentKind.STATE, "https://example.com/lesson",
                                            "mbox|mailto:kim@example.com", registration), "attempt")
    assert runtime.get_document(store_id, address, runtime_name="scorm_runtime") is None
    runtime.put_document(store_id, address, b'{"n": 1}', "application/json", runtime_name="scorm_runtime")
    runtime.post_document(store_id, address, b'{"m": 2}', runtime_name="scorm_runtime")
    document = runtime.get_document(store_id, address, runtime_name="scorm_runtime")
    assert document is not None and b'"m"' in document.content and b'"n"' in document.content


def test_content_urls_are_absolute_and_encoded(runtime):
    assert runtime.public_url == "https://lrs.example.com"
    assert runtime.content_url("c1", "scos/page 1.html") == "https://content.example.com/c1/scos/page%201.html"


def test_a_session_token_finds_its_ended_session_when_asked(runtime, services, store_id):
    # A SCORM navigation request may follow Terminate (SCORM 2004 RTE 4.2.10 adl.nav.request): the page
    # still names its session by its token, which commits no longer accept.
    session = _open_session(runtime, services, store_id, "launch-token-6")
    redeemed = runtime.redeem_launch_token("launch-token-6")
    assert runtime.authenticate(redeemed.session_token, allow_ended=True).state == "open"
    runtime.end_session(session)
    with pytest.raises(SessionEnded):
        runtime.authenticate(redeemed.session_token)
    found = runtime.authenticate(redeemed.session_token, allow_ended=True)
    assert found.id == session.id and found.state == "ended"
    with pytest.raises(Unauthorized):
        runtime.authenticate("not a token", allow_ended=True)


def test_the_standards_reach_delivery_only_through_its_runtime():
    # docs/adr/005: what a standard needs from delivery is DeliveryRuntime; its storage stays its own.
    from pathlib import Path
    root = Path(__file__).resolve().parents[3]
    reach_ins = [f"{path.relative_to(root)}:{number}" for package in ("scorm_runtime", "cmi5")
                 for path in sorted((root / package).rglob("*.py"))
                 for number, line in enumerate(path.read_text().splitlines(), 1)
                 if "._storage" in line or ".storage." in line or "DeliveryStorage" in line]
    assert reach_ins == []


def test_the_content_server_url_is_this_server_on_the_content_origin(services):
    def server(public_url: str, content_url: str) -> str:
        return DeliveryRuntime(DeliveryStorage(services.engines), services.statements, services.documents,
                               public_url=public_url, content_url=content_url,
                               launch_token_seconds=60).content_server_url
    assert server("https://lrs.example.com/lrs/", "https://lrs.example.com/lrs/content") == \
        "https://lrs.example.com/lrs"
    assert server("https://lrs.example.com", "https://content.example.com/content/") == "https://content.example.com"
    assert server("https://lrs.example.com", "https://content.example.com/x/content") == "https://content.example.com/x"
    assert server("https://lrs.example.com", "https://content.example.com") == "https://content.example.com"
