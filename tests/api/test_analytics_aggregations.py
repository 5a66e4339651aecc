"""/api/v1/aggregations agree with a plain Python computation over the same generated statements
(issue 14), on SQLite and PostgreSQL.

Statements are imported with chosen `stored` times (lrs.services.imports), so time buckets can be
tested around daylight-saving changes. The reference below reads the statements as xAPI defines the
filters (xAPI-Communication 2.1.3: a StatementRef statement also matches its target's filters, voided
statements are left out, since is exclusive and until inclusive) and counts each statement's own verb,
Object activity, actor and registration.
"""
from __future__ import annotations

import uuid
import zoneinfo
from collections import Counter, defaultdict
from datetime import datetime, timedelta, timezone

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lrs.services.imports import ImportService
from lrs.xapi.timestamps import format_ms
from tests.conftest import XapiClient, rejected
from tests.factories import issue_credential

VERBS = [f"http://adlnet.gov/expapi/verbs/{name}" for name in ("completed", "passed", "failed", "experienced")]
VOIDED = "http://adlnet.gov/expapi/verbs/voided"
ACTIVITIES = [f"https://example.com/course/{number}" for number in range(3)]
ACTORS = [{"mbox": "mailto:ada@example.com"}, {"mbox": "mailto:bob@example.com"},
          {"account": {"homePage": "https://sso.example.com", "name": "carol"}}]
REGISTRATIONS = [str(uuid.UUID(int=number + 1, version=4)) for number in range(2)]
ZONES = ["UTC", "Europe/Berlin", "Asia/Kolkata", "America/New_York", "Australia/Lord_Howe"]
# Around the 2026 daylight-saving changes of Europe and the USA (and Lord Howe's half hour in April).
BASES = [datetime(2026, 3, 7, tzinfo=timezone.utc), datetime(2026, 3, 28, tzinfo=timezone.utc),
         datetime(2026, 10, 24, tzinfo=timezone.utc), datetime(2026, 12, 30, tzinfo=timezone.utc)]

plain = st.fixed_dictionaries({
    "actor": st.integers(0, len(ACTORS) - 1), "verb": st.integers(0, len(VERBS) - 1),
    "activity": st.integers(0, len(ACTIVITIES) - 1), "registration": st.none() | st.integers(0, 1),
    "minutes": st.integers(0, 6 * 24 * 60), "voided": st.booleans() | st.just(False)})
dataset = st.tuples(st.sampled_from(BASES), st.lists(plain, max_size=14))
filters = st.sampled_from([{}, {"verb": VERBS[0]}, {"activity": ACTIVITIES[1]}, {"agent": ACTORS[0]},
                           {"registration": REGISTRATIONS[0]}, {"window": True}])


def _build(base: datetime, specs: list[dict]) -> list[dict]:
    """Statements (with stored) in stored order; a voided one gets its voiding statement a minute later."""
    made = []
    for position, spec in enumerate(specs):
        stored_ms = int((base + timedelta(minutes=spec["minutes"])).timestamp() * 1000) + position
        statement = {"id": str(uuid.UUID(int=len(made) + 1000 * position + 7, version=4)),
                     "actor": ACTORS[spec["actor"]], "verb": {"id": VERBS[spec["verb"]]},
                     "object": {"objectType": "Activity", "id": ACTIVITIES[spec["activity"]]},
                     "timestamp": format_ms(stored_ms), "stored": format_ms(stored_ms),
                     "authority": {"objectType": "Agent", "mbox": "mailto:lrs@example.com"}, "version": "1.0.0"}
        if spec["registration"] is not None:
            statement["context"] = {"registration": REGISTRATIONS[spec["registration"]]}
        made.append(statement)
        if spec["voided"]:
            voiding_ms = stored_ms + 60_000
            made.append({"id": str(uuid.UUID(int=1000 * position + 999_999, version=4)),
                         "actor": {"mbox": "mailto:admin@example.com"}, "verb": {"id": VOIDED},
                         "object": {"objectType": "StatementRef", "id": statement["id"]},
                         "timestamp": format_ms(voiding_ms), "stored": format_ms(voiding_ms),
                         "authority": {"objectType": "Agent", "mbox": "mailto:lrs@example.com"}, "version": "1.0.0"})
    return sorted(made, key=lambda statement: statement["stored"])


