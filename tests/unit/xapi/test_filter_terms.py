"""Which filters a statement answers (xAPI-Communication 2.1.3), computed at write time."""
from __future__ import annotations

from lrs.xapi.filter_terms import Role, filter_terms, statement_ref_target, voided_target


def _terms(statement, role):
    return {value for value, term_role in filter_terms(statement) if term_role == role}


BASE = {
    "actor": {"mbox": "mailto:ada@example.com"},
    "verb": {"id": "http://example.com/verbs/did"},
    "object": {"id": "http://example.com/a"},
    "authority": {"account": {"homePage": "http://lrs.example.com", "name": "key"}},
    "context": {
        "registration": "6A1D6CF0-4E26-4F8B-A0E4-1C6B1B8C4F9A",
        "instructor": {"mbox": "mailto:teacher@example.com"},
        "team": {"objectType": "Group", "mbox": "mailto:team@example.com",
                 "member": [{"mbox": "mailto:bob@example.com"}]},
        "contextActivities": {"parent": [{"id": "http://example.com/course"}],
                              "grouping": [{"id": "http://example.com/program"}]},
    },
}


def test_agent_role_holds_actor_only():  # xAPI-Communication 2.1.3 agent
    assert _terms(BASE, Role.AGENT) == {"Ambox|mailto:ada@example.com"}


def test_related_agent_role_adds_authority_instructor_team_and_members():  # 2.1.3 related_agents
    assert _terms(BASE, Role.RELATED_AGENT) == {
        "Ambox|mailto:ada@example.com", "Aaccount|http://lrs.example.com|key",
        "Ambox|mailto:teacher@example.com", "Ambox|mailto:team@example.com", "Ambox|mailto:bob@example.com"}


def test_activity_roles():  # 2.1.3 activity, related_activities
    assert _terms(BASE, Role.ACTIVITY) == {"Ihttp://example.com/a"}
    assert _terms(BASE, Role.RELATED_ACTIVITY) == {
        "Ihttp://example.com/a", "Ihttp://example.com/course", "Ihttp://example.com/program"}


def test_registration_is_lower_cased_and_verb_kept():  # 2.1.3 registration, verb
    assert _terms(BASE, Role.REGISTRATION) == {"R6a1d6cf0-4e26-4f8b-a0e4-1c6b1b8c4f9a"}
    assert _terms(BASE, Role.VERB) == {"Vhttp://example.com/verbs/did"}


def test_agent_object_counts_as_agent():  # 2.1.3 agent: Actor or Object
    statement = {**BASE, "object": {"objectType": "Agent", "openid": "http://id.example.com/kim"}}
    assert "Aopenid|http://id.example.com/kim" in _terms(statement, Role.AGENT)
    assert _terms(statement, Role.ACTIVITY) == set()


def test_substatement_parts_are_related_only():  # 2.1.3 related_*: "in a contained SubStatement"
    statement = {**BASE, "object": {
        "objectType": "SubStatement", "actor": {"mbox": "mailto:sub@example.com"},
        "verb": {"id": "http://example.com/verbs/will"}, "object": {"id": "http://example.com/sub"},
        "context": {"contextActivities": {"other": [{"id": "http://example.com/sub-other"}]}}}}
    assert "Ambox|mailto:sub@example.com" in _terms(statement, Role.RELATED_AGENT)
    assert "Ambox|mailto:sub@example.com" not in _terms(statement, Role.AGENT)
    assert {"Ihttp://example.com/sub", "Ihttp://example.com/sub-other"} <= _terms(statement, Role.RELATED_ACTIVITY)
    assert _terms(statement, Role.ACTIVITY) == set()
    assert _terms(statement, Role.VERB) == {"Vhttp://example.com/verbs/did"}


def test_statement_ref_and_voiding_targets():  # xAPI-Data 2.3.2, 2.4.4.3
    ref = {**BASE, "object": {"objectType": "StatementRef", "id": "ABCDEF01-0000-4000-8000-000000000000"}}
    assert statement_ref_target(ref) == "abcdef01-0000-4000-8000-000000000000"
    assert voided_target(ref) is None
    voiding = {**ref, "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"}}
    assert voided_target(voiding) == "abcdef01-0000-4000-8000-000000000000"
