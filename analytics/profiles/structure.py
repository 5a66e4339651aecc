"""Reads a profile document into analytics.profiles.model, checking the requirements of xAPI Profiles Part Two
on the way. A broken requirement is a 400 whose `section` cites it and whose `path` says where it is broken.

Two deviations that ADL's own published profiles have are tolerated and reported as warnings instead
(the issue asks that the published cmi5, SCORM and video profiles load):
- an empty `rules` array (§4.0 forbids empty arrays; scorm-v1.0 has eight), read as "no rules";
- `scopeNote` language maps: the normative context gives `scopeNote` no @language container, so their
  language tags do not expand to IRIs (§4.0); they are checked as language maps here instead;
- a Statement Template without `definition` (§8.0 requires it; cmi5-v1.0 leaves it out of all ten): it is
  text for people and changes nothing in validation.
"""
from __future__ import annotations

import re
from datetime import datetime

import jsonschema_rs
import orjson

from analytics.profiles import jsonld
from analytics.profiles.errors import ProfileInvalid
from analytics.profiles.jsonpath import JsonPathError, parse
from analytics.profiles.model import (EXTENSION_TYPES, PATTERN_KINDS, PRESENCE, Extension, Pattern, Profile,
                                      Rule, Template)
from analytics.profiles.values import canonical

