"""Navigation on a 500-activity tree with rollup: 300 continue and choice requests each deliver, and the
tracking state survives its JSON round trip. Its speed is measured by `bench scorm --navigation`
(docs/performance.md), not here: a timed test on a shared machine proves nothing."""
from __future__ import annotations

import json

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


def test_continue_and_choice_on_a_500_activity_tree_deliver_and_the_state_round_trips():
    tree = big_course()
    assert len(tree) == 501
    s = SequencingSession(tree, Tracking(seed=1))
    s.navigate("start")
    for step in range(300):
        s.report_attempt(s.tracking.current, {"completion_status": "completed", "success_status": "passed",
                                              "score_scaled": 0.8})
        target = f"m{(step * 7) % CLUSTERS}a{step % LEAVES}"
        outcome = s.navigate("continue") if step % 3 else s.navigate("choice", target)
        # SN NB.2.1 / SB.2.7 (continue) and SB.2.9 (choice): flow everywhere, so each request delivers.
        assert outcome.delivered is not None
        if step % 3 == 0:
            assert outcome.delivered == target
    restored = Tracking.from_json(json.loads(json.dumps(s.tracking.to_json())))
    assert restored.current == s.tracking.current
    assert restored.to_json() == s.tracking.to_json()
