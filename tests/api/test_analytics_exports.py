"""GET /api/v1/exports/statements and the re-import (issue 14), on SQLite and PostgreSQL.

Exports take GET /statements' filters (xAPI-Communication 2.1.3) and answer whole stored statements, so
each case compares with what GET /xapi/statements answers for the same filters.
"""
from __future__ import annotations

import csv
import io
import uuid

import orjson
import pytest

from lrs.services.imports import ImportRefused, ImportService
from tests.conftest import XapiClient, rejected
from tests.factories import agent, issue_credential, new_id, statement, statement_ref, voiding

EXPORT = "/api/v1/exports/statements"
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"


def _export(xapi: XapiClient, **parameters):
    return xapi.request("GET", EXPORT, query_string=parameters)


def _lines(response) -> list[str]:
    assert response.status_code == 200, response.data[:500]
    return response.get_data(as_text=True).splitlines()


def _seed(xapi: XapiClient) -> dict:
    """Three POSTs (three `stored` times): plain statements, a StatementRef and a voided statement."""
    ids = {"first": new_id(), "second": new_id(), "voided": new_id(), "ref": new_id(), "voiding": new_id()}
    scored = statement(statement_id=ids["first"], verb=COMPLETED, actor=agent("ada"),
                       result={"score": {"scaled": 0.9}, "success": True,
                               "extensions": {"https://example.com/ext/time.spent": 42}},
                       context={"registration": str(uuid.uuid4()),
                                "contextActivities": {"parent": [{"id": "https://example.com/course/1"}]}})
    assert xapi.post_statements([scored, statement(statement_id=ids["second"], actor=agent("bob"))]).status_code == 200
    assert xapi.post_statements([statement(statement_id=ids["voided"], actor={
        "account": {"homePage": "https://sso.example.com", "name": "carol"}})]).status_code == 200
    ref = statement_ref(ids["first"])
    ref["id"] = ids["ref"]
    void = voiding(ids["voided"])
    void["id"] = ids["voiding"]
    assert xapi.post_statements([ref, void]).status_code == 200
    return ids


def test_jsonl_lines_are_the_statements_as_get_statements_returns_them_oldest_first(xapi):
    # xAPI-Communication 2.1.3: the same statements a query returns (voided ones excluded), each line exact
    _seed(xapi)
    lines = _lines(_export(xapi))
    listed = xapi.get_statements(ascending="true").get_json()["statements"]
    assert [orjson.loads(line) for line in lines] == listed
    assert lines == [orjson.dumps(found).decode() for found in listed]


@pytest.mark.parametrize("filters", [
    {"verb": COMPLETED},
    {"agent": '{"mbox": "mailto:bob@example.com"}'},
    {"activity": "https://example.com/course/1", "related_activities": "true"},
    {"ascending": "false"},
])
def test_filters_select_what_get_statements_selects(xapi, filters):
    # xAPI-Communication 2.1.3: agent, verb, activity, related_activities and order as on /xapi/statements
    _seed(xapi)
    exported = [orjson.loads(line)["id"] for line in _lines(_export(xapi, **filters))]
    expected = xapi.all_statement_ids(**{"ascending": "true", **filters})
    assert exported == expected and exported


def test_since_and_until_bound_stored_as_on_get_statements(xapi):
    # xAPI-Communication 2.1.3: since is exclusive, until inclusive, both on stored
    _seed(xapi)
    everything = [orjson.loads(line) for line in _lines(_export(xapi, voided="include"))]
    middle = everything[2]["stored"]
    after = [orjson.loads(line)["id"] for line in _lines(_export(xapi, since=middle))]
    until = [orjson.loads(line)["id"] for line in _lines(_export(xapi, until=middle))]
    assert after == xapi.all_statement_ids(since=middle, ascending="true")
    assert until == xapi.all_statement_ids(until=middle, ascending="true")
    assert set(after).isdisjoint(until)


def test_voided_statements_are_exported_only_when_asked_for(xapi):
    # xAPI-Data 2.3.2.s2.b1: a query leaves voided statements out; voided=include keeps them for a backup
    ids = _seed(xapi)
    default = [orjson.loads(line)["id"] for line in _lines(_export(xapi))]
    included = [orjson.loads(line)["id"] for line in _lines(_export(xapi, voided="include"))]
    assert ids["voided"] not in default
    assert included == [ids["first"], ids["second"], ids["voided"], ids["ref"], ids["voiding"]]


def test_csv_has_the_chosen_columns_as_flattened_paths_with_id_first(xapi):
    ids = _seed(xapi)
    response = _export(xapi, output="csv", voided="include", columns=(
        'actor.mbox,actor.account.name,result.score.scaled,result.success,'
        'result.extensions["https://example.com/ext/time.spent"],context.contextActivities.parent[0].id,verb'))
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][0] == "id" and rows[0][3] == "result.score.scaled"
    by_id = {row[0]: row for row in rows[1:]}
    assert by_id[ids["first"]][1:7] == ["mailto:ada@example.com", "", "0.9", "true", "42",
                                        "https://example.com/course/1"]
    assert orjson.loads(by_id[ids["first"]][7])["id"] == COMPLETED  # an object is written as JSON
    assert by_id[ids["voided"]][2] == "carol"
    assert len(rows) == 6
    # columns alone ask for CSV
    assert _export(xapi, columns="id,verb.id").mimetype == "text/csv"


