"""cmi5 (issue 12 "Benchmark"): --learners concurrent AU sessions for --seconds, each thread running one
session after another on a new registration: launch through the course API, POST the fetch URL for the
auth-token, GET LMS.LaunchData and the cmi5LearnerPreferences Agent Profile, then initialized, progressed
x --progressed, completed, passed and terminated as the AU (Basic auth with the auth-token, one statement
a POST, built as cmi5 9 requires), every one judged by the session rules. Afterwards every registration
must be satisfied and hold its block and course `satisfied` statements. Beside it, plain single-statement
POSTs of as many generated statements from as many clients on the same server."""
from __future__ import annotations

import copy
import time
import uuid
from datetime import datetime, timezone
from urllib.parse import parse_qsl, urlsplit

import orjson

from bench.course_load import (JSON, Recorder, count_statements, import_course, latency_row, learner_agent,
                               lms_client, load_average, run_threads)
from bench.environment import percentile, serving, server_cpu_seconds, servers
from bench.generator import StatementGenerator
from bench.http_client import LeanClient
from bench.load import post_all
from bench.packages import cmi5_course, cmi5_large_course
from cmi5 import vocabulary as v

TARGET_RATE = 1000  # AU statements/s, every rule checked
LARGE_COURSE_AUS = 1000  # issue 12, Order and speed: a course of 1,000 AUs imports in <= 2 s
IMPORT_TARGET_S = 2.0
LAUNCH_TARGET_MS = 100  # issue 12: a launch (LaunchData, launched, URL) answers in <= 100 ms
LARGE_ROUNDS = 7
PROGRESSED = "http://adlnet.gov/expapi/verbs/progressed"
XAPI = {"X-Experience-API-Version": "1.0.3"}
PLAIN_CAP = 50_000  # plain statements posted beside, at most


def run(arguments, report) -> dict:
    results, rows, checks = {}, [], []
    large_rows = []
    for dialect in arguments.dialects:
        with serving(dialect, courses=True) as (_, base):
            report.progress(f"cmi5 {dialect}: a course of {LARGE_COURSE_AUS:,} AUs: import, register, launch")
            large = large_course(base)
            large_rows.append((dialect, f"{large['import_s']:.2f} s", f"≤ {IMPORT_TARGET_S:.0f} s",
                               "met" if large["import_s"] <= IMPORT_TARGET_S else "MISSED",
                               f"{large['register_p50_ms']:.0f} ms",
                               f"{large['launch_p50_ms']:.0f} / {large['launch_max_ms']:.0f} ms",
                               f"{large['small_launch_p50_ms']:.0f} ms", f"≤ {LAUNCH_TARGET_MS} ms",
                               "met" if max(large["launch_p50_ms"], large["small_launch_p50_ms"]) <= LAUNCH_TARGET_MS
                               else "MISSED"))
            course = import_course(base, cmi5_course(), "application/xml")
            report.progress(f"cmi5 {dialect}: {arguments.learners} concurrent AU sessions for {arguments.seconds} s "
                            f"(load {load_average()})")
            outcome = sessions(base, course, arguments)
            report.progress(f"cmi5 {dialect}: plain ingest of {outcome['plain_statements']} statements")
            plain = plain_ingest(base, outcome["plain_statements"], arguments.learners)
            results[dialect] = {**outcome, "plain": plain, "large_course": large}
            statement = outcome["statement"]
            met = statement.get("rate", 0) >= TARGET_RATE
            for kind in ("launch", "fetch", "launch data", "preferences", "statement"):
                rows.append((dialect, *latency_row(kind, outcome[kind]),
                             ("met" if met else "MISSED") if kind == "statement" else ""))
            rows.append((dialect, *latency_row("plain statement", plain), ""))
            checks.append((dialect, outcome["registrations"], outcome["satisfied_statements"],
                           f"{outcome['server_cpu_ms_per_statement']:.2f} ms", f"{outcome['client_cpu_percent']:.0f}%",
                           f"{outcome['load_before']} -> {outcome['load_after']}"))
    report.table(f"cmi5 AU sessions over HTTP, {servers()}, {arguments.learners} concurrent sessions "
                 f"(target ≥ {TARGET_RATE:,} AU statements/s, every rule checked)",
                 ("dialect", "call", "count", "rate", "p50 ms", "p95 ms", "p99 ms", ""), rows)
    report.table(f"cmi5 course of {LARGE_COURSE_AUS:,} AUs over HTTP, one client, nothing else running: import "
                 f"(POST /api/v1/courses, cmi5.xml), then {LARGE_ROUNDS} rounds of register + launch (first and "
                 f"last AU alternately, each launch abandoning the one before), and launches of the one-AU course",
                 ("dialect", "import", "target", "", "register p50", "launch p50 / max", "one-AU launch p50",
                  "target", ""), large_rows)
    report.table("cmi5 checks after the run (server CPU counts every call, per AU statement; client CPU in % of "
                 "one core over the run)", ("dialect", "registrations satisfied", "satisfied statements",
                                            "server CPU / AU statement", "client CPU", "load average"), checks)
    return results


