"""What differs between the xAPI versions a statement is validated against: the one place to extend.

Every difference is a field of `VersionRules`; the JSON Schema and the Python checks read these fields and
never look at the version string themselves.
"""
from __future__ import annotations

from dataclasses import dataclass

from lrs.xapi import validation_formats as formats


# eq=False: compared and hashed by identity (there is one instance per version), because the validator
# cache looks the rules up once per statement and a dataclass's generated __hash__ runs as Python code.
@dataclass(frozen=True, eq=False)
class VersionRules:
    name: str
    # Regular expression for the statement's own "version" property (xAPI-Data 2.4.10).
    statement_version: str
    # xAPI 2.0 adds context.contextAgents and context.contextGroups.
    context_agents_and_groups: bool


XAPI_1_0_3 = VersionRules(name="1.0.3", statement_version=formats.VERSION_1_0,
                          context_agents_and_groups=False)
# A 2.0 LRS still stores 1.0.x statements, so both version families are accepted.
XAPI_2_0 = VersionRules(name="2.0.0", statement_version=formats.VERSION_1_0_OR_2_0,
                        context_agents_and_groups=True)


def rules_for(version: str) -> VersionRules:
    """The rules for a request's negotiated X-Experience-API-Version; anything not 2.0 reads as 1.0.3."""
    if isinstance(version, str) and version.startswith("2.0"):
        return XAPI_2_0
    return XAPI_1_0_3
