"""The one-walk Choice look-ahead (choice_pass.py) gives, for every activity, exactly what running the requests one
by one gives: NB.2.1 Choice + SB.2.9 + DB.1.1 (look_ahead.choice_refusal, the same exception id), and NB.2.1 Jump
+ SB.2.13 + DB.1.1 for adl.nav.request_valid's jump; on random trees, controls, rules and tracking states reached
by random navigation (SN 5.3: the look-ahead validates a request without processing it)."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scorm_runtime.sequencing import SequencingSession, Tracking, look_ahead
from scorm_runtime.sequencing.choice_pass import choice_pass
from scorm_runtime.sequencing.delivery import delivery_request
from scorm_runtime.sequencing.exceptions import SequencingError
from scorm_runtime.sequencing.navigation import navigation_request
from scorm_runtime.sequencing.rules import check_activity, is_hidden_from_choice

from .test_invariants import REQUESTS, sequencing
from .trees import item, rule, seq, tree_of

# Preconditions that fire often, so stopForwardTraversal, hiddenFromChoice and disabled meet the Choice checks
OFTEN = ("always", "attempted", "not attempted", "completed", "not satisfied")


@st.composite
def choice_sequencing(draw):
    """Choice allowed almost everywhere and choiceExit mostly true, so a Choice gets past NB.2.1 to SB.2.9's
    sibling, constrainChoice, preventActivation and stopForwardTraversal checks."""
    control = {"choice": draw(st.integers(0, 5)) > 0, "choiceExit": draw(st.integers(0, 4)) > 0,
               "flow": draw(st.booleans()), "forwardOnly": draw(st.booleans())}
    pre = draw(st.lists(st.builds(lambda action, condition: rule(action, condition),
                                  st.sampled_from(("stopForwardTraversal", "stopForwardTraversal", "skip",
                                                   "hiddenFromChoice", "disabled")),
                                  st.sampled_from(OFTEN)), max_size=1))
    controls = {"randomizationTiming": draw(st.sampled_from(["never", "never", "onEachNewAttempt"])),
                "reorderChildren": draw(st.booleans()), "selectCount": draw(st.sampled_from([None, None, 2])),
                "selectionTiming": draw(st.sampled_from(["never", "once"]))}
    return seq(controlMode=control, sequencingRules={"preConditionRules": pre}, randomizationControls=controls,
               limitConditions={"attemptLimit": draw(st.sampled_from([None, None, None, 1]))},
               constrainedChoiceConsiderations={"constrainChoice": draw(st.booleans()),
                                                "preventActivation": draw(st.integers(0, 3)) == 0})


@st.composite
def deep_trees(draw, depth=0, counter=None, kind=sequencing):
    """Up to four levels below the root, so common ancestors, constrainChoice clusters and choiceExit walks
    have room; most nodes carry random sequencing."""
    counter = counter if counter is not None else [0]
    counter[0] += 1
    identifier = f"n{counter[0]}"
    width = draw(st.integers(1 if depth == 0 else 0, 3 if depth < 4 else 0))
    children = [draw(deep_trees(depth + 1, counter, kind)) for _ in range(width)]
    return item(identifier, *children, sequencing=draw(kind()) if draw(st.integers(0, 3)) else None)


script_steps = st.lists(st.tuples(st.sampled_from(REQUESTS + ("choice", "choice", "continue")), st.integers(0, 60),
                                  st.sampled_from(["passed", "failed", "unknown"]),
                                  st.sampled_from(["completed", "incomplete", "unknown"])), max_size=20)


def reference_jump(tree, tracking, activity) -> bool:
    try:
        navigation_request(tree, tracking, "jump", activity.identifier)
        if tracking.current is None:
            raise SequencingError("SB.2.13-1")
        delivery_request(tracking, activity)
    except SequencingError:
        return False
    return True


def assert_pass_equals_requests_one_by_one(tree, tracking):
    fast = choice_pass(tree, tracking)
    before = tracking.to_json()
    for activity in tree.preorder:
        identifier = activity.identifier
        expected = look_ahead.choice_refusal(tree, Tracking.from_json(before), identifier)
        assert fast.refusals[identifier] == expected, (identifier, tracking.current, before)
        assert fast.disabled[identifier] == check_activity(tracking, activity)
        assert fast.path_hidden[identifier] == any(is_hidden_from_choice(tracking, node)
                                                   for node in activity.path_to_root())
    jump = look_ahead.valid_requests(tree, tracking)["jump"]
    assert jump == {activity.identifier: reference_jump(tree, Tracking.from_json(before), activity)
                    for activity in tree.preorder}
    assert tracking.to_json() == before  # a look-ahead changes nothing


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(root=st.one_of(deep_trees(), deep_trees(kind=choice_sequencing)), script=script_steps,
       seed=st.integers(0, 2**16))
def test_the_one_walk_choice_pass_equals_each_request_evaluated_alone(root, script, seed):
    tree = tree_of(root)
    s = SequencingSession(tree, Tracking(seed=seed))
    ids = [activity.identifier for activity in tree.preorder]
    assert_pass_equals_requests_one_by_one(tree, s.tracking)
    for request, pick, success, completion in script:
        if s.tracking.current is not None and s.tracking.state(s.tracking.current).active:
            s.report_attempt(s.tracking.current, {"success_status": success, "completion_status": completion})
        if request == "start" and pick % 4 == 0:
            s.launch()
        else:
            s.navigate(request, ids[pick % len(ids)] if request in ("choice", "jump") else None)
        assert_pass_equals_requests_one_by_one(tree, s.tracking)
