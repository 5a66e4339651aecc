"""scorm (issue 11 "Benchmark"): simulated SCORM learners over HTTP, no browser.

The two golf fixtures (1.2 and 2004) are imported once; --learners threads (half on each) each register,
launch (POST /api/v1/registrations/{id}/launch), start the player session with the launch token of the URL
fragment (docs/scorm-player-protocol.md), then commit every --commit-interval seconds for --seconds
(about --suspend-bytes of suspend_data, a location, a score and three interactions each time) and
terminate, which writes the session's xAPI statements. Reports commits/s and commit latency.
--import adds the import of a generated --import-mb MB package (time, peak growth of a worker's RSS);
--navigation adds `continue` requests through a --activities SCORM 2004 tree from --nav-learners learners, each
spending a jittered --nav-interval seconds in the delivered SCO before the next (0: back to back); --learners 0
leaves the commit phase out.
"""
from __future__ import annotations

import random
import tempfile
import threading
import time
from pathlib import Path

import orjson
import requests

from bench import packages
from bench.course_load import (JSON, Recorder, count_statements, import_course, latency_row, learner_agent,
                               lms_client, load_average, run_threads)
from bench.environment import auth_headers, serving, server_cpu_seconds, worker_rss_bytes, servers
from bench.http_client import LeanClient

TARGET_RATE, TARGET_P95_MS = 500, 25.0  # commits/s and commit p95 at 200 concurrent learners
IMPORT_TARGET_SECONDS, IMPORT_TARGET_GROWTH_MB = 15.0, 50.0
NAVIGATION_TARGET_P95_MS = 20.0  # issue 13, 500-activity tree at 100 learners
TERMINATED = "http://adlnet.gov/expapi/verbs/terminated"


def run(arguments, report) -> dict:
    results, rows, extra_rows, checks, nav_rows = {}, [], [], [], []
    for dialect in arguments.dialects:
        with serving(dialect, courses=True) as (_, base):
            results[dialect] = {}
            if arguments.learners > 0:  # --learners 0 leaves the commit phase out (e.g. navigation alone)
                results[dialect] = commit_phase(base, dialect, arguments, report, rows, checks)
            if arguments.scorm_import:
                report.progress(f"scorm {dialect}: importing a {arguments.import_mb} MB package")
                figures = import_figure(base, arguments.import_mb)
                results[dialect]["import"] = figures
                met = figures["seconds"] <= IMPORT_TARGET_SECONDS and figures["growth_mb"] < IMPORT_TARGET_GROWTH_MB
                extra_rows.append((dialect, f"import {arguments.import_mb} MB", f"{figures['seconds']:.1f} s",
                                   f"+{figures['growth_mb']:.1f} MB", "met" if met else "MISSED"))
            if arguments.navigation:
                report.progress(f"scorm {dialect}: navigation, {arguments.nav_learners} learners on a "
                                f"{arguments.activities}-activity 2004 tree for {arguments.seconds} s, a "
                                f"continue every {arguments.nav_interval} s (jittered) each (load {load_average()})")
                figures = navigation(base, arguments)
                results[dialect]["navigation"] = figures
                nav_rows.append(navigation_row(dialect, figures))
    if rows:
        report.table(f"SCORM learners over HTTP, {servers()}, {arguments.learners} learners, commit every "
                     f"{arguments.commit_interval} s (target: ≥ {TARGET_RATE} commits/s, commit p95 ≤ "
                     f"{TARGET_P95_MS:.0f} ms at 200 learners)",
                     ("dialect", "call", "count", "rate", "p50 ms", "p95 ms", "p99 ms", ""), rows)
        report.table("SCORM checks (every registration completed and passed; server CPU of the commit phase, "
                     "terminates included, per commit; client CPU in % of one core)",
                     ("dialect", "terminated statements", "server CPU / commit", "client CPU", "load average"), checks)
    if extra_rows:
        report.table(f"SCORM import (target ≤ {IMPORT_TARGET_SECONDS:.0f} s, worker RSS growth < "
                     f"{IMPORT_TARGET_GROWTH_MB:.0f} MB)", ("dialect", "what", "time", "figure", ""), extra_rows)
    if nav_rows:
        report.table(f"SCORM navigation: {arguments.nav_learners} learners on a {arguments.activities}-activity 2004 "
                     f"tree, each a continue + start then {arguments.nav_interval} s of think time (0.5-1.5x, "
                     f"0 = back to back), for {arguments.seconds} s (target: continue p95 ≤ "
                     f"{NAVIGATION_TARGET_P95_MS:.0f} ms at 100 learners). Server CPU per navigation covers the "
                     "continue and the start of the delivered session",
                     ("dialect", "offered", "achieved", "continues", "continue p50 / p95 / p99 ms", "start p95 ms",
                      "server CPU / navigation", "load average", ""), nav_rows)
    return results


