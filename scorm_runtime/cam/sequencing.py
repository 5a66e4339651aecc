"""The imsss/adlseq sequencing definition of an activity (CAM 5.1.1 <sequencing>, SN book section 3), as JSON.

Each <imsss:sequencing> becomes one dict with every element of the Sequencing Definition Model and its
default filled in, so the sequencing engine (the next issue) reads one shape. A <sequencing IDRef="x"> takes the
<imsss:sequencingCollection> entry with ID "x" and overrides it with what it writes itself: attribute by attribute
for single elements (an empty local <controlMode/> keeps the collection's modes), whole lists for rules of one
kind, rollup rules, objectives and auxiliary resources.

Shape (keys are the manifest's element and attribute names):
    {"controlMode": {"choice", "choiceExit", "flow", "forwardOnly", "useCurrentAttemptObjectiveInfo",
                     "useCurrentAttemptProgressInfo"},
     "sequencingRules": {"preConditionRules"|"exitConditionRules"|"postConditionRules":
                         [{"conditionCombination", "conditions": [{"condition", "operator",
                           "referencedObjective", "measureThreshold"}], "action"}]},
     "limitConditions": {"attemptLimit", "attemptAbsoluteDurationLimit"},
     "auxiliaryResources": [{"auxiliaryResourceID", "purpose"}],
     "rollupRules": {"rollupObjectiveSatisfied", "rollupProgressCompletion", "objectiveMeasureWeight",
                     "rules": [{"childActivitySet", "minimumCount", "minimumPercent", "conditionCombination",
                                "conditions": [{"condition", "operator"}], "action"}]},
     "objectives": [{"objectiveID", "primary", "satisfiedByMeasure", "minNormalizedMeasure",
                     "mapInfo": [{"targetObjectiveID", "readSatisfiedStatus", "readNormalizedMeasure",
                                  "writeSatisfiedStatus", "writeNormalizedMeasure"}],
                     "adlseqMapInfo": [{"targetObjectiveID", "readRawScore", ..., "writeProgressMeasure"}]}],
     "randomizationControls": {"randomizationTiming", "selectCount", "reorderChildren", "selectionTiming"},
     "deliveryControls": {"tracked", "completionSetByContent", "objectiveSetByContent"},
     "constrainedChoiceConsiderations": {"preventActivation", "constrainChoice"},
     "rollupConsiderations": {"requiredForSatisfied", "requiredForNotSatisfied", "requiredForCompleted",
                              "requiredForIncomplete", "measureSatisfactionIfActive"},
     "idRef": str | None}
"""
from __future__ import annotations

from . import elements as el
from . import rules

SEQUENCING_RULE_CONDITIONS = (
    "satisfied", "objectiveStatusKnown", "objectiveMeasureKnown", "objectiveMeasureGreaterThan",
    "objectiveMeasureLessThan", "completed", "activityProgressKnown", "attempted", "attemptLimitExceeded",
    "timeLimitExceeded", "outsideAvailableTimeRange", "always",
)
RULE_ACTIONS = {
    "preConditionRule": ("skip", "disabled", "hiddenFromChoice", "stopForwardTraversal"),
    "exitConditionRule": ("exit",),
    "postConditionRule": ("exitParent", "exitAll", "retry", "retryAll", "continue", "previous"),
}
ROLLUP_CONDITIONS = (
    "satisfied", "objectiveStatusKnown", "objectiveMeasureKnown", "completed", "activityProgressKnown",
    "attempted", "attemptLimitExceeded", "timeLimitExceeded", "outsideAvailableTimeRange",
)
ROLLUP_ACTIONS = ("satisfied", "notSatisfied", "completed", "incomplete")
CHILD_ACTIVITY_SETS = ("all", "any", "none", "atLeastCount", "atLeastPercent")
OPERATORS = ("not", "noOp")
COMBINATIONS = ("all", "any")
TIMINGS = ("never", "once", "onEachNewAttempt")
REQUIRED_FOR = ("always", "ifAttempted", "ifNotSkipped", "ifNotSuspended")
_ADLSEQ_MAP_READS = ("readRawScore", "readMinScore", "readMaxScore", "readCompletionStatus", "readProgressMeasure")
_ADLSEQ_MAP_WRITES = ("writeRawScore", "writeMinScore", "writeMaxScore", "writeCompletionStatus",
                      "writeProgressMeasure")

