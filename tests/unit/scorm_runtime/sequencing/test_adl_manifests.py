"""ADL's SCORM 2004 4th Edition LMS test manifests (../shared/fixtures/scorm/adl_cts4ed_lms_manifests_shared.zip)
run through the engine.

Every one of the 126 manifests loads into an activity tree, and Start (SN OP.1 with NB.2.1 Start) either
delivers a leaf or refuses with an SN exception id. Scripted walks, each read from the package's title and
structure (the ADL test descriptions themselves are not in the bundle):

- SX-08a: the root has flow disabled (controlMode defaults): Start is refused by SB.2.2-1 (Flow Activity
  Traversal: flow not enabled on the parent) and the learner reaches activity_1 by Choice. Proves flow control.
- SX-10b: activity_1's primary objective is satisfiedByMeasure (minNormalizedMeasure 0.7) and a post-condition
  "satisfied -> exitAll": a scaled score of 0.8 ends the session on Continue (TB.2.2 exitAll), 0.5 flows on to
  activity_2. Proves satisfiedByMeasure feeding post-condition rules.
- CT-02 (completion threshold): choice is disabled on the root and on cluster activity_2 (precondition "not
  completed -> skip"), whose completionThreshold is completedByMeasure with minProgressMeasure 0.5 over children
  weighted 0.75/0.25/0.25: any Choice is refused with NB.2.1-10; Continue flows into the cluster (its status is
  unknown, so "not completed" is unknown and does not skip, SN 3.4.2) through activity_3..5 to activity_6; the
  cluster completes when the weighted progress (RB.1.1b) reaches 0.5 (activity_3 at 1.0, the others at 0.2:
  0.68) and stays incomplete below it (activity_3 at 0.6: 0.44), and the course follows (RB.1.3).
- OB-01a: activity_1 writes its satisfaction to global gObj-OB01a, activity_2 reads it and is skipped when
  satisfied: passing activity_1 skips activity_2, failing it delivers activity_2. Proves objective maps
  (SN 3.10.2) feeding preconditions (UP.2).
- RU-02b: cluster activity_2 rolls up satisfied when "any" child is completed (RB.1.4), has an exit condition
  rule "satisfied -> exit" (TB.2.1) and a post condition "satisfied -> continue" (TB.2.2): completing
  activity_3 exits the cluster and continues to activity_6; leaving activity_3 incomplete flows on to activity_4.
- RU-05a: cluster activity_2 rolls up completed when "none" of its children is satisfied (RB.1.4, every child
  known and not satisfied), exits on "completed" and then asks for "previous": failing activity_3..5 sends the
  learner back to activity_1.
- MS-01: measure rollup (RB.1.1a): activity_2's measure is the mean of its children's scaled scores and the
  root's the mean of activity_1, activity_2 and activity_6; activity_2's precondition "objectiveMeasureGreaterThan
  0.4 -> skip" then makes Previous from activity_6 skip the whole cluster back to activity_1.
"""
from __future__ import annotations

import zipfile

import pytest

from delivery.package import ManifestOnly
from scorm_runtime.cam import parse_package
from scorm_runtime.sequencing import SequencingSession, Tracking, build_tree
from scorm_runtime.sequencing.exceptions import MESSAGES

from .trees import FIXTURES

BUNDLE = FIXTURES / "adl_cts4ed_lms_manifests_shared.zip"


def _manifests() -> dict[str, bytes]:
    with zipfile.ZipFile(BUNDLE) as bundle:
        return {name.split("/")[0].removeprefix("LMSTestPackage_"): bundle.read(name)
                for name in bundle.namelist() if name.endswith("/imsmanifest.xml")}


MANIFESTS = _manifests()


def adl_session(package: str) -> SequencingSession:
    course = parse_package(ManifestOnly("imsmanifest.xml", MANIFESTS[package]), manifest_only=True)
    return SequencingSession(build_tree(course.runtime["organization"]), Tracking(seed=1))


def test_bundle_holds_126_manifests():
    assert len(MANIFESTS) == 126


@pytest.mark.parametrize("package", sorted(MANIFESTS))
def test_manifest_loads_and_start_delivers_or_refuses_with_an_sn_exception(package):
    # SN OP.1 / NB.2.1 Start on every ADL 4th Edition test manifest
    s = adl_session(package)
    outcome = s.launch()
    if outcome.delivered is None:
        assert outcome.exception in MESSAGES
    else:
        activity = s.tree[outcome.delivered]
        assert activity.is_leaf and activity.launchable is not None
        assert s.tracking.current == outcome.delivered and s.tracking.state(outcome.delivered).active
    s.toc()
    s.valid_requests()


def test_sx08a_flow_disabled_root_needs_a_choice():
    s = adl_session("SX-08a")
    assert s.launch().exception == "SB.2.2-1"
    assert s.navigate("choice", "activity_1").delivered == "activity_1"