def commit_phase(base: str, dialect: str, arguments, report, rows: list, checks: list) -> dict:
    courses = [import_course(base, packages.GOLF_12.read_bytes()),
               import_course(base, packages.GOLF_2004.read_bytes())]
    report.progress(f"scorm {dialect}: {arguments.learners} learners, commits every "
                    f"{arguments.commit_interval} s for {arguments.seconds} s (load {load_average()})")
    outcome = learners(base, courses, arguments)
    commit = outcome["commit"]
    met = commit.get("rate", 0) >= TARGET_RATE and commit.get("p95", 1e9) <= TARGET_P95_MS
    for kind in ("launch", "start", "commit", "terminate"):
        rows.append((dialect, *latency_row(kind, outcome[kind]),
                     ("met" if met else "MISSED") if kind == "commit" else ""))
    checks.append((dialect, outcome["terminated_statements"], f"{outcome['server_cpu_ms_per_commit']:.2f} ms",
                   f"{outcome['client_cpu_percent']:.0f}%", f"{outcome['load_before']} -> {outcome['load_after']}"))
    return outcome


def navigation_row(dialect: str, figures: dict) -> tuple:
    navigate, start = figures["navigate"], figures["start"]
    met = navigate.get("p95", 1e9) <= NAVIGATION_TARGET_P95_MS
    offered = figures["offered_rate"]
    return (dialect, "unbounded" if offered is None else f"{offered:,.1f}/s", f"{figures['achieved_rate']:,.1f}/s",
            navigate.get("count", 0), f"{navigate.get('p50', 0):.1f} / {navigate.get('p95', 0):.1f} / "
            f"{navigate.get('p99', 0):.1f}", f"{start.get('p95', 0):.1f}",
            f"{figures['server_cpu_ms_per_navigation']:.1f} ms", f"{figures['load_before']} -> {figures['load_after']}",
            "met" if met else "MISSED")


# --- learners committing -----------------------------------------------------------------------------

def learners(base: str, courses: list[dict], arguments) -> dict:
    recorder = Recorder()
    count = arguments.learners
    ready = threading.Barrier(count + 1)
    registrations: list[str] = []

    def learner(number: int) -> None:
        course = courses[number % len(courses)]
        lms, player = lms_client(base), LeanClient(base, JSON)
        session = None
        try:
            session = _launch_and_start(recorder, lms, player, base, course, number, registrations)
        finally:
            ready.wait()
        if session is not None:
            _commit_until(recorder, player, session, course["standard"], number, arguments)
        lms.close()
        player.close()

    thread = threading.Thread(target=run_threads, args=(count, learner), daemon=True)
    thread.start()
    ready.wait()  # every learner has started its session: the commit phase begins
    load_before, cpu_before, client_before = load_average(), server_cpu_seconds(base), time.process_time()
    thread.join()
    client_cpu, server_cpu = time.process_time() - client_before, server_cpu_seconds(base) - cpu_before
    load_after = load_average()
    if recorder.errors:
        raise RuntimeError(f"{len(recorder.errors)} calls failed, first: {recorder.errors[0]}")
    outcome = {kind: recorder.figures(kind) for kind in ("register", "launch", "start", "commit", "terminate")}
    commits = max(outcome["commit"].get("count", 0), 1)
    seconds = recorder.window["commit"][1] - recorder.window["commit"][0]
    _check_progress(base, registrations)
    statements = count_statements(base, verb=TERMINATED)
    if statements != count:
        raise RuntimeError(f"{statements} terminated statements for {count} learners")
    # Server CPU covers commits and terminates alike: charged to commits, it is an upper bound per commit.
    return {**outcome, "server_cpu_ms_per_commit": server_cpu * 1000 / commits,
            "client_cpu_seconds": client_cpu, "client_cpu_percent": 100 * client_cpu / max(seconds, 1e-9),
            "terminated_statements": statements, "load_before": load_before, "load_after": load_after}


def _launch_and_start(recorder, lms, player, base, course, number, registrations) -> dict | None:
    """Register, launch and start: the player's session (id, token) or None when a call failed."""
    status, body = recorder.call(lms, "register", "POST", "/api/v1/registrations", expect=(201,),
                                 body={"course": course["id"], "learner": learner_agent(number, "scorm")})
    if status != 201:
        return None
    registration = orjson.loads(body)["id"]
    registrations.append(registration)
    return _launch(recorder, lms, player, registration)


def _launch(recorder, lms, player, registration) -> dict | None:
    status, body = recorder.call(lms, "launch", "POST", f"/api/v1/registrations/{registration}/launch", body={})
    if status != 200:
        return None
    return _start(recorder, player, orjson.loads(body)["url"])