def default_sequencing() -> dict:
    """The Sequencing Definition Model defaults, for an activity whose manifest says nothing."""
    return {
        "controlMode": {"choice": True, "choiceExit": True, "flow": False, "forwardOnly": False,
                        "useCurrentAttemptObjectiveInfo": True, "useCurrentAttemptProgressInfo": True},
        "sequencingRules": {"preConditionRules": [], "exitConditionRules": [], "postConditionRules": []},
        "limitConditions": {"attemptLimit": None, "attemptAbsoluteDurationLimit": None},
        "auxiliaryResources": [],
        "rollupRules": {"rollupObjectiveSatisfied": True, "rollupProgressCompletion": True,
                        "objectiveMeasureWeight": 1.0, "rules": []},
        "objectives": [],
        "randomizationControls": {"randomizationTiming": "never", "selectCount": None, "reorderChildren": False,
                                  "selectionTiming": "never"},
        "deliveryControls": {"tracked": True, "completionSetByContent": False, "objectiveSetByContent": False},
        "constrainedChoiceConsiderations": {"preventActivation": False, "constrainChoice": False},
        "rollupConsiderations": {"requiredForSatisfied": "always", "requiredForNotSatisfied": "always",
                                 "requiredForCompleted": "always", "requiredForIncomplete": "always",
                                 "measureSatisfactionIfActive": True},
        "idRef": None,
    }


# (attribute, kind, default, extra) of the single-valued elements, read only when written.
_CONTROL_MODES = tuple((name, "bool", None, None) for name in default_sequencing()["controlMode"])
_DELIVERY_CONTROLS = tuple((name, "bool", None, None) for name in default_sequencing()["deliveryControls"])
_LIMIT_CONDITIONS = (("attemptLimit", "integer", None, None), ("attemptAbsoluteDurationLimit", "text", None, None))
_ROLLUP_RULES = (("rollupObjectiveSatisfied", "bool", True, None), ("rollupProgressCompletion", "bool", True, None),
                 ("objectiveMeasureWeight", "decimal", 1.0, (0.0, 1.0)))
_RANDOMIZATION_CONTROLS = (("randomizationTiming", "token", "never", TIMINGS), ("selectCount", "integer", None, None),
                           ("reorderChildren", "bool", False, None), ("selectionTiming", "token", "never", TIMINGS))
_CONSTRAINED_CHOICE = (("preventActivation", "bool", False, None), ("constrainChoice", "bool", False, None))
_ROLLUP_CONSIDERATIONS = tuple(
    (name, "token", "always", REQUIRED_FOR) for name in (
        "requiredForSatisfied", "requiredForNotSatisfied", "requiredForCompleted", "requiredForIncomplete")
) + (("measureSatisfactionIfActive", "bool", True, None),)


