"""Sequencing rule checks (SN book UP.2 Sequencing Rules Check Process, UP.2.1 Sequencing Rule Check Subprocess),
limit conditions (UP.1 Limit Conditions Check Process) and UP.5 Check Activity Process.

Conditions evaluate to True, False or None (unknown): a `not` of unknown stays unknown and a rule fires only
when its combined value is True (SN 3.4.2: "not satisfied" is true only when the status is known)."""
from __future__ import annotations

from . import objectives
from .activity_tree import Activity
from .tracking import Tracking

PRE, EXIT, POST = "preConditionRules", "exitConditionRules", "postConditionRules"


def condition_value(tracking: Tracking, activity: Activity, condition: dict) -> bool | None:
    """One Sequencing Rule Condition (SN 3.4.2 table), before its operator."""
    name = condition["condition"]
    if name == "always":
        return True
    state = tracking.activities.get(activity.identifier)
    key = condition.get("referencedObjective") or activity.primary_objective
    if name == "satisfied":
        return objectives.satisfied(tracking, activity, key)
    if name == "objectiveStatusKnown":
        return objectives.satisfied(tracking, activity, key) is not None
    if name == "objectiveMeasureKnown":
        return objectives.measure(tracking, activity, key) is not None
    if name in ("objectiveMeasureGreaterThan", "objectiveMeasureLessThan"):
        value = objectives.measure(tracking, activity, key)
        if value is None:
            return None
        threshold = condition.get("measureThreshold") or 0.0
        return value > threshold if name == "objectiveMeasureGreaterThan" else value < threshold
    if name == "completed":
        return objectives.completion(tracking, activity)
    if name == "activityProgressKnown":
        return bool(state and state.progress_known) and objectives.completion(tracking, activity) is not None
    if name == "attempted":
        return bool(state and state.attempt_count > 0)
    if name == "attemptLimitExceeded":
        limit = activity.sequencing["limitConditions"]["attemptLimit"]
        return bool(limit and state and state.attempt_count >= limit)
    if name == "timeLimitExceeded":
        limit = activity.attempt_duration_limit
        return bool(limit is not None and state and state.attempt_duration >= limit)
    return False  # outsideAvailableTimeRange: SCORM defines no begin/end time range data (SN 3.4.2)


def combine(values, combination: str) -> bool | None:
    """Evaluate Rule Conditions with the condition combination: all = logical and, any = logical or (3-valued)."""
    unknown = False
    if combination == "any":
        for value in values:
            if value is True:
                return True
            unknown = unknown or value is None
        return None if unknown else False
    for value in values:
        if value is False:
            return False
        unknown = unknown or value is None
    return None if unknown else True


def _negate(value: bool | None, operator: str) -> bool | None:
    if operator == "not" and value is not None:
        return not value
    return value


def rule_fires(tracking: Tracking, activity: Activity, rule: dict) -> bool:
    """UP.2.1 Sequencing Rule Check Subprocess: True only if the rule's conditions evaluate to True."""
    values = (_negate(condition_value(tracking, activity, condition), condition.get("operator", "noOp"))
              for condition in rule["conditions"])
    return combine(values, rule.get("conditionCombination", "all")) is True


def rules_check(tracking: Tracking, activity: Activity, kind: str, actions: tuple[str, ...]) -> str | None:
    """UP.2 Sequencing Rules Check Process: the action of the first rule of `kind` with one of `actions` that
    fires, else None."""
    for rule in activity.sequencing["sequencingRules"][kind]:
        if rule["action"] in actions and rule_fires(tracking, activity, rule):
            return rule["action"]
    return None


def limit_conditions_violated(tracking: Tracking, activity: Activity) -> bool:
    """UP.1 Limit Conditions Check Process."""
    if not activity.tracked:
        return False
    state = tracking.activities.get(activity.identifier)
    if state is None or state.active or state.suspended:
        return False
    limit = activity.sequencing["limitConditions"]["attemptLimit"]
    if limit and state.progress_known and state.attempt_count >= limit:  # 0 means no limit (CAM 5.1.7.1)
        return True
    duration_limit = activity.attempt_duration_limit
    return bool(duration_limit is not None and state.progress_known and state.attempt_duration >= duration_limit)


def check_activity(tracking: Tracking, activity: Activity) -> bool:
    """UP.5 Check Activity Process: True when the activity may not be delivered (disabled or a limit is met)."""
    if rules_check(tracking, activity, PRE, ("disabled",)):
        return True
    return limit_conditions_violated(tracking, activity)


def is_skipped(tracking: Tracking, activity: Activity) -> bool:
    return rules_check(tracking, activity, PRE, ("skip",)) is not None


def is_hidden_from_choice(tracking: Tracking, activity: Activity) -> bool:
    return rules_check(tracking, activity, PRE, ("hiddenFromChoice",)) is not None


def stops_forward_traversal(tracking: Tracking, activity: Activity) -> bool:
    return rules_check(tracking, activity, PRE, ("stopForwardTraversal",)) is not None
