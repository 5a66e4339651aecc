"""The statement strategies themselves: JSON-safe, and reaching every part of the structure they promise."""
from __future__ import annotations

import uuid

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.strategies.statements import (INTERACTION_COMPONENT_LISTS, interaction_definitions,
                                         invalid_mutations, realistic_statement, valid_statements)

def _collect(strategy, features_of, examples: int = 300) -> set:
    """Features of a fixed sample, so "the strategy reaches X" is a stable fact rather than luck."""
    seen = set()

    @settings(max_examples=examples, derandomize=True, database=None, deadline=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(strategy)
    def collect(value):
        seen.update(features_of(value))

    collect()
    return seen


IFIS = ("mbox", "mbox_sha1sum", "openid", "account")


def _agents_in(statement: dict):
    for holder in (statement, statement["object"]):
        for who in (holder.get("actor"), holder.get("object"), holder.get("context", {}).get("instructor"),
                    holder.get("context", {}).get("team"), holder.get("authority")):
            if isinstance(who, dict) and who.get("objectType") in (None, "Agent", "Group"):
                yield who
                yield from who.get("member", ())


def _statement_features(statement: dict) -> set:
    features = {"object " + statement["object"].get("objectType", "Activity")}
    features.update(f"ifi {key}" for agent in _agents_in(statement) for key in agent if key in IFIS)
    if statement["actor"].get("objectType") == "Group":
        anonymous = not any(key in statement["actor"] for key in IFIS)
        features.add("anonymous group" if anonymous else "identified group")
    for value in statement.get("context", {}).get("contextActivities", {}).values():
        features.add(f"context activities {'array' if isinstance(value, list) else 'single'}")
    features.update(f"context {key}" for key in statement.get("context", {}))
    features.update(f"result {key}" for key in statement.get("result", {}))
    features.update(f"score {key}" for key in statement.get("result", {}).get("score", {}))
    features.update(f"statement {key}" for key in statement)
    return features


def test_valid_statements_reach_every_part_of_the_structure():
    expected = {"object Activity", "object Agent", "object Group", "object StatementRef",
                "object SubStatement", "ifi mbox", "ifi mbox_sha1sum", "ifi openid", "ifi account",
                "anonymous group", "identified group", "context activities array",
                "context activities single",
                "context registration", "context instructor", "context team", "context revision",
                "context platform", "context language", "context statement", "context extensions",
                "result score", "result success", "result completion", "result response", "result duration",
                "result extensions", "score scaled", "score raw", "score min", "score max",
                "statement timestamp", "statement version", "statement stored", "statement authority"}
    assert expected - _collect(valid_statements(), _statement_features) == set()


def test_interaction_definitions_reach_every_interaction_type_and_component_list():
    def features(definition: dict) -> set:
        kind = definition["interactionType"]
        return {kind} | {f"{kind} {name}" for name in INTERACTION_COMPONENT_LISTS[kind] if name in definition}

    expected = set(INTERACTION_COMPONENT_LISTS) | {f"{kind} {name}" for kind, names in
                                                   INTERACTION_COMPONENT_LISTS.items() for name in names}
    assert expected - _collect(interaction_definitions(), features) == set()


def test_xapi_2_0_statements_reach_context_agents_and_groups():
    def features(statement: dict) -> set:
        return set(statement.get("context", {})) & {"contextAgents", "contextGroups"}

    assert _collect(valid_statements("2.0.0"), features, 100) == {"contextAgents", "contextGroups"}


def test_attachments_come_only_when_asked_for_and_always_with_a_file_url():
    assert _collect(valid_statements(), lambda s: {"attachments" in s}, 50) == {False}
    assert _collect(valid_statements(with_attachments=True),
                    lambda s: {all("fileUrl" in a for a in s["attachments"])}, 50) == {True}


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_statements())
def test_valid_statements_survive_a_json_round_trip_and_carry_an_id(statement):
    text = orjson.dumps(statement)
    assert orjson.loads(text) == statement
    assert b"\\u0000" not in text  # PostgreSQL text refuses NUL
    uuid.UUID(statement["id"])


@settings(max_examples=30, deadline=None)
@given(st.data())
def test_invalid_mutations_are_statements_with_an_expected_path(data):
    statement, prefix = data.draw(invalid_mutations())
    assert isinstance(statement, dict) and isinstance(prefix, str)
    orjson.dumps(statement)


def test_realistic_statement_is_fresh_and_about_one_and_a_half_kilobytes():
    first = realistic_statement()
    first["actor"]["name"] = "changed"
    assert realistic_statement()["actor"]["name"] == "Ada Lovelace"
    assert 1300 <= len(orjson.dumps(realistic_statement())) <= 1700