def _start(recorder, player, url: str) -> dict | None:
    """Trades the launch token of the URL's fragment for a session token (protocol: start)."""
    page, _, token = url.partition("#launch=")
    session = page.rsplit("/", 1)[1]
    status, body = recorder.call(player, "start", "POST", f"/player/api/sessions/{session}/start",
                                 body={"launchToken": token})
    if status != 200:
        return None
    return {"id": session, "token": orjson.loads(body)["sessionToken"]}


def _commit_until(recorder, player, session, standard, number, arguments) -> None:
    interval = arguments.commit_interval
    stop = time.monotonic() + arguments.seconds
    next_at = time.monotonic() + interval * (number % 97) / 97  # learners spread over the interval
    step = 0
    while True:
        pause = next_at - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        if time.monotonic() >= stop:
            break
        step += 1
        cmi = cmi12(step, number, arguments.suspend_bytes) if standard == "scorm12" else \
            cmi2004(step, number, arguments.suspend_bytes)
        _player_call(recorder, player, session, "commit", cmi)
        next_at += interval
    final = {"cmi.core.lesson_status": "passed", "cmi.core.score.raw": "90", "cmi.core.session_time": "00:01:00",
             "cmi.core.exit": ""} if standard == "scorm12" else \
        {"cmi.completion_status": "completed", "cmi.success_status": "passed", "cmi.score.scaled": "0.9",
         "cmi.exit": "normal", "cmi.session_time": "PT1M"}
    _player_call(recorder, player, session, "terminate", final)


def _player_call(recorder, player, session, name: str, cmi: dict) -> None:
    status, body = recorder.call(player, name, "POST", f"/player/api/sessions/{session['id']}/{name}",
                                 body={"sessionToken": session["token"], "cmi": cmi})
    if status == 200 and name == "commit" and orjson.loads(body)["rejected"]:
        recorder.fail(f"commit rejected {orjson.loads(body)['rejected'][:3]}")


