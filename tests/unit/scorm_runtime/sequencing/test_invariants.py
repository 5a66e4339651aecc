"""Hypothesis: random activity trees with random sequencing controls and rules, driven by random navigation
requests and SCO reports, keep the SN model's invariants (issue 13, What it must show)."""
from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scorm_runtime.sequencing import SequencingSession, Tracking
from scorm_runtime.sequencing.rules import check_activity, is_hidden_from_choice

from .trees import item, rule, seq, tree_of

CONDITIONS = ("satisfied", "completed", "attempted", "always", "objectiveStatusKnown", "not satisfied",
              "not completed", "activityProgressKnown", "attemptLimitExceeded")
PRE_ACTIONS = ("skip", "disabled", "hiddenFromChoice", "stopForwardTraversal")
POST_ACTIONS = ("exitParent", "exitAll", "retry", "retryAll", "continue", "previous")
REQUESTS = ("start", "resumeAll", "continue", "previous", "choice", "jump", "exit", "exitAll", "abandon",
            "abandonAll", "suspendAll")


@st.composite
def sequencing(draw):
    control = {name: draw(st.booleans()) for name in ("choice", "choiceExit", "flow", "forwardOnly")}
    pre = draw(st.lists(st.builds(lambda action, condition: rule(action, condition),
                                  st.sampled_from(PRE_ACTIONS), st.sampled_from(CONDITIONS)), max_size=1))
    post = draw(st.lists(st.builds(lambda action, condition: rule(action, condition),
                                   st.sampled_from(POST_ACTIONS), st.sampled_from(CONDITIONS)), max_size=1))
    limit = draw(st.sampled_from([None, None, 1, 2]))
    controls = {"randomizationTiming": draw(st.sampled_from(["never", "once", "onEachNewAttempt"])),
                "reorderChildren": draw(st.booleans()), "selectCount": draw(st.sampled_from([None, 1, 2])),
                "selectionTiming": draw(st.sampled_from(["never", "once", "onEachNewAttempt"]))}
    return seq(controlMode=control, sequencingRules={"preConditionRules": pre, "postConditionRules": post},
               limitConditions={"attemptLimit": limit}, randomizationControls=controls,
               constrainedChoiceConsiderations={"constrainChoice": draw(st.booleans()),
                                                "preventActivation": draw(st.booleans())})


@st.composite
def activity_trees(draw, depth=0, counter=None):
    counter = counter if counter is not None else [0]
    counter[0] += 1
    identifier = f"n{counter[0]}"
    width = draw(st.integers(0 if depth else 1, 3 if depth < 2 else 0))
    children = [draw(activity_trees(depth + 1, counter)) for _ in range(width)]
    return item(identifier, *children, sequencing=draw(sequencing()) if draw(st.booleans()) else None)


steps = st.lists(st.tuples(st.sampled_from(REQUESTS), st.integers(0, 40),
                           st.sampled_from(["passed", "failed", "unknown"]),
                           st.sampled_from(["completed", "incomplete", "unknown"])), max_size=25)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(root=activity_trees(), script=steps, seed=st.integers(0, 2**16))