def large_course(base: str) -> dict:
    """Import a 1,000-AU course and time its registrations and launches (wall clock, one client, quiet
    server), and launches of the one-AU course beside them."""
    started = time.perf_counter()
    course = import_course(base, cmi5_large_course(LARGE_COURSE_AUS), "application/xml")
    import_s = time.perf_counter() - started
    if len(course["launchables"]) != LARGE_COURSE_AUS:
        raise RuntimeError(f"the large course has {len(course['launchables'])} launchables")
    small = import_course(base, cmi5_course(), "application/xml")
    lms = lms_client(base)
    registering, launching, small_launching = [], [], []

    def timed(into: list, method: str, path: str, body: dict, expect: int) -> bytes:
        began = time.perf_counter()
        status, answer = lms.request(method, path, body=orjson.dumps(body), headers=JSON)
        into.append((time.perf_counter() - began) * 1000)
        if status != expect:
            raise RuntimeError(f"{method} {path} answered {status}: {answer[:300]!r}")
        return answer

    try:
        for round_ in range(LARGE_ROUNDS):
            for target, into_launch in ((course, launching), (small, small_launching)):
                answer = timed(registering if target is course else [], "POST", "/api/v1/registrations",
                               {"course": target["id"], "learner": learner_agent(round_, f"large-{uuid.uuid4()}")},
                               201)
                registration = orjson.loads(answer)["id"]
                indexes = (round_, LARGE_COURSE_AUS - 1 - round_) if target is course else (0, 0)
                for index in indexes:
                    timed(into_launch, "POST", f"/api/v1/registrations/{registration}/launch", {"index": index}, 200)
    finally:
        lms.close()
    return {"import_s": import_s, "register_p50_ms": percentile(registering, 0.5),
            "launch_p50_ms": percentile(launching, 0.5), "launch_max_ms": max(launching),
            "small_launch_p50_ms": percentile(small_launching, 0.5)}


def sessions(base: str, course: dict, arguments) -> dict:
    recorder = Recorder()
    registrations: list[str] = []
    stop = time.monotonic() + arguments.seconds

    def runner(number: int) -> None:
        lms = lms_client(base)
        fetcher = LeanClient(base, {})
        round_ = 0
        while True:
            _one_session(recorder, lms, fetcher, base, course, f"{number}-{round_}", registrations,
                         arguments.progressed)
            round_ += 1
            if time.monotonic() >= stop or recorder.errors:
                break
        lms.close()
        fetcher.close()

    load_before, cpu_before = load_average(), server_cpu_seconds(base)
    _, client_cpu = run_threads(arguments.learners, runner)
    server_cpu, load_after = server_cpu_seconds(base) - cpu_before, load_average()
    if recorder.errors:
        raise RuntimeError(f"{len(recorder.errors)} calls failed, first: {recorder.errors[0]}")
    outcome = {kind: recorder.figures(kind) for kind in
               ("register", "launch", "fetch", "launch data", "preferences", "statement")}
    first, last = recorder.window["register"][0], recorder.window["statement"][1]
    unsatisfied = _unsatisfied(base, registrations)
    if unsatisfied:
        raise RuntimeError(f"{len(unsatisfied)} registrations not satisfied, e.g. {unsatisfied[0]}")
    satisfied = count_statements(base, verb=v.SATISFIED)
    if satisfied != 2 * len(registrations):  # the block's and the course's (cmi5 9.3.9)
        raise RuntimeError(f"{satisfied} satisfied statements for {len(registrations)} registrations")
    statements = outcome["statement"]["count"]
    return {**outcome, "registrations": len(registrations), "satisfied_statements": satisfied,
            "server_cpu_ms_per_statement": server_cpu * 1000 / max(statements, 1),
            "client_cpu_seconds": client_cpu, "client_cpu_percent": 100 * client_cpu / (last - first),
            "plain_statements": min(statements, PLAIN_CAP), "load_before": load_before, "load_after": load_after}


def _one_session(recorder, lms, fetcher, base, course, name: str, registrations: list[str], progressed: int) -> None:
    status, body = recorder.call(lms, "register", "POST", "/api/v1/registrations", expect=(201,),
                                 body={"course": course["id"], "learner": learner_agent(name, "cmi5")})
    if status != 201:
        return
    registration = orjson.loads(body)["id"]
    registrations.append(registration)
    status, body = recorder.call(lms, "launch", "POST", f"/api/v1/registrations/{registration}/launch", body={})
    if status != 200:
        return
    query = dict(parse_qsl(urlsplit(orjson.loads(body)["url"]).query))
    fetch = urlsplit(query["fetch"])
    status, body = recorder.call(fetcher, "fetch", "POST", f"{fetch.path}?{fetch.query}")  # 8.2: no Authorization
    token = orjson.loads(body).get("auth-token") if status == 200 else None
    if token is None:
        recorder.fail(f"fetch: {body[:200]!r}")
        return
    au = LeanClient(base, {**XAPI, **JSON, "Authorization": f"Basic {token}"})
    try:
        _run_au(recorder, au, query, registration, progressed)
    finally:
        au.close()