def _suspend_data(step: int, number: int, size: int) -> str:
    stem = f"learner={number};step={step};"
    return (stem * (size // len(stem) + 1))[:size]


def cmi12(step: int, number: int, suspend_bytes: int) -> dict:
    """What a 1.2 SCO sets between two commits: location, status, score, suspend_data, three interactions."""
    cmi = {"cmi.core.lesson_location": f"page-{step}", "cmi.core.lesson_status": "incomplete",
           "cmi.core.score.raw": str(step % 100), "cmi.suspend_data": _suspend_data(step, number, suspend_bytes)}
    for n in range(3):
        cmi |= {f"cmi.interactions.{n}.id": f"q{n}", f"cmi.interactions.{n}.type": "choice",
                f"cmi.interactions.{n}.student_response": "abc"[(step + n) % 3],
                f"cmi.interactions.{n}.result": "correct" if (step + n) % 2 else "wrong"}
    return cmi


def cmi2004(step: int, number: int, suspend_bytes: int) -> dict:
    """The 2004 counterpart: location, completion, progress, scaled score, suspend_data, three interactions."""
    cmi = {"cmi.location": f"page-{step}", "cmi.completion_status": "incomplete",
           "cmi.progress_measure": f"{min(step, 99) / 100:.2f}", "cmi.score.scaled": f"{step % 100 / 100:.2f}",
           "cmi.suspend_data": _suspend_data(step, number, suspend_bytes)}
    for n in range(3):
        cmi |= {f"cmi.interactions.{n}.id": f"urn:bench:q{n}", f"cmi.interactions.{n}.type": "choice",
                f"cmi.interactions.{n}.learner_response": "abc"[(step + n) % 3],
                f"cmi.interactions.{n}.result": "correct" if (step + n) % 2 else "incorrect"}
    return cmi


def _check_progress(base: str, registrations: list[str]) -> None:
    """Every learner passed at terminate: its registration must say so (launch-api.md Registrations)."""
    client = lms_client(base)
    try:
        for registration in registrations:
            status, body = client.request("GET", f"/api/v1/registrations/{registration}")
            progress = orjson.loads(body) if status == 200 else {}
            if progress.get("completion") != "completed" or progress.get("success") != "passed":
                raise RuntimeError(f"registration {registration}: {status} {body[:300]!r}")
    finally:
        client.close()


# --- import of a large package -----------------------------------------------------------------------

def import_figure(base: str, megabytes: int) -> dict:
    """Seconds to import a generated package and the largest growth of one worker's RSS meanwhile, sampled
    every 20 ms from /proc (the worker that takes the upload is the one that grows).

    Each worker checks the bench credential first: a worker's first check of a secret runs argon2, whose
    64 MiB working memory (argon2-cffi's default, RFC 9106's second choice) is allocated and freed inside
    that one request. It has nothing to do with the package, and would otherwise be counted as the
    upload's growth whenever the import is a worker's first authenticated request."""
    with tempfile.TemporaryDirectory(prefix="lrs-bench-package-") as folder:
        package = packages.large_scorm12(Path(folder) / "large.zip", megabytes)
        _check_credential_in_every_worker(base)
        baseline = worker_rss_bytes(base)
        peak = dict(baseline)
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                for pid, size in worker_rss_bytes(base).items():
                    peak[pid] = max(peak.get(pid, 0), size)
                time.sleep(0.02)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        started = time.perf_counter()
        with package.open("rb") as body:  # streamed from disk, as an LMS would send it
            response = requests.post(f"{base}/api/v1/courses", data=body, timeout=600,
                                     headers={**auth_headers(), "Content-Type": "application/zip"})
        seconds = time.perf_counter() - started
        done.set()
        sampler.join()
        size = package.stat().st_size
    if response.status_code != 201:
        raise RuntimeError(f"import answered {response.status_code}: {response.text[:300]}")
    growth = max(peak[pid] - baseline.get(pid, peak[pid]) for pid in peak)
    return {"seconds": seconds, "bytes": size, "growth_mb": growth / 1024 / 1024,
            "baseline_rss_mb": {pid: value / 1024 / 1024 for pid, value in baseline.items()}}


def _check_credential_in_every_worker(base: str, requests_sent: int = 24, threads: int = 4) -> None:
    """Authenticated requests from several threads at once, so that each worker answers some of them
    (with 2 workers, one left out of 24 has odds of 2**-23)."""
    def send(count: int) -> None:
        with requests.Session() as session:
            for _ in range(count):
                session.get(f"{base}/api/v1/courses", headers=auth_headers(), timeout=60).raise_for_status()

    workers = [threading.Thread(target=send, args=(requests_sent // threads,)) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()


# --- navigation through a large 2004 tree --------------------------------------------------------------

def navigation(base: str, arguments) -> dict:
    """--nav-learners learners on a --activities tree: each sends `continue`, starts the session it gets,
    then spends a think time in that SCO before the next `continue`. Think times are drawn uniformly from
    0.5 to 1.5 × --nav-interval (a fixed seed per learner), and each learner keeps its own schedule: a late
    answer shortens the next pause rather than lowering the offered rate, as the commit phase does. The first
    request of each learner falls at a random point of its first think time, so learners do not start in step.
    --nav-interval 0 sends the next `continue` as soon as the start answers: saturation throughput."""
    course = import_course(base, packages.scorm2004_tree(arguments.activities))
    recorder = Recorder()
    count, interval = arguments.nav_learners, arguments.nav_interval
    clock: dict[str, float] = {}

    def begin() -> None:  # run once, when every learner has started its first session
        clock["start"] = time.monotonic()
        clock["stop"] = clock["start"] + arguments.seconds

    ready = threading.Barrier(count + 1, action=begin)

    def learner(number: int) -> None:
        lms, player = lms_client(base), LeanClient(base, JSON)
        think = random.Random(number)
        session = None
        try:
            session = _launch_and_start(recorder, lms, player, base, course, number, [])
        finally:
            ready.wait()
        stop = clock["stop"]
        next_at = clock["start"] + interval * think.random()
        while session is not None:
            pause = next_at - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            if time.monotonic() >= stop:
                break
            status, body = recorder.call(player, "navigate", "POST", f"/player/api/sessions/{session['id']}/navigate",
                                         body={"sessionToken": session["token"], "request": "continue"})
            launch = orjson.loads(body).get("launch") if status == 200 else None
            session = _start(recorder, player, launch["url"]) if launch else None
            next_at += interval * think.uniform(0.5, 1.5)
        lms.close()
        player.close()

    thread = threading.Thread(target=run_threads, args=(count, learner), daemon=True)
    thread.start()
    ready.wait()
    load_before, cpu_before, client_before = load_average(), server_cpu_seconds(base), time.process_time()
    thread.join()
    client_cpu, server_cpu = time.process_time() - client_before, server_cpu_seconds(base) - cpu_before
    if recorder.errors:
        raise RuntimeError(f"{len(recorder.errors)} calls failed, first: {recorder.errors[0]}")
    navigate = recorder.figures("navigate")
    navigations = max(navigate.get("count", 0), 1)
    return {"navigate": navigate, "start": recorder.figures("start"),
            "offered_rate": count / interval if interval > 0 else None,
            "achieved_rate": navigate.get("count", 0) / arguments.seconds,
            "server_cpu_ms_per_navigation": server_cpu * 1000 / navigations,
            "client_cpu_seconds": client_cpu, "load_before": load_before, "load_after": load_average()}