@pytest.mark.parametrize("parameters, path", [
    ({"statementId": str(uuid.uuid4())}, "statementId"),
    ({"format": "ids"}, "format"),
    ({"attachments": "true"}, "attachments"),
    ({"output": "xml"}, "output"),
    ({"output": "csv", "columns": "actor..name"}, "columns"),
    ({"output": "csv", "columns": 'result.extensions["unclosed'}, "columns"),
    ({"cursor": "not-a-uuid"}, "cursor"),
    ({"voided": "maybe"}, "voided"),
    ({"verb": "not an iri"}, "verb"),
    ({"shoe_size": "9"}, "shoe_size"),
])
def test_bad_parameters_are_a_400_naming_the_parameter(xapi, parameters, path):
    # xAPI-Communication 3.2.s3.b7 (unknown parameters), 2.1.3 (the filters' formats)
    rejected(_export(xapi, **parameters), path)


def test_exports_need_a_credential_that_reads_the_whole_store(app):
    # xAPI-Communication 4.2: statements/read/mine reads only its own statements, not a store's export
    services = app.extensions["lrs"]
    mine = issue_credential(services, "mine only", scopes="statements/read/mine statements/write")
    client = XapiClient(app.test_client(), mine.key, mine.secret)
    assert _export(client).status_code == 403
    anonymous = app.test_client().get(EXPORT)
    assert anonymous.status_code == 401


def test_a_cursor_resumes_after_the_statement_it_names(xapi):
    ids = _seed(xapi)
    rejected(_export(xapi, cursor=str(uuid.uuid4())), "cursor", status=404)
    resumed = [orjson.loads(line)["id"] for line in _lines(_export(xapi, voided="include", cursor=ids["second"]))]
    assert resumed == [ids["voided"], ids["ref"], ids["voiding"]]


def test_reimport_into_an_empty_store_reproduces_every_statement_byte_for_byte(app, xapi, store_credential):
    # ids, stored, order and voiding (xAPI-Data 2.3.2) survive an export and a re-import
    ids = _seed(xapi)
    exported = _lines(_export(xapi, voided="include"))
    target = issue_credential(app.extensions["lrs"], "import target")
    importer = ImportService.on(app.extensions["lrs"].engines, batch_size=2)
    counts = importer.import_lines(target.store_id, [line + "\n" for line in exported])
    assert (counts.stored, counts.already_stored) == (5, 0)
    copy = XapiClient(app.test_client(), target.key, target.secret)
    assert _lines(_export(copy, voided="include")) == exported
    assert copy.all_statement_ids() == xapi.all_statement_ids()
    assert copy.get_statements(statementId=ids["voided"]).status_code == 404
    voided = copy.get_statements(voidedStatementId=ids["voided"])
    assert voided.status_code == 200 and voided.get_data(as_text=True) == exported[2]
    # xAPI-Communication 2.1.3.s3: the StatementRef still matches its target's filters
    assert ids["ref"] in copy.all_statement_ids(verb=COMPLETED)
    again = importer.import_lines(target.store_id, exported)
    assert (again.stored, again.already_stored) == (0, 5)


def test_import_refuses_a_line_stored_with_other_content_and_keeps_what_came_before(app, xapi):
    _seed(xapi)
    exported = _lines(_export(xapi, voided="include"))
    target = issue_credential(app.extensions["lrs"], "import target")
    importer = ImportService.on(app.extensions["lrs"].engines, batch_size=1)
    importer.import_lines(target.store_id, exported[:2])
    changed = orjson.loads(exported[1])
    changed["verb"]["display"] = {"en-US": "changed"}
    with pytest.raises(ImportRefused) as refused:
        importer.import_lines(target.store_id, [exported[0], orjson.dumps(changed).decode()])
    assert refused.value.path == "line 2"


@pytest.mark.parametrize("line, message", [
    ("not json", "not JSON"),
    ("[1, 2]", "one statement object"),
    ('{"actor": {"mbox": "mailto:a@example.com"}}', "'id'"),
])
def test_import_refuses_lines_that_are_not_exported_statements(app, line, message):
    target = issue_credential(app.extensions["lrs"], "import target")
    with pytest.raises(ImportRefused) as refused:
        ImportService.on(app.extensions["lrs"].engines).import_lines(target.store_id, [line])
    assert refused.value.path == "line 1" and message in refused.value.message


def test_import_validates_statements(app, xapi):
    # xAPI-Data 2.4.3: a verb needs an IRI id
    _seed(xapi)
    broken = orjson.loads(_lines(_export(xapi))[0])
    broken["verb"]["id"] = "not an iri"
    target = issue_credential(app.extensions["lrs"], "import target")
    with pytest.raises(ImportRefused):
        ImportService.on(app.extensions["lrs"].engines).import_lines(target.store_id, [orjson.dumps(broken)])