def _ms(statement: dict) -> int:
    return int(datetime.fromisoformat(statement["stored"].replace("Z", "+00:00")).timestamp() * 1000)


def _actor_key(agent: dict) -> str:
    return orjson.dumps(agent, option=orjson.OPT_SORT_KEYS).decode()


def _own(statement: dict) -> dict:
    obj = statement["object"]
    return {"verb": statement["verb"]["id"], "actor": _actor_key(statement["actor"]),
            "activity": obj["id"] if obj.get("objectType") == "Activity" else None,
            "registration": (statement.get("context") or {}).get("registration")}


def _selected(statements: list[dict], chosen: dict, window: tuple[int, int]) -> list[dict]:
    by_id = {statement["id"]: statement for statement in statements}
    voided = {statement["object"]["id"] for statement in statements if statement["verb"]["id"] == VOIDED}

    def matches(statement: dict, name: str, value) -> bool:
        own = _own(statement)
        if name == "agent":
            hit = own["actor"] == _actor_key(value)
        else:
            hit = own[name] == value
        target = by_id.get(statement["object"]["id"]) if statement["object"].get("objectType") == "StatementRef" else None
        return hit or (target is not None and matches(target, name, value))

    result = []
    for statement in statements:
        if statement["id"] in voided:
            continue
        if "window" in chosen and not (window[0] < _ms(statement) <= window[1]):
            continue
        if all(matches(statement, name, value) for name, value in chosen.items() if name != "window"):
            result.append(statement)
    return result


def _parameters(chosen: dict, window: tuple[int, int]) -> dict:
    parameters = {}
    for name, value in chosen.items():
        if name == "window":
            parameters["since"], parameters["until"] = format_ms(window[0]), format_ms(window[1])
        else:
            parameters[name] = orjson.dumps(value).decode() if name == "agent" else value
    return parameters


def _bucket_key(moment: datetime, bucket: str, zone) -> tuple:
    local = moment.astimezone(zone)
    if bucket == "hour":
        return (local.date(), local.hour, local.utcoffset())
    if bucket == "day":
        return (local.date(),)
    if bucket == "week":
        return (local.date() - timedelta(days=local.weekday()),)
    return (local.year, local.month)


def _store(app, statements: list[dict]) -> XapiClient:
    credential = issue_credential(app.extensions["lrs"], "aggregations")
    ImportService.on(app.extensions["lrs"].engines).import_lines(
        credential.store_id, [orjson.dumps(statement) for statement in statements])
    return XapiClient(app.test_client(), credential.key, credential.secret)


def _get(client: XapiClient, path: str, **parameters) -> dict:
    response = client.request("GET", "/api/v1/aggregations/" + path, query_string=parameters)
    assert response.status_code == 200, response.data[:500]
    return response.get_json()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(data=dataset, chosen=filters, zone_name=st.sampled_from(ZONES),
       bucket=st.sampled_from(["hour", "day", "week", "month"]),
       group=st.sampled_from(["verb", "activity", "actor", "registration"]), window_ends=st.tuples(
           st.integers(0, 6 * 24 * 60), st.integers(0, 6 * 24 * 60)))