class SequencingReader:
    """Reads <imsss:sequencing> elements into partial dicts: only the elements, and of single-valued elements only
    the attributes, that the manifest writes (so a collection entry's values survive what an item leaves out)."""

    def __init__(self, reader: el.ValueReader):
        self.values = reader

    def _bool(self, element, name: str, default):
        return self.values.boolean(el.attribute(element, name), default, f"{_name(element)}@{name}",
                                   rules.SEQUENCING)

    def _token(self, element, name: str, default, allowed: tuple[str, ...]):
        return self.values.token(el.attribute(element, name), default, allowed, f"{_name(element)}@{name}",
                                 rules.SEQUENCING)

    def _decimal(self, element, name: str, default, low=None, high=None):
        return self.values.decimal(el.attribute(element, name), default, f"{_name(element)}@{name}",
                                   rules.SEQUENCING, low, high)

    def _integer(self, element, name: str, default):
        return self.values.integer(el.attribute(element, name), default, f"{_name(element)}@{name}",
                                   rules.SEQUENCING)

    def _present(self, element, spec: tuple) -> dict:
        """The attributes of `spec` ((name, kind, default, extra), ...) that the element writes, typed."""
        written = el.plain_attributes(element)
        present = {}
        for name, kind, default, extra in spec:
            if name.lower() not in written:
                continue
            if kind == "bool":
                present[name] = self._bool(element, name, default)
            elif kind == "token":
                present[name] = self._token(element, name, default, extra)
            elif kind == "decimal":
                present[name] = self._decimal(element, name, default, *extra)
            elif kind == "integer":
                present[name] = self._integer(element, name, default)
            else:
                present[name] = _stripped(written[name.lower()])
        return present

    def read(self, element) -> dict:
        parts: dict = {}
        for part in element:
            fam, local = el.split(part.tag)
            if fam == el.IMSSS:
                reader = getattr(self, f"_read_{local}", None)
                if reader is not None:
                    parts[local] = reader(part)
            elif fam == el.ADLSEQ and local == "constrainedChoiceConsiderations":
                parts[local] = self._present(part, _CONSTRAINED_CHOICE)
            elif fam == el.ADLSEQ and local == "rollupConsiderations":
                parts[local] = self._present(part, _ROLLUP_CONSIDERATIONS)
            elif fam == el.ADLSEQ and local == "objectives":
                parts["adlseqObjectives"] = self._read_adlseq_objectives(part)
        return parts

    def _read_controlMode(self, part) -> dict:
        return self._present(part, _CONTROL_MODES)

    def _read_sequencingRules(self, part) -> dict:
        result: dict = {}
        for rule in part:
            fam, local = el.split(rule.tag)
            if fam != el.IMSSS or local not in RULE_ACTIONS:
                continue
            conditions_element = el.child(rule, el.IMSSS, "ruleConditions")
            conditions = []
            combination = "all"
            if conditions_element is not None:
                combination = self._token(conditions_element, "conditionCombination", "all", COMBINATIONS)
                for condition in el.children(conditions_element, el.IMSSS, "ruleCondition"):
                    conditions.append({
                        "condition": self._token(condition, "condition", None, SEQUENCING_RULE_CONDITIONS),
                        "operator": self._token(condition, "operator", "noOp", OPERATORS),
                        "referencedObjective": _stripped(el.attribute(condition, "referencedObjective")),
                        "measureThreshold": self._decimal(condition, "measureThreshold", 0.0, -1.0, 1.0),
                    })
            if not conditions or any(c["condition"] is None for c in conditions):
                self.values.refuse(f"imsss:{local} needs at least one ruleCondition with a condition",
                                   rules.SEQUENCING)
            action_element = el.child(rule, el.IMSSS, "ruleAction")
            action = None if action_element is None else self._token(
                action_element, "action", None, RULE_ACTIONS[local])
            if action is None:
                self.values.refuse(f"imsss:{local} needs a ruleAction with an action", rules.SEQUENCING)
            result.setdefault(local + "s", []).append(
                {"conditionCombination": combination, "conditions": conditions, "action": action})
        return result

    def _read_limitConditions(self, part) -> dict:
        return self._present(part, _LIMIT_CONDITIONS)

    def _read_auxiliaryResources(self, part) -> list:
        return [{"auxiliaryResourceID": el.attribute(resource, "auxiliaryResourceID"),
                 "purpose": el.attribute(resource, "purpose")}
                for resource in el.children(part, el.IMSSS, "auxiliaryResource")]

    def _read_rollupRules(self, part) -> dict:
        result = self._present(part, _ROLLUP_RULES)
        for rule in el.children(part, el.IMSSS, "rollupRule"):
            conditions_element = el.child(rule, el.IMSSS, "rollupConditions")
            conditions = []
            combination = "any"
            if conditions_element is not None:
                combination = self._token(conditions_element, "conditionCombination", "any", COMBINATIONS)
                for condition in el.children(conditions_element, el.IMSSS, "rollupCondition"):
                    conditions.append({
                        "condition": self._token(condition, "condition", None, ROLLUP_CONDITIONS),
                        "operator": self._token(condition, "operator", "noOp", OPERATORS)})
            if not conditions or any(c["condition"] is None for c in conditions):
                self.values.refuse("imsss:rollupRule needs at least one rollupCondition with a condition",
                                   rules.SEQUENCING)
            action_element = el.child(rule, el.IMSSS, "rollupAction")
            action = None if action_element is None else self._token(action_element, "action", None,
                                                                     ROLLUP_ACTIONS)
            if action is None:
                self.values.refuse("imsss:rollupRule needs a rollupAction with an action", rules.SEQUENCING)
            result.setdefault("rules", []).append({
                "childActivitySet": self._token(rule, "childActivitySet", "all", CHILD_ACTIVITY_SETS),
                "minimumCount": self._integer(rule, "minimumCount", 0),
                "minimumPercent": self._decimal(rule, "minimumPercent", 0.0, 0.0, 1.0),
                "conditionCombination": combination, "conditions": conditions, "action": action})
        return result

    def _read_objectives(self, part) -> list:
        objectives = []
        for objective in part:
            fam, local = el.split(objective.tag)
            if fam != el.IMSSS or local not in ("primaryObjective", "objective"):
                continue
            objective_id = _stripped(el.attribute(objective, "objectiveID"))
            if local == "objective" and not objective_id:
                self.values.refuse("imsss:objective needs an objectiveID", rules.SEQUENCING)
            measure = el.child(objective, el.IMSSS, "minNormalizedMeasure")
            objectives.append({
                "objectiveID": objective_id,
                "primary": local == "primaryObjective",
                "satisfiedByMeasure": self._bool(objective, "satisfiedByMeasure", False),
                "minNormalizedMeasure": self.values.decimal(
                    el.text(measure), 1.0, "imsss:minNormalizedMeasure", rules.SEQUENCING, -1.0, 1.0),
                "mapInfo": [{
                    "targetObjectiveID": self._target(info, "imsss:mapInfo"),
                    "readSatisfiedStatus": self._bool(info, "readSatisfiedStatus", True),
                    "readNormalizedMeasure": self._bool(info, "readNormalizedMeasure", True),
                    "writeSatisfiedStatus": self._bool(info, "writeSatisfiedStatus", False),
                    "writeNormalizedMeasure": self._bool(info, "writeNormalizedMeasure", False),
                } for info in el.children(objective, el.IMSSS, "mapInfo")],
                "adlseqMapInfo": [],
            })
        return objectives

    def _read_adlseq_objectives(self, part) -> list:
        result = []
        for objective in el.children(part, el.ADLSEQ, "objective"):
            objective_id = _stripped(el.attribute(objective, "objectiveID"))
            if not objective_id:
                self.values.refuse("adlseq:objective needs an objectiveID", rules.SEQUENCING)
            result.append({"objectiveID": objective_id, "mapInfo": [{
                "targetObjectiveID": self._target(info, "adlseq:mapInfo"),
                **{name: self._bool(info, name, True) for name in _ADLSEQ_MAP_READS},
                **{name: self._bool(info, name, False) for name in _ADLSEQ_MAP_WRITES},
            } for info in el.children(objective, el.ADLSEQ, "mapInfo")]})
        return result

    def _target(self, info, what: str) -> str:
        target = _stripped(el.attribute(info, "targetObjectiveID"))
        if not target:
            self.values.refuse(f"{what} needs a targetObjectiveID", rules.SEQUENCING)
        return target

    def _read_randomizationControls(self, part) -> dict:
        return self._present(part, _RANDOMIZATION_CONTROLS)

    def _read_deliveryControls(self, part) -> dict:
        return self._present(part, _DELIVERY_CONTROLS)


