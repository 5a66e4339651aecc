"""A navigation request on a 500-activity tree with rollup stays well under 5 ms of CPU (issue 13, Benchmark:
the engine's share of the p95 <= 20 ms launch budget)."""
from __future__ import annotations

import json
import time

from scorm_runtime.sequencing import SequencingSession, Tracking

from .trees import item, rollup_rule, seq, tree_of

CLUSTERS, LEAVES = 20, 24  # 1 + 20 + 480 = 501 activities


def big_course():
    cluster_seq = seq(controlMode={"flow": True},
                      rollupRules={"rules": [rollup_rule("satisfied", "atLeastPercent", "satisfied",
                                                         minimum_percent=0.5)]})
    return tree_of(item("root", *(item(f"m{c}", *(item(f"m{c}a{leaf}") for leaf in range(LEAVES)),
                                       sequencing=cluster_seq) for c in range(CLUSTERS)),
                        sequencing=seq(controlMode={"flow": True})))


def test_continue_choice_and_json_on_a_500_activity_tree_are_fast():
    tree = big_course()
    assert len(tree) == 501
    s = SequencingSession(tree, Tracking(seed=1))
    s.navigate("start")
    timings = []
    for step in range(300):
        s.report_attempt(s.tracking.current, {"completion_status": "completed", "success_status": "passed",
                                              "score_scaled": 0.8})
        started = time.process_time()
        outcome = s.navigate("continue") if step % 3 else s.navigate("choice", f"m{(step * 7) % CLUSTERS}a{step % LEAVES}")
        timings.append(time.process_time() - started)
        assert outcome.delivered is not None
    timings.sort()
    p95 = timings[int(len(timings) * 0.95)]
    assert p95 < 0.005, f"p95 {p95 * 1000:.2f} ms"
    started = time.process_time()
    restored = Tracking.from_json(json.loads(json.dumps(s.tracking.to_json())))
    assert time.process_time() - started < 0.05
    assert restored.current == s.tracking.current
