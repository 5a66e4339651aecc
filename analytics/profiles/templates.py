"""Statement Template validation (xAPI Profiles Part Three §2.1 `validates`, Part Two §8.0-§8.1) and the
extension rules of Part Two §7.2, returning every failed rule so reports can name template and rule."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from analytics.profiles.jsonpath import EvaluationTooCostly
from analytics.profiles.model import Profile, Rule, Template
from analytics.profiles.values import canonical

SUCCESS, INVALID, UNMATCHED = "success", "invalid", "unmatched"
_UNMATCHABLE = object()
# A StatementRef target is validated against the templates too; its own references are not followed further.
_REFERENCE_DEPTH = 1


@dataclass(frozen=True)
class Violation:
    """One broken requirement: a template's rule (rule index; -1 for a determining/StatementRef requirement),
    or an extension concept (`template` None, `concept` its id)."""
    template: str | None
    rule: int | None
    message: str
    concept: str | None = None
    location: str | None = None

    def to_dict(self) -> dict:
        return {key: value for key, value in (("template", self.template), ("rule", self.rule),
                                              ("concept", self.concept), ("location", self.location),
                                              ("message", self.message)) if value is not None}


@dataclass
class Outcome:
    """`validates` for one statement and one profile version, plus the §7.2 extension checks."""
    outcome: str
    matched: list[str] = field(default_factory=list)      # templates whose rules all hold
    failed: list[str] = field(default_factory=list)       # templates matched on determining properties only
    violations: list[Violation] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.violations


def normalized(statement: dict) -> dict:
    """§8.1: contextActivities singletons replaced by arrays of one, on a shallow copy."""
    context = statement.get("context")
    activities = context.get("contextActivities") if isinstance(context, dict) else None
    if not isinstance(activities, dict) or not any(isinstance(value, dict) for value in activities.values()):
        return statement
    fixed = {key: [value] if isinstance(value, dict) else value for key, value in activities.items()}
    return {**statement, "context": {**context, "contextActivities": fixed}}


NOT_CHECKED = ("not checked: checking this statement would visit more JSONPath locations than the request's "
               "budget (LRS_PROFILE_MAX_RULE_STEPS)")


def validate(statement: dict, profile: Profile, *, lookup: Callable[[str], dict | None] | None = None,
             depth: int = 0) -> Outcome:
    """Inside a jsonpath.budget() a check that would spend it ends as `invalid`, its one violation saying it was
    not checked, so enforce refuses the statement, report records it and nothing runs on unbounded."""
    if depth > 0:
        return _validate(statement, profile, lookup, depth)
    try:
        return _validate(statement, profile, lookup, depth)
    except EvaluationTooCostly:
        return Outcome(INVALID, violations=[Violation(None, None, NOT_CHECKED)])


def _validate(statement: dict, profile: Profile, lookup, depth: int) -> Outcome:
    if not isinstance(statement, dict):
        return Outcome(UNMATCHED)
    statement = normalized(statement)
    result = Outcome(UNMATCHED)
    verb = _get(statement, "verb", "id")
    for template in profile.templates_for(verb if isinstance(verb, str) else None):
        if not matches_determining_properties(statement, template):
            continue
        broken = _broken_rules(statement, template, profile, lookup, depth)
        if broken:
            result.failed.append(template.id)
            result.violations.extend(broken)
        else:
            result.matched.append(template.id)
    result.outcome = INVALID if result.failed else SUCCESS if result.matched else UNMATCHED
    if depth == 0:
        result.violations.extend(extension_violations(statement, profile))
    return result


def matches_determining_properties(statement: dict, template: Template) -> bool:
    if template.verb is not None and _get(statement, "verb", "id") != template.verb:
        return False
    if template.object_activity_type is not None:
        target = statement.get("object")
        if not isinstance(target, dict) or target.get("objectType", "Activity") != "Activity" \
                or _get(target, "definition", "type") != template.object_activity_type:
            return False
    activities = _get(statement, "context", "contextActivities")
    activities = activities if isinstance(activities, dict) else {}
    for key, wanted in (("grouping", template.context_grouping_types), ("parent", template.context_parent_types),
                        ("other", template.context_other_types), ("category", template.context_category_types)):
        if wanted and not set(wanted) <= _types(activities.get(key)):
            return False
    if template.attachment_usage_types:
        attachments = statement.get("attachments")
        usage = {attachment.get("usageType") for attachment in attachments if isinstance(attachment, dict)} \
            if isinstance(attachments, list) else set()
        if not set(template.attachment_usage_types) <= usage:
            return False
    return True


def _types(activities) -> set:
    if not isinstance(activities, list):
        return set()
    return {_get(activity, "definition", "type") for activity in activities if isinstance(activity, dict)}


def _get(value, *keys):
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _broken_rules(statement: dict, template: Template, profile: Profile, lookup, depth: int) -> list[Violation]:
    broken = []
    for name, refs, target in (("objectStatementRefTemplate", template.object_statement_ref_templates,
                                statement.get("object")),
                               ("contextStatementRefTemplate", template.context_statement_ref_templates,
                                _get(statement, "context", "statement"))):
        if not refs:
            continue
        if not isinstance(target, dict) or target.get("objectType") != "StatementRef":
            broken.append(Violation(template.id, -1, f"{name}: the statement's "
                                    f"{'object' if name.startswith('object') else 'context.statement'} "
                                    "MUST be a StatementRef"))
            continue
        other = lookup(target.get("id")) if lookup is not None and depth < _REFERENCE_DEPTH \
            and isinstance(target.get("id"), str) else None
        if other is not None:  # "if a Statement ... is available to the checking system"
            matched = validate(other, profile, lookup=lookup, depth=depth + 1).matched
            if not set(matched) & set(refs):
                broken.append(Violation(template.id, -1, f"{name}: statement {target.get('id')} matches none of "
                                        f"{', '.join(refs)}"))
    for rule in template.rules:
        message = rule_failure(statement, rule)
        if message is not None:
            broken.append(Violation(template.id, rule.index, message, location=rule.source.get("location")))
    return broken


def rule_failure(statement: dict, rule: Rule) -> str | None:
    """None when the rule is followed (Part Three §2.1 follows_rule); else why it is not."""
    values = rule.location.values(statement)
    if rule.selector is not None:
        selected: list = []
        for value in values:
            found = rule.selector.values(value)
            selected.extend(found if found else [_UNMATCHABLE])
        values = selected
    unmatchable = any(value is _UNMATCHABLE for value in values)
    keys = [canonical(value) for value in values if value is not _UNMATCHABLE]
    strict = True
    if rule.presence == "included":
        if unmatchable:
            return "presence included: a location has no value for the selector"
        if not values:
            return "presence included: no value at the location"
    elif rule.presence == "excluded":
        if keys:
            return "presence excluded: the location has a value"
    elif rule.presence == "recommended":
        strict = False
    applies = strict or bool(values)
    if rule.any is not None and applies and not (set(keys) & rule.any):
        return "any: none of the values is one of the rule's 'any' values"
    if rule.all is not None and applies:
        if unmatchable:
            return "all: a location has no value for the selector"
        if any(key not in rule.all for key in keys):
            return "all: a value is not one of the rule's 'all' values"
    if rule.none is not None and applies and any(key in rule.none for key in keys):
        return "none: a value is one of the rule's 'none' values"
    return None


def extension_violations(statement: dict, profile: Profile) -> list[Violation]:
    """Part Two §7.2: a profile's extension only where its type allows, and valid against its JSON Schema."""
    if not profile.extensions:
        return []
    found = []
    places = [("context", _get(statement, "context", "extensions")),
              ("result", _get(statement, "result", "extensions"))]
    for path, activity in _activities(statement):
        places.append((f"{path}.definition", _get(activity, "definition", "extensions")))
    allowed = {"context": "ContextExtension", "result": "ResultExtension"}
    for place, extensions in places:
        if not isinstance(extensions, dict):
            continue
        for key, value in extensions.items():
            extension = profile.extensions.get(key)
            if extension is None:
                continue
            expected = allowed.get(place, "ActivityExtension")
            if extension.type != expected:
                found.append(Violation(None, None, f"a {extension.type} used in {place}: only a {expected} may be",
                                       concept=key, location=f"{place}.extensions"))
            elif extension.validator is not None:
                error = next(iter(extension.validator.iter_errors(value)), None)
                if error is not None:
                    found.append(Violation(None, None, f"the value does not follow the extension's JSON Schema: "
                                           f"{str(error.message)[:300]}", concept=key,
                                           location=f"{place}.extensions"))
    return found


def _activities(statement: dict):
    target = statement.get("object")
    if isinstance(target, dict) and target.get("objectType", "Activity") == "Activity":
        yield "object", target
    context_activities = _get(statement, "context", "contextActivities")
    for key, activities in (context_activities.items() if isinstance(context_activities, dict) else ()):
        for index, activity in enumerate(activities if isinstance(activities, list) else ()):
            if isinstance(activity, dict):
                yield f"context.contextActivities.{key}[{index}]", activity