@pytest.mark.parametrize(("scaled", "after"), [(0.8, None), (0.5, "activity_2")])
def test_sx10b_satisfied_by_measure_drives_the_exit_all_post_condition(scaled, after):
    s = adl_session("SX-10b")
    assert s.launch().delivered == "activity_1"
    s.report_attempt("activity_1", {"score_scaled": scaled, "completion_status": "completed"})
    outcome = s.navigate("continue")
    assert outcome.delivered == after
    assert outcome.end_of_session is (after is None)


@pytest.mark.parametrize(("first_progress", "completion"), [(1.0, "completed"), (0.6, "incomplete")])
def test_ct02_choice_disabled_and_flow_through_the_cluster(first_progress, completion):
    s = adl_session("CT-02")
    assert s.launch().delivered == "activity_1"
    assert s.navigate("choice", "activity_6").exception == "NB.2.1-10"
    walk = []
    while True:
        progress = {"activity_3": first_progress}.get(s.tracking.current, 0.2)
        s.report_attempt(s.tracking.current, {"completion_status": "completed", "progress_measure": progress})
        outcome = s.navigate("continue")
        if outcome.end_of_session:
            break
        walk.append(outcome.delivered)
    assert walk == ["activity_3", "activity_4", "activity_5", "activity_6"]
    assert {entry["id"]: entry["completion"] for entry in s.toc()}["activity_2"] == completion
    assert s.course_rollup()["completion"] == completion


@pytest.mark.parametrize(("success", "next_activity"), [("passed", "activity_3"), ("failed", "activity_2")])
def test_ob01a_global_objective_skips_activity_2(success, next_activity):
    s = adl_session("OB-01a")
    assert s.launch().delivered == "activity_1"
    s.report_attempt("activity_1", {"success_status": success, "completion_status": "completed"})
    assert s.navigate("continue").delivered == next_activity


@pytest.mark.parametrize(("completion", "after"), [("completed", "activity_6"), ("incomplete", "activity_4")])
def test_ru02b_exit_condition_and_continue_post_condition(completion, after):
    s = adl_session("RU-02b")
    s.launch()
    s.report_attempt("activity_1", {"completion_status": "completed"})
    assert s.navigate("continue").delivered == "activity_3"
    s.report_attempt("activity_3", {"completion_status": completion})
    assert s.navigate("continue").delivered == after
    assert s.tracking.state("activity_2").active is (after == "activity_4")


def test_ru05a_none_satisfied_completes_the_cluster_and_goes_back():
    s = adl_session("RU-05a")
    walk = [s.launch().delivered]
    for _ in range(4):
        current = s.tracking.current
        success = "passed" if current == "activity_1" else "failed"
        s.report_attempt(current, {"completion_status": "completed", "success_status": success})
        walk.append(s.navigate("continue").delivered)
    assert walk == ["activity_1", "activity_3", "activity_4", "activity_5", "activity_1"]
    assert {entry["id"]: entry["completion"] for entry in s.toc()}["activity_2"] == "completed"


def test_ms01_measure_rollup_and_skip_on_measure():
    s = adl_session("MS-01")
    scores = {"activity_1": 0.2, "activity_3": 0.3, "activity_4": 0.6, "activity_5": 0.9, "activity_6": 1.0}
    walk = [s.launch().delivered]
    while True:
        current = s.tracking.current
        s.report_attempt(current, {"completion_status": "completed", "score_scaled": scores[current]})
        if current == "activity_6":
            break
        walk.append(s.navigate("continue").delivered)
    assert walk == ["activity_1", "activity_3", "activity_4", "activity_5", "activity_6"]
    measures = {entry["id"]: entry["scaled"] for entry in s.toc()}
    assert measures["activity_2"] == pytest.approx(0.6) and s.course_rollup()["scaled"] == pytest.approx(0.6)
    assert s.navigate("previous").delivered == "activity_1"


@pytest.mark.parametrize("package", sorted(MANIFESTS))
def test_random_walks_on_every_manifest_keep_one_delivery_path(package):
    # SN DB.2: at most one delivered activity, and only it and its ancestors are active, whatever the requests
    import json
    import random

    s = adl_session(package)
    chooser = random.Random(package)
    ids = list(s.tree.by_id)
    s.launch()
    for _ in range(40):
        current = s.tracking.current
        if current is not None and s.tracking.state(current).active:
            s.report_attempt(current, {"completion_status": chooser.choice(["completed", "incomplete"]),
                                       "success_status": chooser.choice(["passed", "failed", "unknown"]),
                                       "score_scaled": chooser.choice([None, 0.2, 0.9]),
                                       "session_seconds": 30})
        request = chooser.choice(["continue", "previous", "choice", "exit", "suspendAll", "start", "resumeAll",
                                  "exitAll", "jump", "abandon"])
        outcome = s.navigate(request, chooser.choice(ids) if request in ("choice", "jump") else None)
        assert outcome.exception is None or outcome.exception in MESSAGES
        current = s.tree.get(s.tracking.current)
        allowed = {a.identifier for a in current.path_to_root()} if current else {s.tree.root.identifier}
        assert {a.identifier for a in s.tree.preorder if s.tracking.state(a.identifier).active} <= allowed
    assert Tracking.from_json(json.loads(json.dumps(s.tracking.to_json()))).to_json() == s.tracking.to_json()