def test_random_navigation_keeps_the_sn_invariants(root, script, seed):
    tree = tree_of(root)
    s = SequencingSession(tree, Tracking(seed=seed))
    ids = [activity.identifier for activity in tree.preorder]
    attempts = {identifier: 0 for identifier in ids}
    for request, pick, success, completion in script:
        target = ids[pick % len(ids)]
        if s.tracking.current is not None and s.tracking.state(s.tracking.current).active:
            s.report_attempt(s.tracking.current, {"success_status": success, "completion_status": completion})
        hidden_before = is_hidden_from_choice(s.tracking, tree[target])
        suspended_before = s.tracking.suspended_activity
        if request == "start" and pick % 5 == 0:
            outcome = s.launch()  # the facade's launch: Resume All or Start, closing an open session
        else:
            outcome = s.navigate(request, target if request in ("choice", "jump") else None)
        tracking = s.tracking
        active_leaves = [a.identifier for a in tree.leaves if tracking.state(a.identifier).active]
        assert len(active_leaves) <= 1  # never two current (delivered) activities
        current = tree.get(tracking.current)
        on_path = {a.identifier for a in current.path_to_root()} if current else {tree.root.identifier}
        active = {a.identifier for a in tree.preorder if tracking.state(a.identifier).active}
        assert active <= on_path  # the active activities are the current activity and its ancestors
        if outcome.delivered is not None:
            delivered = tree[outcome.delivered]
            assert delivered.is_leaf and tracking.current == outcome.delivered
            assert active_leaves == [outcome.delivered]
            # every ancestor of the delivered activity is active (SN DB.2 step 5)
            assert all(tracking.state(a.identifier).active for a in delivered.path_to_root())
            if request == "choice":
                assert not hidden_before  # never delivered through choice when hidden from choice
            if request == "resumeAll" and suspended_before is not None and tree[suspended_before].is_leaf:
                assert outcome.delivered == suspended_before  # a suspended state resumes to the same activity
        if outcome.exception is not None:
            assert outcome.delivered is None
        for identifier in ids:  # attempt counts only grow
            count = tracking.activities[identifier].attempt_count if identifier in tracking.activities else 0
            assert count >= attempts[identifier]
            attempts[identifier] = count
        data = json.loads(json.dumps(tracking.to_json()))
        assert Tracking.from_json(data).to_json() == tracking.to_json()  # the model round-trips through JSON


@settings(max_examples=40, deadline=None)
@given(root=activity_trees(), seed=st.integers(0, 2**16))
def test_choice_never_delivers_a_disabled_activity(root, seed):
    # SN DB.1.1 step 3 / UP.5: a disabled activity (and one under a disabled cluster) is never delivered
    tree = tree_of(root)
    s = SequencingSession(tree, Tracking(seed=seed))
    for activity in tree.preorder:
        disabled_path = any(check_activity(s.tracking, node) for node in activity.path_to_root())
        outcome = SequencingSession(tree, Tracking.from_json(s.tracking.to_json())).navigate(
            "choice", activity.identifier)
        if disabled_path and activity.is_leaf:
            assert outcome.delivered != activity.identifier


def _played(root, script, seed):
    """The tree, a session that has run the script's navigation requests on it, and its activity ids."""
    tree = tree_of(root)
    s = SequencingSession(tree, Tracking(seed=seed))
    ids = [activity.identifier for activity in tree.preorder]
    for request, pick, _, _ in script:
        s.navigate(request, ids[pick % len(ids)] if request in ("choice", "jump") else None)
    return tree, s, ids


@settings(max_examples=40, deadline=None)
@given(root=activity_trees(), script=steps, seed=st.integers(0, 2**16))
def test_suspend_then_resume_returns_to_the_same_activity_across_a_json_round_trip(root, script, seed):
    tree, s, ids = _played(root, script, seed)
    current = s.tracking.current
    if current is None or not s.tracking.state(current).active:
        return
    assert s.navigate("suspendAll").end_of_session
    restored = SequencingSession(tree, Tracking.from_json(json.loads(json.dumps(s.tracking.to_json()))))
    assert restored.launch().delivered == current


@settings(max_examples=40, deadline=None)
@given(root=activity_trees(), script=steps, seed=st.integers(0, 2**16))
def test_one_activitys_attempt_count_read_from_the_stored_model_is_the_parsed_models(root, script, seed):
    # SN 4.2.1.2 Activity Attempt Count, as a start reads it for cmi.entry without parsing the whole model.
    tree, s, ids = _played(root, script, seed)
    stored = json.loads(json.dumps(s.tracking.to_json()))
    parsed = Tracking.from_json(stored)
    for identifier in ids:
        state = parsed.activities.get(identifier)
        assert Tracking.attempt_count_in(stored, identifier) == (state.attempt_count if state else None)
    assert Tracking.attempt_count_in(None, ids[0]) is None