# Elements holding one set of attributes merge attribute by attribute; list-valued ones are replaced whole.
_ATTRIBUTE_PARTS = ("controlMode", "limitConditions", "randomizationControls", "deliveryControls",
                    "constrainedChoiceConsiderations", "rollupConsiderations")


def resolve(local: dict, id_ref: str | None, collection: dict[str, dict], reader: el.ValueReader) -> dict:
    """The full definition: defaults, then the collection entry IDRef names, then the element's own values."""
    merged = default_sequencing()
    base: dict = {}
    if id_ref is not None:
        if id_ref not in collection:
            reader.refuse(f"imsss:sequencing IDRef {id_ref[:200]!r} names no sequencing in the "
                          "imsss:sequencingCollection", rules.SEQUENCING)
        base = collection[id_ref]
    for source in (base, local):
        for part in _ATTRIBUTE_PARTS:
            if part in source:
                merged[part] = {**merged[part], **source[part]}
        if "sequencingRules" in source:
            merged["sequencingRules"] = {**merged["sequencingRules"], **source["sequencingRules"]}
        if "rollupRules" in source:
            merged["rollupRules"] = {**merged["rollupRules"], **source["rollupRules"]}
        for part in ("auxiliaryResources", "objectives"):
            if part in source:
                merged[part] = source[part]
    adlseq_objectives = local.get("adlseqObjectives", base.get("adlseqObjectives", []))
    merged["objectives"] = [dict(objective) for objective in merged["objectives"]]
    by_id = {objective["objectiveID"]: objective for objective in merged["objectives"]}
    for extension in adlseq_objectives:
        objective = by_id.get(extension["objectiveID"])
        if objective is None:
            reader.refuse(f"adlseq:objective {extension['objectiveID'][:200]!r} names no imsss objective of "
                          "the same activity", rules.SEQUENCING)
        objective["adlseqMapInfo"] = extension["mapInfo"]
    merged["idRef"] = id_ref
    return merged


def _name(element) -> str:
    fam, local = el.split(element.tag)
    return f"{fam}:{local}"


def _stripped(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None