def _run_au(recorder, au: LeanClient, query: dict, registration: str, progressed: int) -> None:
    """What an AU does (cmi5 9-11): read LaunchData and the learner preferences, then its statements."""
    status, body = recorder.call(au, "launch data", "GET", "/xapi/activities/state", params={
        "activityId": query["activityId"], "agent": query["actor"], "registration": registration,
        "stateId": "LMS.LaunchData"})
    if status != 200:
        return
    launch_data = orjson.loads(body)
    recorder.call(au, "preferences", "GET", "/xapi/agents/profile", expect=(200, 404),
                  params={"agent": query["actor"], "profileId": "cmi5LearnerPreferences"})
    au_session = {"actor": orjson.loads(query["actor"]), "activity": query["activityId"],
                  "registration": registration, "template": launch_data["contextTemplate"],
                  "mastery": launch_data.get("masteryScore"), "last_ms": 0}
    plan = [(v.INITIALIZED, None)]
    plan += [(PROGRESSED, {"extensions": {v.PROGRESS_EXTENSION: 100 * step // (progressed + 1)}})
             for step in range(1, progressed + 1)]
    plan += [(v.COMPLETED, {"completion": True, "duration": "PT50S"}),
             (v.PASSED, {"success": True, "score": {"scaled": 0.9}, "duration": "PT55S"}),
             (v.TERMINATED, {"duration": "PT1M"})]
    for verb, result in plan:
        status, _ = recorder.call(au, "statement", "POST", "/xapi/statements",
                                  body=au_statement(au_session, verb, result))
        if status != 200:
            return


def au_statement(session: dict, verb: str, result: dict | None) -> dict:
    """A statement as cmi5 9 asks of an AU: the LaunchData contextTemplate (session id, grouping), the
    registration, the cmi5 category on defined verbs, moveOn when the result has success or completion
    (9.6.2.2), the masteryscore extension on passed (9.6.3.2), a UTC timestamp later than the last (9.3, 9.7)."""
    defined = verb != PROGRESSED
    context = copy.deepcopy(session["template"])
    context["registration"] = session["registration"]
    categories = context.setdefault("contextActivities", {}).setdefault("category", [])
    if defined:
        categories.append({"id": v.CMI5_CATEGORY})
    if result and ("success" in result or "completion" in result):
        categories.append({"id": v.MOVE_ON_CATEGORY})
    if not categories:
        del context["contextActivities"]["category"]
    if verb == v.PASSED and session["mastery"] is not None:
        context.setdefault("extensions", {})[v.MASTERY_SCORE_EXTENSION] = session["mastery"]
    at_ms = max(int(time.time() * 1000), session["last_ms"] + 1)
    session["last_ms"] = at_ms
    statement = {"id": str(uuid.uuid4()), "actor": session["actor"],
                 "verb": {"id": verb, "display": {"en-US": verb.rsplit("/", 1)[-1]}},
                 "object": {"objectType": "Activity", "id": session["activity"]}, "context": context,
                 "timestamp": datetime.fromtimestamp(at_ms / 1000, timezone.utc).isoformat(timespec="milliseconds")
                 .replace("+00:00", "Z")}
    if result is not None:
        statement["result"] = result
    return statement


def _unsatisfied(base: str, registrations: list[str]) -> list[str]:
    """Registrations whose course GET /api/v1/registrations/{id} does not call satisfied (launch-api.md)."""
    client = lms_client(base)
    missing = []
    try:
        for registration in registrations:
            status, body = client.request("GET", f"/api/v1/registrations/{registration}")
            if status != 200 or orjson.loads(body).get("satisfied") is not True:
                missing.append(f"{registration}: {status} {body[:200]!r}")
    finally:
        client.close()
    return missing


def plain_ingest(base: str, count: int, clients: int) -> dict:
    """Generated single-statement POSTs, `count` of them from `clients` threads: the rate without cmi5."""
    generator = StatementGenerator(seed=12)
    bodies = [orjson.dumps(generator.statement()) for _ in range(max(count, 1))]
    elapsed, latencies = post_all(base, bodies, min(clients, len(bodies)))
    return {"count": len(bodies), "rate": len(bodies) / elapsed, "p50": percentile(latencies, 0.5),
            "p95": percentile(latencies, 0.95), "p99": percentile(latencies, 0.99)}