PROFILE_TYPE = "Profile"
VERB_LIKE = ("Verb", "ActivityType", "AttachmentUsageType")
DOCUMENT_RESOURCES = ("StateResource", "AgentProfileResource", "ActivityProfileResource")
CONCEPT_TYPES = VERB_LIKE + EXTENSION_TYPES + DOCUMENT_RESOURCES + ("Activity",)
MAX_PATTERN_DEPTH = 64  # a limit of this LRS (the matcher recurses once per level), not of the spec
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`\x00-\x1f\x7f]*$")
_RELATION_ARRAYS = ("broader", "broadMatch", "narrower", "narrowMatch", "related", "relatedMatch", "exactMatch")


def _fail(message: str, path: str, section: str) -> ProfileInvalid:
    return ProfileInvalid(message, path=path, section=f"xAPI Profiles Part Two {section}")


def read_profile(body: bytes) -> tuple[Profile, dict]:
    """The profile a JSON-LD document describes and the document itself; ProfileInvalid when it is malformed."""
    try:
        document = orjson.loads(body)
    except orjson.JSONDecodeError as error:
        raise _fail(f"the profile is not JSON: {error}", "", "§2.0") from None
    if not isinstance(document, dict):
        raise _fail("a profile is a JSON object", "", "§6.0")
    _check_no_empty_values(document)
    _check_jsonld(document)
    return _Reader(document).profile(), document


# --- §4.0 and §2.0 --------------------------------------------------------------------------------

def _check_no_empty_values(document: dict) -> None:
    """§4.0: values MUST NOT be empty objects, null, empty strings or empty arrays (iterative walk)."""
    stack: list[tuple[object, str]] = [(document, "")]
    while stack:
        value, path = stack.pop()
        if value is None or value == "" or value == {} or value == []:
            if value == [] and path.endswith(".rules"):
                continue  # tolerated: see the module docstring
            if "inlineSchema" in path or ".activityDefinition.extensions" in path:
                continue  # a JSON Schema or an extension value is not profile structure
            shown = ("null" if value is None else "an empty string" if value == ""
                     else "an empty object" if value == {} else "an empty array")
            raise _fail(f"a profile value MUST NOT be {shown}", path.lstrip("."), "§4.0")
        if isinstance(value, dict):
            stack.extend((item, f"{path}.{key}") for key, item in value.items())
        elif isinstance(value, list):
            stack.extend((item, f"{path}[{index}]") for index, item in enumerate(value))


def _without_scope_notes(value):
    if isinstance(value, dict):
        return {key: _without_scope_notes(item) for key, item in value.items() if key != "scopeNote"}
    if isinstance(value, list):
        return [_without_scope_notes(item) for item in value]
    return value


def _check_jsonld(document: dict) -> None:
    """§2.0: the document is JSON-LD the standard algorithms process (with the shipped contexts only), and
    §4.0: every property that is not a keyword expands to an absolute IRI."""
    jsonld.check_depth(document)
    _expanded, dropped = jsonld.expand(_without_scope_notes(document))
    if dropped:
        names = sorted(set(dropped))
        raise _fail(f"properties that do not expand to absolute IRIs with the profile's @context: "
                    f"{', '.join(names[:10])}; every property that is not a JSON-LD keyword MUST expand to an "
                    "absolute IRI (use a compact or absolute IRI, or add it to an inline @context)", "", "§4.0")


# --- the structure ---------------------------------------------------------------------------------

class _Reader:
    def __init__(self, document: dict):
        self.document = document
        self.warnings: list[str] = []
        self.ids: dict[str, str] = {}  # every id in the profile -> where it was defined

    # small checks
    def _iri(self, value, path: str, section: str) -> str:
        if not isinstance(value, str) or not _IRI.match(value):
            raise _fail("an absolute IRI is required", path, section)
        return value

    def _iris(self, value, path: str, section: str) -> tuple[str, ...]:
        if not isinstance(value, list):
            raise _fail("an array of IRIs is required", path, section)
        return tuple(self._iri(item, f"{path}[{index}]", section) for index, item in enumerate(value))

    def _language_map(self, value, path: str, section: str) -> dict:
        if not isinstance(value, dict) or not all(isinstance(text, str) for text in value.values()):
            raise _fail("a language map (an object of language tag -> string) is required", path, section)
        return value

    def _required(self, node: dict, name: str, path: str, section: str):
        if name not in node:
            raise _fail(f"'{name}' is required", f"{path}.{name}".lstrip("."), section)
        return node[name]

    def _boolean(self, node: dict, name: str, path: str, section: str) -> bool:
        value = node.get(name, False)
        if not isinstance(value, bool):
            raise _fail(f"'{name}' is a boolean", f"{path}.{name}", section)
        return value

    def _array(self, node: dict, name: str, path: str, section: str) -> list:
        value = node.get(name, [])
        if not isinstance(value, list):
            raise _fail(f"'{name}' is an array", f"{path}.{name}".lstrip("."), section)
        return value

    def _define(self, identifier: str, path: str, section: str) -> None:
        if identifier in self.ids:
            raise _fail(f"the id {identifier} is also used at {self.ids[identifier]}; every Concept, Statement "
                        "Template and Pattern needs its own", f"{path}.id", section)
        self.ids[identifier] = path

    # §6.0
    def profile(self) -> Profile:
        document = self.document
        context = self._required(document, "@context", "", "§6.0")
        contexts = context if isinstance(context, list) else [context]
        if jsonld.PROFILE_CONTEXT not in contexts:
            raise _fail(f"@context MUST be {jsonld.PROFILE_CONTEXT} or, as an array, contain it", "@context", "§6.0")
        profile_id = self._iri(self._required(document, "id", "", "§6.0"), "id", "§6.0")
        if self._required(document, "type", "", "§6.0") != PROFILE_TYPE:
            raise _fail("'type' MUST be Profile", "type", "§6.0")
        self._iri(self._required(document, "conformsTo", "", "§6.0"), "conformsTo", "§6.0")
        pref_label = self._language_map(self._required(document, "prefLabel", "", "§6.0"), "prefLabel", "§6.0")
        self._language_map(self._required(document, "definition", "", "§6.0"), "definition", "§6.0")
        if "seeAlso" in document:
            self._iri(document["seeAlso"], "seeAlso", "§6.0")
        self._author(self._required(document, "author", "", "§6.0"))
        version_id, version_ids, generated_at = self._versions(profile_id)
        self.version_ids = frozenset(version_ids)
        self.ids[profile_id] = "id"
        for version in version_ids:
            self.ids[version] = "versions"
        concepts, extensions = self._concepts()
        raw_templates = self._array(document, "templates", "", "§6.0")
        raw_patterns = self._array(document, "patterns", "", "§6.0")
        for index, node in enumerate(raw_templates):
            if isinstance(node, dict) and isinstance(node.get("id"), str):
                self._define(node["id"], f"templates[{index}]", "§8.0")
        for index, node in enumerate(raw_patterns):
            if isinstance(node, dict) and isinstance(node.get("id"), str):
                self._define(node["id"], f"patterns[{index}]", "§9.0")
        template_ids = {node.get("id") for node in raw_templates if isinstance(node, dict)}
        templates = tuple(self._template(node, f"templates[{index}]", template_ids)
                          for index, node in enumerate(raw_templates))
        patterns = self._patterns(raw_patterns, template_ids)
        return Profile(id=profile_id, version_id=version_id, version_ids=version_ids, generated_at=generated_at,
                       pref_label=pref_label, concepts=concepts, extensions=extensions, templates=templates,
                       patterns=patterns, warnings=tuple(self.warnings))

    # §6.2
    def _author(self, author) -> None:
        if not isinstance(author, dict):
            raise _fail("'author' is an Organization or Person object", "author", "§6.2")
        if author.get("type") not in ("Organization", "Person"):
            raise _fail("an author's 'type' MUST be Organization or Person", "author.type", "§6.2")
        if not isinstance(author.get("name"), str):
            raise _fail("an author's 'name' is a string", "author.name", "§6.2")

    # §6.1
    def _versions(self, profile_id: str) -> tuple[str, tuple[str, ...], str]:
        versions = self._required(self.document, "versions", "", "§6.0")
        if not isinstance(versions, list) or not versions:
            raise _fail("'versions' is a non-empty array of Profile version objects", "versions", "§6.0")
        ids, revised, by_id = [], set(), {}
        for index, version in enumerate(versions):
            path = f"versions[{index}]"
            if not isinstance(version, dict):
                raise _fail("a Profile version is an object", path, "§6.1")
            version_id = self._iri(self._required(version, "id", path, "§6.1"), f"{path}.id", "§6.1")
            if version_id == profile_id or version_id in by_id:
                raise _fail("every Profile version id is unique and different from the Profile's id", f"{path}.id",
                            "§6.1")
            generated = self._required(version, "generatedAtTime", path, "§6.1")
            if not isinstance(generated, str) or not _timestamp(generated):
                raise _fail("'generatedAtTime' is a timestamp", f"{path}.generatedAtTime", "§6.1")
            if "wasRevisionOf" in version:
                revised.update(self._iris(version["wasRevisionOf"], f"{path}.wasRevisionOf", "§6.1"))
            ids.append(version_id)
            by_id[version_id] = generated
        current = [version_id for version_id in ids if version_id not in revised]
        if len(current) != 1:
            raise _fail("exactly one version may be the newest: every other one MUST be named in a later "
                        "version's wasRevisionOf", "versions", "§6.1")
        return current[0], tuple(ids), by_id[current[0]]

    def _in_scheme(self, node: dict, path: str, section: str, *, required: bool = True) -> None:
        if "inScheme" not in node and not required:
            return
        scheme = self._iri(self._required(node, "inScheme", path, section), f"{path}.inScheme", section)
        if scheme not in self.version_ids:
            raise _fail(f"inScheme {scheme} is not one of this Profile's versions", f"{path}.inScheme", section)

    # §7.0
    def _concepts(self) -> tuple[dict[str, str], dict[str, Extension]]:
        concepts: dict[str, str] = {}
        extensions: dict[str, Extension] = {}
        for index, node in enumerate(self._array(self.document, "concepts", "", "§6.0")):
            path = f"concepts[{index}]"
            if not isinstance(node, dict):
                raise _fail("a Concept is an object", path, "§7.0")
            kind = node.get("type")
            if kind not in CONCEPT_TYPES:
                raise _fail(f"a Concept's type is one of {', '.join(CONCEPT_TYPES)}", f"{path}.type", "§7.0")
            section = ("§7.1" if kind in VERB_LIKE else "§7.2" if kind in EXTENSION_TYPES
                       else "§7.3" if kind in DOCUMENT_RESOURCES else "§7.4")
            concept_id = self._iri(self._required(node, "id", path, section), f"{path}.id", section)
            self._define(concept_id, path, section)
            self._in_scheme(node, path, section)
            self._boolean(node, "deprecated", path, section)
            if kind != "Activity":
                self._language_map(self._required(node, "prefLabel", path, section), f"{path}.prefLabel", section)
                self._language_map(self._required(node, "definition", path, section), f"{path}.definition",
                                   section)
            if kind in VERB_LIKE:
                for name in _RELATION_ARRAYS:
                    if name in node:
                        self._iris(node[name], f"{path}.{name}", section)
            elif kind in EXTENSION_TYPES:
                extensions[concept_id] = self._extension(node, path, kind, concept_id)
            elif kind in DOCUMENT_RESOURCES:
                if not isinstance(self._required(node, "contentType", path, section), str):
                    raise _fail("'contentType' is a media type string", f"{path}.contentType", section)
                self._schema(node, path, section)
            else:
                self._activity(node, path)
            concepts[concept_id] = kind
        return concepts, extensions

    def _extension(self, node: dict, path: str, kind: str, concept_id: str) -> Extension:
        if "recommendedActivityTypes" in node:
            if kind != "ActivityExtension":
                raise _fail("'recommendedActivityTypes' is only allowed on an ActivityExtension",
                            f"{path}.recommendedActivityTypes", "§7.2")
            self._iris(node["recommendedActivityTypes"], f"{path}.recommendedActivityTypes", "§7.2")
        if "recommendedVerbs" in node:
            if kind == "ActivityExtension":
                raise _fail("'recommendedVerbs' is only allowed on a ContextExtension or a ResultExtension",
                            f"{path}.recommendedVerbs", "§7.2")
            self._iris(node["recommendedVerbs"], f"{path}.recommendedVerbs", "§7.2")
        if "context" in node:
            self._iri(node["context"], f"{path}.context", "§7.2")
        validator = self._schema(node, path, "§7.2")
        return Extension(id=concept_id, type=kind, validator=validator, schema_iri=node.get("schema"))

    def _schema(self, node: dict, path: str, section: str):
        """At most one of schema and inlineSchema; an inline schema is compiled now (never fetching a $ref)."""
        if "schema" in node and "inlineSchema" in node:
            raise _fail("use at most one of 'schema' and 'inlineSchema'", path, section)
        if "schema" in node:
            self._iri(node["schema"], f"{path}.schema", section)
            return None
        if "inlineSchema" not in node:
            return None
        schema = node["inlineSchema"]
        if isinstance(schema, str):
            try:
                schema = orjson.loads(schema)
            except orjson.JSONDecodeError as error:
                raise _fail(f"'inlineSchema' is not JSON: {error}", f"{path}.inlineSchema", section) from None
        return compile_schema(schema, f"{path}.inlineSchema", section)

    def _activity(self, node: dict, path: str) -> None:
        definition = self._required(node, "activityDefinition", path, "§7.4")
        if not isinstance(definition, dict):
            raise _fail("'activityDefinition' is an object", f"{path}.activityDefinition", "§7.4")
        context = self._required(definition, "@context", f"{path}.activityDefinition", "§7.4")
        contexts = context if isinstance(context, list) else [context]
        if jsonld.ACTIVITY_CONTEXT not in contexts:
            raise _fail(f"an activityDefinition's @context MUST be {jsonld.ACTIVITY_CONTEXT} or contain it",
                        f"{path}.activityDefinition.@context", "§7.4")

    # §8.0, §8.1
    def _template(self, node, path: str, template_ids: set) -> Template:
        if not isinstance(node, dict):
            raise _fail("a Statement Template is an object", path, "§8.0")
        template_id = self._iri(self._required(node, "id", path, "§8.0"), f"{path}.id", "§8.0")
        if node.get("type") != "StatementTemplate":
            raise _fail("a Statement Template's 'type' MUST be StatementTemplate", f"{path}.type", "§8.0")
        self._in_scheme(node, path, "§8.0")
        self._language_map(self._required(node, "prefLabel", path, "§8.0"), f"{path}.prefLabel", "§8.0")
        if "definition" in node:
            self._language_map(node["definition"], f"{path}.definition", "§8.0")
        else:
            self.warnings.append(f"{path} has no 'definition' (required by xAPI Profiles Part Two §8.0); "
                                 "it describes the template to people only, so it is read without one")
        if "objectStatementRefTemplate" in node and "objectActivityType" in node:
            raise _fail("a Statement Template MUST NOT have both objectStatementRefTemplate and "
                        "objectActivityType", path, "§8.0")
        refs = {}
        for name in ("objectStatementRefTemplate", "contextStatementRefTemplate"):
            refs[name] = self._iris(node[name], f"{path}.{name}", "§8.0") if name in node else ()
            for index, ref in enumerate(refs[name]):
                if ref not in template_ids:
                    raise _fail(f"{ref} is not a Statement Template of this Profile version",
                                f"{path}.{name}[{index}]", "§8.0")
        arrays = {name: self._iris(node[name], f"{path}.{name}", "§8.0") if name in node else ()
                  for name in ("contextGroupingActivityType", "contextParentActivityType", "contextOtherActivityType",
                               "contextCategoryActivityType", "attachmentUsageType")}
        raw_rules = node.get("rules", [])
        if not isinstance(raw_rules, list):
            raise _fail("'rules' is an array of Statement Template Rules", f"{path}.rules", "§8.0")
        if "rules" in node and not raw_rules:
            self.warnings.append(f"{path}.rules is an empty array (xAPI Profiles Part Two §4.0); read as no rules")
        rules = tuple(self._rule(rule, f"{path}.rules[{index}]", index) for index, rule in enumerate(raw_rules))
        return Template(
            id=template_id,
            verb=self._iri(node["verb"], f"{path}.verb", "§8.0") if "verb" in node else None,
            object_activity_type=(self._iri(node["objectActivityType"], f"{path}.objectActivityType", "§8.0")
                                  if "objectActivityType" in node else None),
            context_grouping_types=arrays["contextGroupingActivityType"],
            context_parent_types=arrays["contextParentActivityType"],
            context_other_types=arrays["contextOtherActivityType"],
            context_category_types=arrays["contextCategoryActivityType"],
            attachment_usage_types=arrays["attachmentUsageType"],
            object_statement_ref_templates=refs["objectStatementRefTemplate"],
            context_statement_ref_templates=refs["contextStatementRefTemplate"],
            rules=rules, deprecated=self._boolean(node, "deprecated", path, "§8.0"))

    def _rule(self, node, path: str, index: int) -> Rule:
        if not isinstance(node, dict):
            raise _fail("a Statement Template Rule is an object", path, "§8.1")
        location = self._jsonpath(self._required(node, "location", path, "§8.1"), f"{path}.location")
        selector = self._jsonpath(node["selector"], f"{path}.selector") if "selector" in node else None
        presence = node.get("presence")
        if presence is not None and presence not in PRESENCE:
            raise _fail("'presence' is one of included, excluded, recommended", f"{path}.presence", "§8.1")
        if not any(name in node for name in ("presence", "any", "all", "none")):
            raise _fail("a Statement Template Rule MUST include one or more of presence, any, all, none", path,
                        "§8.1")
        sets = {}
        for name in ("any", "all", "none"):
            if name in node:
                if not isinstance(node[name], list):
                    raise _fail(f"'{name}' is an array of values", f"{path}.{name}", "§8.1")
                sets[name] = frozenset(canonical(value) for value in node[name])
        if "scopeNote" in node:
            self._language_map(node["scopeNote"], f"{path}.scopeNote", "§8.1")
        return Rule(index=index, location=location, selector=selector, presence=presence, any=sets.get("any"),
                    all=sets.get("all"), none=sets.get("none"), source=node)

    def _jsonpath(self, text, path: str):
        try:
            return parse(text)
        except JsonPathError as error:
            raise _fail(f"not a JSONPath of the Profiles subset: {error}", path, "§8.1") from None

    # §9.0
    def _patterns(self, raw_patterns: list, template_ids: set) -> dict[str, Pattern]:
        patterns: dict[str, Pattern] = {}
        paths: dict[str, str] = {}
        for index, node in enumerate(raw_patterns):
            path = f"patterns[{index}]"
            if not isinstance(node, dict):
                raise _fail("a Pattern is an object", path, "§9.0")
            pattern_id = self._iri(self._required(node, "id", path, "§9.0"), f"{path}.id", "§9.0")
            if node.get("type") != "Pattern":
                raise _fail("a Pattern's 'type' MUST be Pattern", f"{path}.type", "§9.0")
            self._in_scheme(node, path, "§9.0", required=False)
            primary = self._boolean(node, "primary", path, "§9.0")
            if primary:
                for name in ("prefLabel", "definition"):
                    self._language_map(self._required(node, name, path, "§9.0"), f"{path}.{name}", "§9.0")
            kinds = [kind for kind in PATTERN_KINDS if kind in node]
            if len(kinds) != 1:
                raise _fail("a Pattern MUST contain exactly one of alternates, optional, oneOrMore, sequence and "
                            "zeroOrMore", path, "§9.0")
            kind = kinds[0]
            if kind in ("alternates", "sequence"):
                members = self._iris(node[kind], f"{path}.{kind}", "§9.0")
            else:
                members = (self._iri(node[kind], f"{path}.{kind}", "§9.0"),)
            patterns[pattern_id] = Pattern(id=pattern_id, kind=kind, members=members, primary=primary)
            paths[pattern_id] = path
        used_in = {}
        for pattern in patterns.values():
            for index, member in enumerate(pattern.members):
                where = f"{paths[pattern.id]}.{pattern.kind}" + (f"[{index}]" if pattern.kind in
                                                                ("alternates", "sequence") else "")
                if member not in patterns and member not in template_ids:
                    raise _fail(f"{member} is neither a Pattern nor a Statement Template of this Profile "
                                "(this LRS resolves Pattern members within the imported document only)", where,
                                "§9.0")
                used_in.setdefault(member, []).append(pattern.id)
                if pattern.kind == "alternates" and member in patterns \
                        and patterns[member].kind in ("optional", "zeroOrMore"):
                    raise _fail("optional or zeroOrMore Patterns MUST NOT be directly inside alternates", where,
                                "§9.0")
        for pattern in patterns.values():
            path = paths[pattern.id]
            if pattern.kind == "alternates" and len(pattern.members) < 2:
                raise _fail("alternates MUST include at least two members", f"{path}.alternates", "§9.0")
            if pattern.kind == "sequence" and len(pattern.members) < 2 and not (
                    pattern.primary and pattern.id not in used_in and pattern.members[0] in template_ids):
                raise _fail("sequence MUST include at least two members, unless it is a primary Pattern used "
                            "nowhere else whose single member is a Statement Template", f"{path}.sequence",
                            "§9.0")
        _check_acyclic(patterns, paths)
        return patterns


def _check_acyclic(patterns: dict[str, Pattern], paths: dict[str, str]) -> None:
    """§9.0: no Pattern within itself at any depth; also this LRS's depth limit. Iterative depth-first search."""
    depth: dict[str, int] = {}
    for root in patterns:
        if root in depth:
            continue
        on_path = {root}
        stack = [(root, iter(patterns[root].members))]
        while stack:
            current, members = stack[-1]
            member = next(members, None)
            if member is None:
                stack.pop()
                on_path.discard(current)
                depth[current] = 1 + max((depth.get(child, 0) for child in patterns[current].members
                                          if child in patterns), default=0)
                if depth[current] > MAX_PATTERN_DEPTH:
                    raise _fail(f"Patterns nest more than {MAX_PATTERN_DEPTH} deep, more than this LRS matches",
                                paths[current], "§9.0")
                continue
            if member not in patterns or member in depth:
                continue
            if member in on_path:
                raise _fail(f"Pattern {member} includes itself (through {current}); a Pattern MUST NOT be "
                            "included within itself at any depth", paths[current], "§9.0")
            on_path.add(member)
            stack.append((member, iter(patterns[member].members)))


def _refuse_retrieval(uri: str):
    raise ValueError(f"this LRS does not fetch JSON Schema references ({uri})")


def compile_schema(schema, path: str, section: str):
    """A Draft-07 validator (§7.2 says schemas SHOULD be Draft-07); remote $ref is never fetched and patterns
    use the linear-time regex engine."""
    if not isinstance(schema, (dict, bool)):
        raise _fail("a JSON Schema is an object", path, section)
    try:
        return jsonschema_rs.Draft7Validator(schema, retriever=_refuse_retrieval,
                                             pattern_options=jsonschema_rs.RegexOptions())
    except (jsonschema_rs.ValidationError, jsonschema_rs.ReferencingError, ValueError) as error:
        raise _fail(f"not a usable JSON Schema: {str(error).splitlines()[0][:300]}", path, section) from None


def _timestamp(text: str) -> bool:
    try:
        datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True
