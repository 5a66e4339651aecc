"""Rollup (SN book RB.1.5 Overall Rollup Process and the processes it applies): measure rollup (RB.1.1a),
completion measure rollup (RB.1.1b, 4th ed), objective rollup (RB.1.2 using measure RB.1.2a, using rules RB.1.2b,
with the default rules of SN 4.6.6 when none are authored) and activity progress rollup (RB.1.3), with the rollup
rule check (RB.1.4), condition evaluation (RB.1.4.1) and the check child for rollup subprocess (RB.1.4.2)."""
from __future__ import annotations

from . import objectives, rules
from .activity_tree import Activity
from .randomization import available_children
from .tracking import Tracking

# SN 4.6.6: rules applied when an activity authors none for an action pair.
_DEFAULT_RULES = {
    "satisfied": ({"childActivitySet": "all", "conditionCombination": "any", "action": "satisfied",
                   "conditions": [{"condition": "satisfied", "operator": "noOp"}]},),
    "notSatisfied": ({"childActivitySet": "all", "conditionCombination": "any", "action": "notSatisfied",
                      "conditions": [{"condition": "objectiveStatusKnown", "operator": "noOp"}]},),
    "completed": ({"childActivitySet": "all", "conditionCombination": "any", "action": "completed",
                   "conditions": [{"condition": "completed", "operator": "noOp"}]},),
    "incomplete": ({"childActivitySet": "all", "conditionCombination": "any", "action": "incomplete",
                    "conditions": [{"condition": "activityProgressKnown", "operator": "noOp"}]},),
}


def overall_rollup(tracking: Tracking, activity: Activity) -> None:
    """RB.1.5 Overall Rollup Process: roll up every cluster from the activity to the root."""
    node = activity
    while node is not None:
        if node.children:
            measure_rollup(tracking, node)
            completion_measure_rollup(tracking, node)
            objective_rollup(tracking, node)
            activity_progress_rollup(tracking, node)
        node = node.parent


def measure_rollup(tracking: Tracking, activity: Activity) -> None:
    """RB.1.1a Measure Rollup Process: the weighted mean of the tracked children's rolled-up measures."""
    total = counted = 0.0
    valid = False
    for child in available_children(tracking, activity):
        if not child.tracked:
            continue
        weight = child.sequencing["rollupRules"]["objectiveMeasureWeight"]
        counted += weight
        value = objectives.primary_measure(tracking, child)
        if value is not None:
            total += weight * value
            valid = True
    value = total / counted if valid and counted > 0 else None
    objectives.set_objective(tracking, activity, activity.primary_objective, measure_value=value)


def completion_measure_rollup(tracking: Tracking, activity: Activity) -> None:
    """RB.1.1b Activity Progress Measure Rollup Process (4th ed): weighted mean of the children's progress."""
    total = counted = 0.0
    valid = False
    for child in available_children(tracking, activity):
        if not child.tracked:
            continue
        weight = (child.completion_threshold or {}).get("progressWeight", 1.0)
        counted += weight
        value = objectives.progress_measure(tracking, child)
        if value is not None:
            total += weight * value
            valid = True
    if valid and counted > 0:
        objectives.set_completion(tracking, activity, amount=total / counted)


def objective_rollup(tracking: Tracking, activity: Activity) -> None:
    """RB.1.2 Objective Rollup Process on the activity's rolled-up (primary) objective."""
    definition = activity.objectives[activity.primary_objective]
    if definition.satisfied_by_measure:
        _objective_rollup_using_measure(tracking, activity, definition.min_normalized_measure)
        return
    authored = activity.sequencing["rollupRules"]["rules"]
    if any(rule["action"] in ("satisfied", "notSatisfied") for rule in authored):
        _objective_rollup_using_rules(tracking, activity, authored)
    else:
        _objective_rollup_using_rules(tracking, activity, _DEFAULT_RULES["notSatisfied"]
                                      + _DEFAULT_RULES["satisfied"])


def _objective_rollup_using_measure(tracking: Tracking, activity: Activity, threshold: float) -> None:
    """RB.1.2a Objective Rollup Using Measure Process."""
    value = objectives.primary_measure(tracking, activity)
    state = tracking.activities.get(activity.identifier)
    considerations = activity.sequencing["rollupConsiderations"]
    if value is None or (state is not None and state.active and not considerations["measureSatisfactionIfActive"]):
        status = None
    else:
        status = value >= threshold
    objectives.set_objective(tracking, activity, activity.primary_objective, satisfied_status=status)