def test_aggregations_agree_with_a_plain_computation(app, data, chosen, zone_name, bucket, group, window_ends):
    base, specs = data
    statements = _build(base, specs)
    start = int(base.timestamp() * 1000)
    window = (start + min(window_ends) * 60_000, start + max(window_ends) * 60_000)
    client = _store(app, statements)
    parameters = _parameters(chosen, window)
    selected = _selected(statements, chosen, window)
    zone = zoneinfo.ZoneInfo(zone_name)

    # counts by a term
    answer = _get(client, "counts", group_by=group, **parameters)
    expected = Counter(_own(statement)[group] for statement in selected if _own(statement)[group] is not None)
    got = Counter({(_actor_key(item[group]) if group == "actor" else item[group]): item["count"]
                   for item in answer["groups"]})
    assert got == expected

    # counts by time bucket and term, statements and learners
    answer = _get(client, "counts", group_by=f"{bucket},verb", tz=zone_name, **parameters)
    expected = Counter((_bucket_key(datetime.fromtimestamp(_ms(s) / 1000, timezone.utc), bucket, zone), _own(s)["verb"])
                       for s in selected)
    got = Counter({(_bucket_key(datetime.fromisoformat(item[bucket]), bucket, zone), item["verb"]): item["count"]
                   for item in answer["groups"]})
    assert got == expected
    answer = _get(client, "counts", group_by=bucket, measure="learners", tz=zone_name, **parameters)
    learners = defaultdict(set)
    for s in selected:
        learners[_bucket_key(datetime.fromtimestamp(_ms(s) / 1000, timezone.utc), bucket, zone)].add(_own(s)["actor"])
    assert {_bucket_key(datetime.fromisoformat(item[bucket]), bucket, zone): item["count"]
            for item in answer["groups"]} == {key: len(value) for key, value in learners.items()}

    # the time series: every bucket once, in order, zero-filled, and the same totals
    series = _get(client, "timeseries", bucket=bucket, tz=zone_name, **parameters)["series"]
    starts = [datetime.fromisoformat(point["start"]) for point in series]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    totals = Counter(_bucket_key(datetime.fromtimestamp(_ms(s) / 1000, timezone.utc), bucket, zone) for s in selected)
    assert {_bucket_key(start, bucket, zone): point["count"] for start, point in zip(starts, series)
            if point["count"]} == dict(totals)

    # distinct learners
    assert _get(client, "learners", **parameters) == {
        "statements": len(selected), "learners": len({_own(s)["actor"] for s in selected})}

    # completion and pass rates per activity
    per_activity = defaultdict(lambda: defaultdict(set))
    for s in selected:
        own = _own(s)
        if own["activity"] is None:
            continue
        per_activity[own["activity"]]["learners"].add(own["actor"])
        for kind in ("completed", "passed", "failed"):
            if own["verb"].endswith("/" + kind):
                per_activity[own["activity"]][kind].add(own["actor"])
    expected = {activity: {"learners": len(sets["learners"]), "completed": len(sets["completed"]),
                           "passed": len(sets["passed"]), "failed": len(sets["failed"]),
                           "completion_rate": round(len(sets["completed"]) / len(sets["learners"]), 6),
                           "pass_rate": round(len(sets["passed"]) / len(sets["passed"] | sets["failed"]), 6)
                           if sets["passed"] | sets["failed"] else None}
                for activity, sets in per_activity.items()}
    got = {item.pop("activity"): item for item in _get(client, "completion", **parameters)["activities"]}
    assert got == expected


def test_a_statement_ref_counts_its_own_verb_not_its_targets(app):
    # xAPI-Communication 2.1.3.s3: the referrer matches the target's filters, but counts as itself
    target = {"id": str(uuid.uuid4()), "actor": ACTORS[0], "verb": {"id": VERBS[0]},
              "object": {"objectType": "Activity", "id": ACTIVITIES[0]}, "stored": "2026-05-01T10:00:00.000Z",
              "timestamp": "2026-05-01T10:00:00.000Z"}
    referrer = {"id": str(uuid.uuid4()), "actor": ACTORS[1], "verb": {"id": VERBS[3]},
                "object": {"objectType": "StatementRef", "id": target["id"]}, "stored": "2026-05-01T11:00:00.000Z",
                "timestamp": "2026-05-01T11:00:00.000Z"}
    client = _store(app, [target, referrer])
    groups = _get(client, "counts", group_by="verb", verb=VERBS[0])["groups"]
    assert sorted((group["verb"], group["count"]) for group in groups) == [(VERBS[0], 1), (VERBS[3], 1)]


