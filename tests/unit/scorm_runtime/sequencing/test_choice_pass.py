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


STOP_ALWAYS = seq(sequencingRules={"preConditionRules": [rule("stopForwardTraversal", "always")]})
FLOW = seq(controlMode={"flow": True})


def course(*children, **controls):
    return item("root", *children, sequencing=seq(controlMode={"flow": True, **controls}))


# Hand-written trees for each branch of SB.2.9 steps 5-11: (tree, requests made first, target, the exception the
# SN book gives there).
CONSTRAINED = seq(controlMode={"flow": True}, constrainedChoiceConsiderations={"constrainChoice": True})
BRANCHES = [
    # step 7 (a sibling of the current activity), SB.2.4 step 1.1: a sibling on the way stops forward traversal
    (course(item("a"), item("b", sequencing=STOP_ALWAYS), item("c")), (), "c", "SB.2.4-1"),
    # step 7, backward among the children of a forwardOnly cluster: SB.2.4 step 2.1
    (course(item("a"), item("b"), forwardOnly=True), ("continue",), "a", "SB.2.4-2"),
    # step 10 (across branches): constrainChoice on the current activity's cluster allows only the next
    # cluster (SB.2.9.1 Choice Flow), so a later one is refused and the next one is not
    (course(item("m1", item("a"), item("b"), sequencing=CONSTRAINED), item("m2", item("c"), sequencing=FLOW),
            item("m3", item("d"), sequencing=FLOW)), (), "d", "SB.2.9-8"),
    (course(item("m1", item("a"), item("b"), sequencing=CONSTRAINED), item("m2", item("c"), sequencing=FLOW),
            item("m3", item("d"), sequencing=FLOW)), (), "c", None),
    # step 10: preventActivation on a cluster that is not active
    (course(item("a"), item("m", item("b"), sequencing=seq(
        controlMode={"flow": True}, constrainedChoiceConsiderations={"preventActivation": True}))),
     (), "b", "SB.2.9-6"),
    # step 9 (the target is an ancestor of the current activity): the ended current activity's choiceExit is
    # false (NB.2.1 step 7 only looks at active activities)
    (course(item("m", item("a", sequencing=seq(controlMode={"choiceExit": False})), sequencing=FLOW), item("z")),
     ("exit",), "root", "SB.2.9-7"),
]


def test_each_sb_2_9_branch_gives_the_books_exception_in_both_ways():
    for root, requests, target, expected in BRANCHES:
        s = SequencingSession(tree_of(root), Tracking(seed=3))
        assert s.navigate("start").delivered is not None
        for request in requests:
            s.report_attempt(s.tracking.current, {"completion_status": "completed"})
            s.navigate(request)
        assert look_ahead.choice_refusal(s.tree, s.tracking.copy(), target) == expected, (target, expected)
        assert choice_pass(s.tree, s.tracking).refusals[target] == expected, (target, expected)
        assert_pass_equals_requests_one_by_one(s.tree, s.tracking)