def _objective_rollup_using_rules(tracking: Tracking, activity: Activity, rule_list) -> None:
    """RB.1.2b Objective Rollup Using Rules Process: notSatisfied first, so satisfied wins when both fire."""
    if rollup_rule_check(tracking, activity, "notSatisfied", rule_list):
        objectives.set_objective(tracking, activity, activity.primary_objective, satisfied_status=False)
    if rollup_rule_check(tracking, activity, "satisfied", rule_list):
        objectives.set_objective(tracking, activity, activity.primary_objective, satisfied_status=True)


def activity_progress_rollup(tracking: Tracking, activity: Activity) -> None:
    """RB.1.3 Activity Progress Rollup Process (with RB.1.3a, completion by measure, 4th ed)."""
    threshold = activity.completion_threshold
    if threshold and threshold.get("completedByMeasure"):
        amount = objectives.progress_measure(tracking, activity)
        objectives.set_completion(tracking, activity, completed=None if amount is None else
                                  amount >= threshold.get("minProgressMeasure", 1.0))
        return
    authored = activity.sequencing["rollupRules"]["rules"]
    if not any(rule["action"] in ("completed", "incomplete") for rule in authored):
        authored = _DEFAULT_RULES["incomplete"] + _DEFAULT_RULES["completed"]
    if rollup_rule_check(tracking, activity, "incomplete", authored):
        objectives.set_completion(tracking, activity, completed=False)
    if rollup_rule_check(tracking, activity, "completed", authored):
        objectives.set_completion(tracking, activity, completed=True)


def rollup_rule_check(tracking: Tracking, activity: Activity, action: str, rule_list) -> bool:
    """RB.1.4 Rollup Rule Check Subprocess: does any rule with the action fire over the contributing children."""
    children = None
    for rule in rule_list:
        if rule["action"] != action:
            continue
        if children is None:
            children = [child for child in available_children(tracking, activity)
                        if child.tracked and check_child_for_rollup(tracking, child, action)]
        if not children:
            return False  # SN RB.1.4 step 3.3: no contributing children, no status change
        combination = rule.get("conditionCombination", "any")
        values = (rules.combine((_rollup_condition(tracking, child, condition) for condition in rule["conditions"]),
                                combination) for child in children)
        if _child_set_holds(rule, values, len(children)):
            return True
    return False


def _child_set_holds(rule: dict, values, count: int) -> bool:
    """`values`: each contributing child's combined condition, evaluated lazily: all, any and none stop at the
    first child that decides them (conditions only read the tracking model)."""
    child_set = rule.get("childActivitySet", "all")
    if child_set == "all":
        return all(value is True for value in values)
    if child_set == "any":
        return any(value is True for value in values)
    if child_set == "none":
        return all(value is False for value in values)
    true_count = sum(1 for value in values if value is True)
    if child_set == "atLeastCount":
        return true_count >= (rule.get("minimumCount") or 0)
    if child_set == "atLeastPercent":
        return true_count / count >= (rule.get("minimumPercent") or 0.0)
    return False


def _rollup_condition(tracking: Tracking, child: Activity, condition: dict) -> bool | None:
    """RB.1.4.1 Evaluate Rollup Conditions Subprocess, for one condition and its operator."""
    value = rules.condition_value(tracking, child, {"condition": condition["condition"]})
    if condition.get("operator") == "not" and value is not None:
        return not value
    return value


def check_child_for_rollup(tracking: Tracking, child: Activity, action: str) -> bool:
    """RB.1.4.2 Check Child for Rollup Subprocess, with the adlseq required-for considerations."""
    rollup_rules = child.sequencing["rollupRules"]
    considerations = child.sequencing["rollupConsiderations"]
    if action in ("satisfied", "notSatisfied"):
        if not rollup_rules["rollupObjectiveSatisfied"]:
            return False
        required = considerations["requiredForSatisfied" if action == "satisfied" else "requiredForNotSatisfied"]
    else:
        if not rollup_rules["rollupProgressCompletion"]:
            return False
        required = considerations["requiredForCompleted" if action == "completed" else "requiredForIncomplete"]
    state = tracking.activities.get(child.identifier)
    attempted = bool(state and state.attempt_count > 0)
    if required == "ifNotSuspended":
        return not (not attempted or (state.attempt_count > 0 and state.suspended))
    if required == "ifAttempted":
        return attempted
    if required == "ifNotSkipped":
        return not rules.is_skipped(tracking, child)
    return True