def test_hour_buckets_keep_the_repeated_hour_of_a_clock_change_apart(app):
    # 2026-10-25: Berlin's 02:00-03:00 happens twice (CEST, then CET)
    first = {"id": str(uuid.uuid4()), "actor": ACTORS[0], "verb": {"id": VERBS[3]},
             "object": {"id": ACTIVITIES[0]}, "stored": "2026-10-25T00:30:00.000Z", "timestamp": "2026-10-25T00:30:00Z"}
    second = {**first, "id": str(uuid.uuid4()), "stored": "2026-10-25T01:30:00.000Z"}
    client = _store(app, [first, second])
    groups = _get(client, "counts", group_by="hour", tz="Europe/Berlin")["groups"]
    assert groups == [{"hour": "2026-10-25T02:00:00+02:00", "count": 1},
                      {"hour": "2026-10-25T02:00:00+01:00", "count": 1}]
    weeks = _get(client, "timeseries", bucket="week", tz="Europe/Berlin")["series"]
    assert weeks == [{"start": "2026-10-19T00:00:00+02:00", "count": 2}]


def test_bad_aggregation_parameters_are_a_400_naming_the_parameter(app):
    client = _store(app, [])
    for path, parameters, name in [
            ("counts", {}, "group_by"), ("counts", {"group_by": "colour"}, "group_by"),
            ("counts", {"group_by": "verb,actor"}, "group_by"), ("counts", {"group_by": "day", "tz": "Mars/Olympus"}, "tz"),
            ("counts", {"group_by": "verb", "measure": "minutes"}, "measure"),
            ("counts", {"group_by": "verb", "limit": "5"}, "limit"),
            ("counts", {"group_by": "verb", "verb": "not an iri"}, "verb"),
            ("timeseries", {"bucket": "fortnight"}, "bucket"), ("timeseries", {}, "bucket"),
            ("learners", {"statementId": str(uuid.uuid4())}, "statementId")]:
        rejected(client.request("GET", "/api/v1/aggregations/" + path, query_string=parameters), name)


def test_a_time_series_longer_than_its_bound_keeps_to_the_matching_statements_or_is_refused(app):
    # At most 10,000 buckets: since..until beyond it falls back to the statements' own range.
    first = {"id": str(uuid.uuid4()), "actor": ACTORS[0], "verb": {"id": VERBS[3]}, "object": {"id": ACTIVITIES[0]},
             "stored": "2024-01-01T10:00:00.000Z", "timestamp": "2024-01-01T10:00:00Z"}
    client = _store(app, [first])
    wide = {"since": "2000-01-01T00:00:00Z", "until": "2030-01-01T00:00:00Z"}
    assert _get(client, "timeseries", bucket="hour", **wide)["series"] == [
        {"start": "2024-01-01T10:00:00+00:00", "count": 1}]
    assert len(_get(client, "timeseries", bucket="day", since="2023-12-30T00:00:00Z",
                    until="2024-01-02T00:00:00Z")["series"]) == 4  # zero-filled around it; until is inclusive
    second = {**first, "id": str(uuid.uuid4()), "stored": "2026-01-01T10:00:00.000Z"}
    client = _store(app, [first, second])
    rejected(client.request("GET", "/api/v1/aggregations/timeseries", query_string={"bucket": "hour"}), "bucket")
    assert len(_get(client, "timeseries", bucket="month")["series"]) == 25


def test_aggregations_need_a_credential_that_reads_the_whole_store(app):
    # xAPI-Communication 4.2: statements/read/mine is not the whole store
    credential = issue_credential(app.extensions["lrs"], "writer", scopes="statements/write statements/read/mine")
    client = XapiClient(app.test_client(), credential.key, credential.secret)
    assert client.request("GET", "/api/v1/aggregations/learners").status_code == 403
    assert app.test_client().get("/api/v1/aggregations/learners").status_code == 401
