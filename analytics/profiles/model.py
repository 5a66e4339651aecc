"""A profile as this LRS keeps it once read (xAPI Profiles Part Two §6-§9): plain frozen data, no I/O."""
from __future__ import annotations

from dataclasses import dataclass, field

from analytics.profiles.jsonpath import JsonPath

PRESENCE = ("included", "excluded", "recommended")
PATTERN_KINDS = ("alternates", "optional", "oneOrMore", "sequence", "zeroOrMore")
EXTENSION_TYPES = ("ContextExtension", "ResultExtension", "ActivityExtension")


def _position_of(item: tuple) -> int:
    return item[0]


@dataclass(frozen=True)
class Rule:
    """§8.1 Statement Template Rule. `any`/`all`/`none` hold canonical keys (analytics.profiles.values)."""
    index: int
    location: JsonPath
    selector: JsonPath | None
    presence: str | None
    any: frozenset | None
    all: frozenset | None
    none: frozenset | None
    source: dict  # the rule as the profile wrote it, for reports


@dataclass(frozen=True)
class Template:
    """§8.0 Statement Template: determining properties, StatementRef templates and rules."""
    id: str
    verb: str | None = None
    object_activity_type: str | None = None
    context_grouping_types: tuple[str, ...] = ()
    context_parent_types: tuple[str, ...] = ()
    context_other_types: tuple[str, ...] = ()
    context_category_types: tuple[str, ...] = ()
    attachment_usage_types: tuple[str, ...] = ()
    object_statement_ref_templates: tuple[str, ...] = ()
    context_statement_ref_templates: tuple[str, ...] = ()
    rules: tuple[Rule, ...] = ()
    deprecated: bool = False


@dataclass(frozen=True)
class Pattern:
    """§9.0 Pattern: exactly one of the five kinds; `members` are template or pattern ids, in order."""
    id: str
    kind: str
    members: tuple[str, ...]
    primary: bool = False


@dataclass(frozen=True)
class Extension:
    """§7.2 extension concept with its JSON Schema, compiled (None when the profile gives none inline)."""
    id: str
    type: str
    validator: object | None = None
    schema_iri: str | None = None


@dataclass(frozen=True)
class Profile:
    id: str
    version_id: str                      # the version this document describes (§6.1)
    version_ids: tuple[str, ...]         # every version the document lists, newest first
    generated_at: str
    pref_label: dict
    concepts: dict[str, str]             # concept id -> its type (§7.0)
    extensions: dict[str, Extension]
    templates: tuple[Template, ...]
    patterns: dict[str, Pattern]
    warnings: tuple[str, ...] = field(default=())

    @property
    def primary_patterns(self) -> tuple[Pattern, ...]:
        return tuple(pattern for pattern in self.patterns.values() if pattern.primary)

    @property
    def template_ids(self) -> frozenset[str]:
        return frozenset(template.id for template in self.templates)

    def templates_for(self, verb_id) -> tuple[Template, ...]:
        """The templates whose determining verb a statement with this verb can match, in profile order: a
        profile of many templates costs a statement only those of its verb and those naming no verb."""
        index = self.__dict__.get("_by_verb")
        if index is None:
            groups: dict = {}
            for position, template in enumerate(self.templates):
                groups.setdefault(template.verb, []).append((position, template))
            verbless = groups.get(None, [])
            index = {verb: tuple(template for _position, template in sorted(group + verbless, key=_position_of))
                     for verb, group in groups.items() if verb is not None}
            index[None] = tuple(template for _position, template in verbless)
            object.__setattr__(self, "_by_verb", index)  # frozen: computed once, on first use
        return index.get(verb_id, index[None])
