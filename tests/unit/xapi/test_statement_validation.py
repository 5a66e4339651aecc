"""Statement validation (xAPI-Data 2.2 to 2.6, 4.x): a test per rule, then properties of generated statements.

Each rule test names the behaviour and cites the section it proves; rejections assert the error's path.
"""
from __future__ import annotations

import copy
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lrs.xapi.errors import InvalidStatement
from lrs.xapi.validation import passes_fast_path, validate_statement
from lrs.xapi.validation_checks import check_statement
from lrs.xapi.validation_versions import rules_for
from tests.strategies.statements import (MUTATIONS, apply_mutation, invalid_mutations, realistic_statement,
                                        valid_statements)

AGENT = {"objectType": "Agent", "mbox": "mailto:ada@example.com"}
GROUP = {"objectType": "Group", "member": [AGENT]}
ACTIVITY_ID = "http://example.com/activities/quiz"
STATEMENT_ID = "8f87ccde-bb56-4c2e-ab83-44982ef22df0"
STATEMENT_REF = {"objectType": "StatementRef", "id": STATEMENT_ID}
VOIDED = "http://adlnet.gov/expapi/verbs/voided"
ATTACHMENT = {"usageType": "http://example.com/attachment-usage/test",
              "display": {"en-US": "A test attachment"}, "contentType": "text/plain; charset=ascii",
              "length": 27,
              "sha2": "495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a",
              "fileUrl": "http://example.com/attachments/test.txt"}


def statement(**changes) -> dict:
    """A minimal valid statement with some properties replaced (None removes one)."""
    result = {"id": STATEMENT_ID, "actor": copy.deepcopy(AGENT),
              "verb": {"id": "http://adlnet.gov/expapi/verbs/attempted", "display": {"en-US": "attempted"}},
              "object": {"id": ACTIVITY_ID}}
    for key, value in changes.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = value
    return result


def activity(**definition) -> dict:
    return {"objectType": "Activity", "id": ACTIVITY_ID, "definition": definition}


def substatement(**changes) -> dict:
    sub = {"objectType": "SubStatement", "actor": AGENT, "verb": {"id": "http://example.com/verbs/visited"},
           "object": {"id": "http://example.com/website"}}
    sub.update(changes)
    return sub


def verb_display(language_map) -> dict:
    return statement(verb={"id": "http://example.com/verbs/did", "display": language_map})


def accepted(value, version: str = "1.0.3", **options) -> None:
    validate_statement(value, version, **options)


def rejected(value, version: str = "1.0.3", **options) -> InvalidStatement:
    with pytest.raises(InvalidStatement) as caught:
        validate_statement(value, version, **options)
    return caught.value


def rejected_at(value, path: str, version: str = "1.0.3", **options) -> InvalidStatement:
    error = rejected(value, version, **options)
    assert error.path == path, (error.path, error.message)
    assert error.message and error.section
    return error


# --- the statement as a whole (2.2, 2.4) -------------------------------------------------------------

def test_minimal_statement_is_accepted():  # xAPI-Data 2.4.s2
    accepted(statement())


def test_statement_without_id_is_accepted():  # xAPI-Data 2.4.1 (the LRS assigns one)
    accepted(statement(id=None))


def test_realistic_statement_is_accepted():  # xAPI-Data 2.4
    accepted(realistic_statement())


_MEETING = "An example meeting that happened on a specific occasion with certain people present."
SPEC_LONG_EXAMPLE = {  # xAPI-Data Appendix A, the long example
    "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee",
    "actor": {"name": "Team PB", "mbox": "mailto:teampb@example.com", "objectType": "Group", "member": [
        {"name": "Andrew Downes", "account": {"homePage": "http://www.example.com", "name": "13936749"},
         "objectType": "Agent"},
        {"name": "Toby Nichols", "openid": "http://toby.openid.example.org/", "objectType": "Agent"},
        {"name": "Ena Hills", "mbox_sha1sum": "ebd31e95054c018b10727ccffd2ef2ec3a016ee9",
         "objectType": "Agent"}]},
    "verb": {"id": "http://adlnet.gov/expapi/verbs/attended",
             "display": {"en-GB": "attended", "en-US": "attended"}},
    "result": {"extensions": {"http://example.com/profiles/meetings/resultextensions/minuteslocation":
                              "X:\\meetings\\minutes\\examplemeeting.one"},
               "success": True, "completion": True, "response": "We agreed on some example actions.",
               "duration": "PT1H0M0S"},
    "context": {
        "registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7",
        "contextActivities": {
            "parent": [{"id": "http://www.example.com/meetings/series/267", "objectType": "Activity"}],
            "category": [{"id": "http://www.example.com/meetings/categories/teammeeting",
                          "objectType": "Activity",
                          "definition": {"name": {"en": "team meeting"},
                                         "description": {"en": "A category of meeting used for regular team "
                                                               "meetings."},
                                         "type": "http://example.com/expapi/activities/meetingcategory"}}],
            "other": [{"id": "http://www.example.com/meetings/occurances/34257", "objectType": "Activity"},
                      {"id": "http://www.example.com/meetings/occurances/3425567",
                       "objectType": "Activity"}]},
        "instructor": {"name": "Andrew Downes", "objectType": "Agent",
                       "account": {"homePage": "http://www.example.com", "name": "13936749"}},
        "team": {"name": "Team PB", "mbox": "mailto:teampb@example.com", "objectType": "Group"},
        "platform": "Example virtual meeting software", "language": "tlh",
        "statement": {"objectType": "StatementRef", "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee"}},
    "timestamp": "2013-05-18T05:32:34.804+00:00",
    "stored": "2013-05-18T05:32:34.804+00:00",
    "authority": {"account": {"homePage": "http://cloud.scorm.com/", "name": "anonymous"},
                  "objectType": "Agent"},
    "version": "1.0.0",
    "object": {"id": "http://www.example.com/meetings/occurances/34534", "objectType": "Activity",
               "definition": {
                   "extensions": {"http://example.com/profiles/meetings/activitydefinitionextensions/room":
                                  {"name": "Kilby", "id": "http://example.com/rooms/342"}},
                   "name": {"en-GB": "example meeting", "en-US": "example meeting"},
                   "description": {"en-GB": _MEETING, "en-US": _MEETING},
                   "type": "http://adlnet.gov/expapi/activities/meeting",
                   "moreInfo": "http://virtualmeeting.example.com/345256"}},
}


def test_long_example_of_appendix_a_is_accepted():  # xAPI-Data 2.4 (Appendix A)
    accepted(SPEC_LONG_EXAMPLE)


@pytest.mark.parametrize("missing", ["actor", "verb", "object"])
def test_statement_without_actor_verb_or_object_is_rejected(missing):  # xAPI-Data 2.2.s2.b3
    error = rejected_at(statement(**{missing: None}), missing)
    assert error.section == "xAPI-Data 2.2"


def test_unknown_statement_property_is_rejected():  # xAPI-Data 2.2.s4.b1.b7
    rejected_at(statement(comment="nice"), "comment")


def test_property_in_the_wrong_case_is_rejected():  # xAPI-Data 2.2.s4.b1.b5
    bad = statement()
    bad["Verb"] = bad.pop("verb")
    rejected_at(bad, "Verb")


def test_null_value_is_rejected():  # xAPI-Data 2.2.s4.b1.b1
    rejected_at(statement(result={"response": None}), "result.response")


def test_null_inside_extensions_is_accepted():  # xAPI-Data 2.2.s4.b1.b1, xAPI-Data 4.1.s3.b2
    accepted(statement(result={"extensions": {"http://example.com/ext": None}}))


def test_string_where_a_number_is_required_is_rejected():  # xAPI-Data 2.2.s4.b1.b3
    rejected_at(statement(result={"score": {"raw": "8"}}), "result.score.raw")


def test_string_where_a_boolean_is_required_is_rejected():  # xAPI-Data 2.2.s4.b1.b3
    rejected_at(statement(result={"success": "true"}), "result.success")


def test_number_where_a_boolean_is_required_is_rejected():  # xAPI-Data 2.2.s4.b1.b3
    rejected_at(statement(result={"completion": 1}), "result.completion")


def test_empty_string_where_an_iri_is_required_is_rejected():  # xAPI-Data 2.2.s4.b1.b4
    rejected_at(statement(verb={"id": ""}), "verb.id")


@pytest.mark.parametrize("value", [None, [], "statement", 42, True, [statement()]])
def test_a_statement_that_is_not_an_object_is_rejected_at_the_root(value):  # xAPI-Data 2.4
    rejected_at(value, "")


@pytest.mark.parametrize("bad_id", ["not-a-uuid", "8f87ccdebb564c2eab8344982ef22df0", "", 12345,
                                    "8f87ccde-bb56-4c2e-ab83-44982ef22df",
                                    "{8f87ccde-bb56-4c2e-ab83-44982ef22df0}"])
def test_statement_id_must_be_a_uuid_in_standard_form(bad_id):  # xAPI-Data 2.4.1, 4.4
    rejected_at(statement(id=bad_id), "id")


@pytest.mark.parametrize("good_id", [STATEMENT_ID.upper(), "12345678-1234-5678-1234-567812345678",
                                     "00000000-0000-0000-0000-000000000000"])
def test_uuids_of_any_case_version_and_variant_are_accepted(good_id):  # xAPI-Data 2.4.1, 4.4
    accepted(statement(id=good_id))


# --- actor: agents, groups, inverse functional identifiers (2.4.2) -----------------------------------

@pytest.mark.parametrize("ifi", [{"mbox": "mailto:ada@example.com"},
                                 {"mbox_sha1sum": "ebd31e95054c018b10727ccffd2ef2ec3a016ee9"},
                                 {"openid": "http://ada.openid.example.org/"},
                                 {"account": {"homePage": "http://www.example.com", "name": "1625378"}}])
def test_each_kind_of_ifi_identifies_an_agent(ifi):  # xAPI-Data 2.4.2.1.s2.b1, xAPI-Data 2.4.2.3
    accepted(statement(actor={"name": "Ada", **ifi}))


def test_agent_without_ifi_is_rejected():  # xAPI-Data 2.4.2.1.s2.b1
    rejected_at(statement(actor={"objectType": "Agent", "name": "Ada"}), "actor")


def test_agent_with_two_ifis_is_rejected():  # xAPI-Data 2.4.2.1.s2.b2
    two_ifis = {"mbox": "mailto:ada@example.com", "openid": "http://ada.example.org/"}
    error = rejected_at(statement(actor=two_ifis), "actor")
    assert error.section == "xAPI-Data 2.4.2.1"


@pytest.mark.parametrize("mbox", ["ada@example.com", "mailto:", "mailto:ada", "mailto:ada@",
                                  "mailto:@example.com", "mailto:ada lovelace@example.com",
                                  "MAILTO:ada@example.com", "mailto:ada@example.com@example.org", 42])
def test_mbox_must_be_a_mailto_iri(mbox):  # xAPI-Data 2.4.2.3, xAPI-Data 2.2.s4.b1.b4
    rejected_at(statement(actor={"mbox": mbox}), "actor.mbox")


@pytest.mark.parametrize("mbox", ["mailto:ada.lovelace+xapi@example.co.uk", "mailto:ada@exämple.com",
                                  "mailto:user@localhost"])
def test_real_mailto_iris_are_accepted(mbox):  # xAPI-Data 2.4.2.3
    accepted(statement(actor={"mbox": mbox}))


@pytest.mark.parametrize("checksum", ["ebd31e95054c018b10727ccffd2ef2ec3a016ee",
                                      "ebd31e95054c018b10727ccffd2ef2ec3a016ee9a",
                                      "zbd31e95054c018b10727ccffd2ef2ec3a016ee9", ""])
def test_mbox_sha1sum_must_be_40_hex_digits(checksum):  # xAPI-Data 2.4.2.3
    rejected_at(statement(actor={"mbox_sha1sum": checksum}), "actor.mbox_sha1sum")


def test_openid_must_be_a_uri():  # xAPI-Data 2.4.2.3
    rejected_at(statement(actor={"openid": "toby.openid.example.org"}), "actor.openid")


@pytest.mark.parametrize("account, path", [
    ({"homePage": "http://www.example.com"}, "actor.account.name"),
    ({"name": "1625378"}, "actor.account.homePage"),
    ({"homePage": "www.example.com", "name": "1625378"}, "actor.account.homePage"),
    ({"homePage": "http://www.example.com", "name": 1625378}, "actor.account.name"),
    ({"homePage": "http://www.example.com", "name": "1", "id": "2"}, "actor.account.id"),
    ("http://www.example.com/1625378", "actor.account"),
])
def test_account_needs_a_home_page_irl_and_a_name(account, path):  # xAPI-Data 2.4.2.4
    rejected_at(statement(actor={"account": account}), path)


def test_actor_objecttype_must_be_agent_or_group_exactly():  # xAPI-Data 2.2.s4.b1.b6
    rejected_at(statement(actor={"objectType": "agent", "mbox": "mailto:ada@example.com"}),
                "actor.objectType")


def test_agent_with_members_is_told_to_be_a_group():  # xAPI-Data 2.4.2.2
    error = rejected_at(statement(actor={"mbox": "mailto:team@example.com", "member": [AGENT]}),
                        "actor.member")
    assert "Group" in error.message


def test_anonymous_group_without_member_is_rejected():  # xAPI-Data 2.4.2.2.s4.b1
    rejected_at(statement(actor={"objectType": "Group", "name": "Team"}), "actor.member")


def test_anonymous_group_with_no_members_is_rejected():  # xAPI-Data 2.4.2.2.s4.b1
    rejected_at(statement(actor={"objectType": "Group", "member": []}), "actor.member")


def test_anonymous_group_with_members_is_accepted():  # xAPI-Data 2.4.2.2.s4.b1
    accepted(statement(actor={"objectType": "Group", "member": [AGENT, {"openid": "http://b.example.org/"}]}))


def test_anonymous_group_containing_a_group_is_rejected():  # xAPI-Data 2.4.2.2.s4.b2
    rejected_at(statement(actor={"objectType": "Group", "member": [AGENT, GROUP]}), "actor.member[1]")


def test_identified_group_containing_a_group_is_rejected():  # xAPI-Data 2.4.2.2.s5.b2
    inner = {"objectType": "Group", "mbox": "mailto:inner@example.com"}
    team = {"objectType": "Group", "mbox": "mailto:team@example.com", "member": [inner]}
    rejected_at(statement(actor=team), "actor.member[0]")


def test_identified_group_with_two_ifis_is_rejected():  # xAPI-Data 2.4.2.2.s5.b1
    group = {"objectType": "Group", "mbox": "mailto:team@example.com",
             "account": {"homePage": "http://example.com", "name": "team"}}
    rejected_at(statement(actor=group), "actor")


def test_identified_group_without_members_is_accepted():  # xAPI-Data 2.4.2.2.s5.b4
    accepted(statement(actor={"objectType": "Group",
                              "account": {"homePage": "http://example.com", "name": "team"}}))


def test_error_in_a_group_member_names_the_member():  # xAPI-Data 2.4.2.2
    group = {"objectType": "Group", "member": [AGENT, {"mbox": "bob@example.com"}]}
    rejected_at(statement(actor=group), "actor.member[1].mbox")


def test_group_member_without_ifi_is_rejected():  # xAPI-Data 2.4.2.1.s2.b1
    rejected_at(statement(actor={"objectType": "Group", "member": [{"name": "Bob"}]}), "actor.member[0]")


# --- verb (2.4.3) ----------------------------------------------------------------------------------

def test_verb_without_id_is_rejected():  # xAPI-Data 2.4.3
    rejected_at(statement(verb={"display": {"en-US": "attempted"}}), "verb.id")


def test_verb_without_display_is_accepted():  # xAPI-Data 2.4.3.s5.b1 (a SHOULD)
    accepted(statement(verb={"id": "http://adlnet.gov/expapi/verbs/attempted"}))


def test_verb_display_must_be_a_language_map():  # xAPI-Data 2.4.3, 4.2
    rejected_at(verb_display("attempted"), "verb.display")


def test_unknown_verb_property_is_rejected():  # xAPI-Data 2.2.s4.b1.b7
    rejected_at(statement(verb={"id": "http://example.com/v", "name": {"en": "x"}}), "verb.name")


# --- IRIs (4.3) --------------------------------------------------------------------------------------

@pytest.mark.parametrize("iri", [
    "http://example.com/xapi/verbs#defenestrated", "https://example.com/courses?id=12&lang=en#part-2",
    "urn:uuid:9e13cefd-53d3-4eac-b5ed-2cf6693903bb", "tag:example.com,2025:verbs/answered",
    "http://example.com/فعل/خواندن", "http://例え.テスト/動詞", "https://example.com/a%20b/c%C3%A9",
    "http://[::1]:8080/path", "urn:isbn:0451450523", "http://example.com/x?a=b%7Cc",
    "https://example.com/path/(1)/it's;v=1,2@x+y$z!*",
])
def test_iris_real_authoring_tools_send_are_accepted(iri):  # xAPI-Data 4.3 (IRIs)
    accepted(statement(verb={"id": iri}))
    accepted(statement(object={"id": iri}))


@pytest.mark.parametrize("iri", [
    "not an iri", "example.com/verbs/did", "/relative/path", "#fragment", "http:", "http://example.com/a b",
    "ab=c://example.com", "1http://example.com", "http://example.com/<tag>", "http://example.com/%zz",
    "http://example.com/\u0000", 'http://example.com/"quoted"', "http://example.com/x\n",
    " http://example.com",
])
def test_malformed_iris_are_rejected(iri):  # xAPI-Data 2.2.s4.b1.b4, b8
    rejected_at(statement(verb={"id": iri}), "verb.id")


# --- language maps (4.2) -------------------------------------------------------------------------------

@pytest.mark.parametrize("tag", ["en", "en-US", "es-419", "zh-Hans-CN", "sr-Latn-RS", "de-CH-1901",
                                 "sl-rozaj-biske", "x-private", "i-klingon", "zh-min-nan", "en-a-bbb-x-a-ccc",
                                 "EN-us", "tlh", "und", "en-GB-oed", "yue-HK"])
def test_well_formed_language_tags_are_accepted(tag):  # xAPI-Data 2.2.s4.b2
    accepted(verb_display({tag: "did"}))


@pytest.mark.parametrize("tag", ["en_US", "en US", "e", "en-", "-en", "", "123", "en--US", "en-USA1", "en-a",
                                 "x", "abcdefghi", "en-US-x-", "zh-Hans-Hant-CN-toolongvariant"])
def test_language_map_keys_must_be_rfc5646_tags(tag):  # xAPI-Data 2.2.s4.b2
    error = rejected(verb_display({tag: "did"}))
    assert error.path.startswith("verb.display") and error.path != "verb.display" and error.section == "xAPI-Data 4.2"


def test_language_map_values_must_be_strings():  # xAPI-Data 4.2
    rejected_at(verb_display({"en-US": ["did"]}), 'verb.display["en-US"]')


# --- object (2.4.4) -------------------------------------------------------------------------------------

def test_object_without_objecttype_is_an_activity():  # xAPI-Data 2.4.4 (s2)
    accepted(statement(object={"id": ACTIVITY_ID, "definition": {"name": {"en": "Quiz"}}}))


def test_unknown_objecttype_is_rejected():  # xAPI-Data 2.4.4
    rejected_at(statement(object={"objectType": "Course", "id": ACTIVITY_ID}), "object.objectType")


def test_objecttype_in_the_wrong_case_is_rejected():  # xAPI-Data 2.2.s4.b1.b6
    rejected_at(statement(object={"objectType": "activity", "id": ACTIVITY_ID}), "object.objectType")


@pytest.mark.parametrize("who", [AGENT, GROUP, {"objectType": "Group", "openid": "http://team.example.org/"}])
def test_agent_and_group_objects_are_accepted(who):  # xAPI-Data 2.4.4.2.s1.b1
    accepted(statement(object=who))


def test_agent_object_without_objecttype_is_rejected():  # xAPI-Data 2.4.4.2.s1.b1
    error = rejected(statement(object={"mbox": "mailto:b@example.com"}))
    assert error.path.startswith("object") and "objectType" in error.message


def test_activity_without_id_is_rejected():  # xAPI-Data 2.4.4.1
    rejected_at(statement(object={"definition": {"name": {"en": "Quiz"}}}), "object.id")


def test_activity_id_must_be_an_iri():  # xAPI-Data 2.4.4.1, xAPI-Data 2.2.s4.b1.b4
    rejected_at(statement(object={"id": "quiz-1"}), "object.id")


@pytest.mark.parametrize("definition, path", [
    ({"name": "Quiz"}, "object.definition.name"),
    ({"description": {"en": 3}}, "object.definition.description.en"),
    ({"type": "quiz"}, "object.definition.type"),
    ({"moreInfo": "see the manual"}, "object.definition.moreInfo"),
    ({"extensions": ["http://example.com/e"]}, "object.definition.extensions"),
    ({"title": {"en": "Quiz"}}, "object.definition.title"),
])
def test_activity_definition_properties_have_their_types(definition, path):  # xAPI-Data 2.4.4.1 (s2)
    rejected_at(statement(object=activity(**definition)), path)


def test_activity_definition_that_is_not_an_object_is_rejected():  # xAPI-Data 2.4.4.1 (s2)
    rejected_at(statement(object={"id": ACTIVITY_ID, "definition": "Quiz"}), "object.definition")


INTERACTIONS = {  # xAPI-Data Appendix C
    "true-false": {"correctResponsesPattern": ["true"]},
    "choice": {"correctResponsesPattern": ["golf[,]tetris"],
               "choices": [{"id": "golf", "description": {"en-US": "Golf Example"}}, {"id": "tetris"}]},
    "fill-in": {"correctResponsesPattern": ["Bob's your uncle"]},
    "long-fill-in": {"correctResponsesPattern": ["{case_matters=false}{lang=en}To store and provide access"]},
    "likert": {"correctResponsesPattern": ["likert_3"], "scale": [{"id": "likert_0"}, {"id": "likert_3"}]},
    "matching": {"correctResponsesPattern": ["ben[.]3[,]chris[.]2"],
                 "source": [{"id": "ben"}, {"id": "chris"}], "target": [{"id": "2"}, {"id": "3"}]},
    "performance": {"correctResponsesPattern": ["pong[.]1:[,]dg[.]:10"],
                    "steps": [{"id": "pong"}, {"id": "dg"}]},
    "sequencing": {"correctResponsesPattern": ["tim[,]mike"], "choices": [{"id": "tim"}, {"id": "mike"}]},
    "numeric": {"correctResponsesPattern": ["4[:]"]},
    "other": {"correctResponsesPattern": ["(35.937432,-86.868896)"]},
}


@pytest.mark.parametrize("interaction_type", sorted(INTERACTIONS))
def test_every_interaction_type_is_accepted_with_its_component_lists(interaction_type):
    # xAPI-Data 2.4.4.1.s13.b1
    accepted(statement(object=activity(type="http://adlnet.gov/expapi/activities/cmi.interaction",
                                       interactionType=interaction_type, **INTERACTIONS[interaction_type])))


@pytest.mark.parametrize("interaction_type", ["essay", "Choice", "true_false", "", None, 3])
def test_interaction_type_outside_the_list_is_rejected(interaction_type):  # xAPI-Data 2.4.4.1.s13.b1
    rejected_at(statement(object=activity(interactionType=interaction_type)),
                "object.definition.interactionType")


@pytest.mark.parametrize("interaction_type, list_name", [
    ("true-false", "choices"), ("choice", "scale"), ("likert", "choices"), ("matching", "steps"),
    ("performance", "source"), ("numeric", "target"), ("other", "choices"), ("fill-in", "steps")])
def test_component_list_the_interaction_type_does_not_support_is_rejected(interaction_type, list_name):
    # xAPI-Data 2.4.4.1.s13.b3 (the LRS MAY validate interaction properties), table 2.4.4.1.s15
    rejected_at(statement(object=activity(interactionType=interaction_type, **{list_name: [{"id": "a"}]})),
                f"object.definition.{list_name}")


def test_component_list_without_interaction_type_is_rejected():  # xAPI-Data 2.4.4.1.s13.b3
    rejected_at(statement(object=activity(choices=[{"id": "a"}])), "object.definition.choices")


def test_correct_responses_pattern_without_interaction_type_is_rejected():  # xAPI-Data 2.4.4.1.s13.b3
    rejected_at(statement(object=activity(correctResponsesPattern=["a"])),
                "object.definition.correctResponsesPattern")


def test_correct_responses_pattern_holds_strings():  # xAPI-Data 2.4.4.1 (s8)
    rejected_at(statement(object=activity(interactionType="numeric", correctResponsesPattern=["4", 4])),
                "object.definition.correctResponsesPattern[1]")
    rejected_at(statement(object=activity(interactionType="numeric", correctResponsesPattern="4")),
                "object.definition.correctResponsesPattern")


def test_empty_correct_responses_pattern_means_no_correct_answer_and_is_accepted():  # xAPI-Data 2.4.4.1 (s11)
    accepted(statement(object=activity(interactionType="choice", correctResponsesPattern=[])))


def test_component_ids_within_a_list_must_be_distinct():  # xAPI-Data 2.4.4.1.s16.b1
    choices = [{"id": "golf"}, {"id": "tetris"}, {"id": "golf"}]
    rejected_at(statement(object=activity(interactionType="choice", choices=choices)),
                "object.definition.choices[2].id")


def test_component_ids_may_repeat_across_lists():  # xAPI-Data 2.4.4.1.s16.b1
    accepted(statement(object=activity(interactionType="matching", source=[{"id": "1"}],
                                       target=[{"id": "1"}])))


@pytest.mark.parametrize("component, path", [
    ({"description": {"en": "Golf"}}, "object.definition.choices[0].id"),
    ({"id": 1}, "object.definition.choices[0].id"),
    ({"id": "a", "text": "Golf"}, "object.definition.choices[0].text"),
    ({"id": "a", "description": "Golf"}, "object.definition.choices[0].description"),
    ("golf", "object.definition.choices[0]"),
])
def test_interaction_component_has_a_string_id_and_a_language_map_description(component, path):
    # xAPI-Data 2.4.4.1 (s15)
    rejected_at(statement(object=activity(interactionType="choice", choices=[component])), path)


def test_duplicate_component_ids_in_a_context_activity_are_rejected():  # xAPI-Data 2.4.4.1.s16.b1
    category = activity(interactionType="likert", scale=[{"id": "1"}, {"id": "1"}])
    rejected_at(statement(context={"contextActivities": {"category": [category]}}),
                "context.contextActivities.category[0].definition.scale[1].id")


# --- statement references and substatements (2.4.4.3) ------------------------------------------------

def test_statement_ref_is_accepted():  # xAPI-Data 2.4.4.3.s4.b1, xAPI-Data 2.4.4.3.s4.b2
    accepted(statement(object=STATEMENT_REF))


def test_statement_ref_id_must_be_a_uuid():  # xAPI-Data 2.4.4.3.s4.b2
    rejected_at(statement(object={"objectType": "StatementRef", "id": "http://example.com/s/1"}), "object.id")


def test_statement_ref_without_id_is_rejected():  # xAPI-Data 2.4.4.3.s4.b2
    rejected_at(statement(object={"objectType": "StatementRef"}), "object.id")


def test_statement_ref_with_other_properties_is_rejected():  # xAPI-Data 2.4.4.3.s4
    rejected_at(statement(object={**STATEMENT_REF, "actor": AGENT}), "object.actor")


def test_context_statement_without_statement_ref_objecttype_is_rejected():  # xAPI-Data 2.4.4.3.s4.b1
    rejected_at(statement(context={"statement": {"id": STATEMENT_ID}}), "context.statement.objectType")


def test_voiding_statement_must_point_at_a_statement_ref():  # xAPI-Data 2.3.2.s2.b1
    error = rejected_at(statement(verb={"id": VOIDED}, object={"id": ACTIVITY_ID}), "object.objectType")
    assert error.section == "xAPI-Data 2.3.2"


def test_voiding_statement_with_a_statement_ref_is_accepted():  # xAPI-Data 2.3.2.s2.b1, xAPI-Data 2.3.2.s2.b2
    accepted(statement(verb={"id": VOIDED, "display": {"en-US": "voided"}}, object=STATEMENT_REF))


def test_substatement_is_accepted():  # xAPI-Data 2.4.4.3.s8.b1
    accepted(statement(object=substatement(result={"completion": True}, context={"platform": "web"},
                                           timestamp="2099-01-01T00:00:00Z", attachments=[ATTACHMENT])))


def test_substatement_is_validated_as_a_statement():  # xAPI-Data 2.4.4.3.s8.b2
    rejected_at(statement(object=substatement(actor={"mbox": "ada@example.com"})), "object.actor.mbox")
    rejected_at(statement(object=substatement(result={"score": {"scaled": 2}})), "object.result.score.scaled")
    rejected_at(statement(object=substatement(verb={"id": VOIDED}, object={"objectType": "Course"})),
                "object.object.objectType")


def test_substatement_without_verb_is_rejected():  # xAPI-Data 2.4.4.3.s8.b2, xAPI-Data 2.2.s2.b3
    without_verb = {key: value for key, value in substatement().items() if key != "verb"}
    rejected_at(statement(object=without_verb), "object.verb")


@pytest.mark.parametrize("lrs_property, value", [("id", STATEMENT_ID), ("stored", "2025-01-01T00:00:00Z"),
                                                 ("version", "1.0.0"), ("authority", AGENT)])
def test_substatement_must_not_have_id_stored_version_or_authority(lrs_property, value):
    # xAPI-Data 2.4.4.3.s8.b3
    error = rejected_at(statement(object=substatement(**{lrs_property: value})), f"object.{lrs_property}")
    assert error.section == "xAPI-Data 2.4.4.3"


def test_substatement_inside_a_substatement_is_rejected():  # xAPI-Data 2.4.4.3.s8.b4
    rejected_at(statement(object=substatement(object=substatement())), "object.object.objectType")


def test_substatement_with_future_timestamp_is_accepted():  # xAPI-Data 2.4.7.s3.b5
    accepted(statement(object=substatement(timestamp="2999-12-31T23:59:59Z")))


# --- result (2.4.5) ----------------------------------------------------------------------------------

@pytest.mark.parametrize("scaled", [1.5, -1.01, 100])
def test_score_scaled_outside_minus_one_to_one_is_rejected(scaled):  # xAPI-Data 2.4.5.1 (s2)
    error = rejected_at(statement(result={"score": {"scaled": scaled}}), "result.score.scaled")
    assert error.section == "xAPI-Data 2.4.5.1"


@pytest.mark.parametrize("scaled", [-1, 0, 0.95, 1, 1.0])
def test_score_scaled_bounds_are_inclusive(scaled):  # xAPI-Data 2.4.5.1 (s2)
    accepted(statement(result={"score": {"scaled": scaled}}))


@pytest.mark.parametrize("score, path", [({"raw": 11, "min": 0, "max": 10}, "result.score.raw"),
                                         ({"raw": -0.5, "min": 0}, "result.score.raw"),
                                         ({"raw": 11, "max": 10}, "result.score.raw"),
                                         ({"min": 10, "max": 0}, "result.score.min"),
                                         ({"min": 5, "max": 5}, "result.score.min")])
def test_score_raw_lies_between_min_and_max_and_min_is_below_max(score, path):  # xAPI-Data 2.4.5.1 (s2)
    rejected_at(statement(result={"score": score}), path)


@pytest.mark.parametrize("score", [{"raw": 0, "min": 0, "max": 10}, {"raw": 10, "min": 0, "max": 10},
                                   {"raw": -1000}, {"raw": 3.5, "min": -2.5}, {"min": -10, "max": -5}])
def test_score_raw_equal_to_min_or_max_or_unbounded_is_accepted(score):  # xAPI-Data 2.4.5.1 (s2)
    accepted(statement(result={"score": score}))


@pytest.mark.parametrize("key, value", [("scaled", "0.5"), ("raw", True), ("min", None), ("max", [10]),
                                        ("raw", math.inf), ("scaled", math.nan)])
def test_score_values_must_be_numbers(key, value):  # xAPI-Data 2.2.s4.b1.b3, xAPI-Data 2.4.5.1
    rejected_at(statement(result={"score": {key: value}}), f"result.score.{key}")


def test_unknown_score_property_is_rejected():  # xAPI-Data 2.4.5.1
    rejected_at(statement(result={"score": {"percent": 80}}), "result.score.percent")


def test_result_response_must_be_a_string():  # xAPI-Data 2.4.5
    rejected_at(statement(result={"response": 4}), "result.response")


def test_unknown_result_property_is_rejected():  # xAPI-Data 2.4.5
    rejected_at(statement(result={"passed": True}), "result.passed")


@pytest.mark.parametrize("duration", ["PT4H35M59.14S", "P3Y1M29DT4H35M59.14S", "P3Y", "P4W", "PT0S",
                                      "PT1H0M0S", "PT1234S", "P1DT12H", "PT1,5S", "PT1.5H", "P0.5Y",
                                      "PT0.001S", "P1M", "PT1M"])
def test_iso_8601_durations_are_accepted(duration):  # xAPI-Data 4.6.s1.b1
    accepted(statement(result={"duration": duration}))


@pytest.mark.parametrize("duration", ["P4W1D", "PT", "P", "1 hour", "P0001-02-03T04:05:06", "PT1.5H30M",
                                      "-PT1S", "P16559.14S", "pt1s", "P1DT", "PT1S1M", "P1.S", "PT.5S", "P1H",
                                      90, ""])
def test_malformed_durations_are_rejected(duration):  # xAPI-Data 4.6.s1.b1
    error = rejected_at(statement(result={"duration": duration}), "result.duration")
    assert error.section == "xAPI-Data 4.6"


# --- context (2.4.6) -----------------------------------------------------------------------------------

def test_full_context_is_accepted():  # xAPI-Data 2.4.6
    accepted(statement(context={
        "registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7", "instructor": AGENT, "team": GROUP,
        "contextActivities": {"parent": {"id": "http://example.com/course"},
                              "grouping": [{"id": "http://example.com/program"}], "category": [],
                              "other": [{"id": "http://example.com/o1"}, {"id": "http://example.com/o2"}]},
        "revision": "1.2", "platform": "web", "language": "en-US", "statement": STATEMENT_REF,
        "extensions": {"http://example.com/ext/altitude": 11000}}))


def test_registration_must_be_a_uuid():  # xAPI-Data 2.4.6, 4.4
    rejected_at(statement(context={"registration": "attempt-1"}), "context.registration")


@pytest.mark.parametrize("instructor", [AGENT, GROUP])
def test_instructor_may_be_an_agent_or_a_group(instructor):  # xAPI-Data 2.4.6 (s3)
    accepted(statement(context={"instructor": instructor}))


def test_instructor_must_be_a_valid_agent():  # xAPI-Data 2.4.6 (s3)
    rejected_at(statement(context={"instructor": {"name": "Bob"}}), "context.instructor")


def test_team_must_be_a_group():  # xAPI-Data 2.4.6 (s3)
    rejected_at(statement(context={"team": AGENT}), "context.team.objectType")


def test_revision_with_an_agent_object_is_rejected():  # xAPI-Data 2.4.6.s4.b1
    rejected_at(statement(object=AGENT, context={"revision": "2"}), "context.revision")


def test_platform_with_a_statement_ref_object_is_rejected():  # xAPI-Data 2.4.6.s4.b2
    rejected_at(statement(object=STATEMENT_REF, context={"platform": "web"}), "context.platform")


def test_revision_with_a_substatement_object_is_rejected():  # xAPI-Data 2.4.6.s4.b1
    rejected_at(statement(object=substatement(), context={"revision": "2"}), "context.revision")


def test_revision_in_a_substatement_follows_the_substatements_own_object():  # xAPI-Data 2.4.6.s4.b1-b2
    accepted(statement(object=substatement(context={"revision": "2", "platform": "web"})))
    rejected_at(statement(object=substatement(object=AGENT, context={"platform": "web"})),
                "object.context.platform")


@pytest.mark.parametrize("key", ["revision", "platform"])
def test_revision_and_platform_are_strings(key):  # xAPI-Data 2.4.6 (s3)
    rejected_at(statement(context={key: 2}), f"context.{key}")


@pytest.mark.parametrize("language", ["English (US)", "en_US", "", "en-USA1", 1])
def test_context_language_must_be_a_language_tag(language):  # xAPI-Data 2.4.6 (s3), xAPI-Data 2.2.s4.b2
    rejected_at(statement(context={"language": language}), "context.language")


def test_unknown_context_property_is_rejected():  # xAPI-Data 2.4.6
    rejected_at(statement(context={"location": "Paris"}), "context.location")


@pytest.mark.parametrize("key", ["parents", "Parent", "related"])
def test_context_activities_keys_are_parent_grouping_category_other(key):  # xAPI-Data 2.4.6.2.s4.b1
    rejected_at(statement(context={"contextActivities": {key: [{"id": ACTIVITY_ID}]}}),
                f"context.contextActivities.{key}")


@pytest.mark.parametrize("value", [{"id": ACTIVITY_ID}, [{"id": ACTIVITY_ID}], [],
                                   [{"id": ACTIVITY_ID, "objectType": "Activity"},
                                    {"id": "urn:uuid:" + STATEMENT_ID}]])
def test_context_activities_value_is_one_activity_or_an_array(value):  # xAPI-Data 2.4.6.2.s4.b2
    accepted(statement(context={"contextActivities": {"parent": value}}))


@pytest.mark.parametrize("value, path", [
    (ACTIVITY_ID, "context.contextActivities.parent"),
    (None, "context.contextActivities.parent"),
    ([ACTIVITY_ID], "context.contextActivities.parent[0]"),
    ([{"id": ACTIVITY_ID}, {"id": "not an iri"}], "context.contextActivities.parent[1].id"),
    ({"id": "x y"}, "context.contextActivities.parent.id"),
    ([AGENT], "context.contextActivities.parent[0].objectType"),
])
def test_context_activities_value_of_another_kind_is_rejected(value, path):  # xAPI-Data 2.4.6.2.s4.b2
    rejected_at(statement(context={"contextActivities": {"parent": value}}), path)


def test_context_agents_and_groups_are_accepted_only_from_xapi_2_0():  # xAPI-2.0 x1, xAPI-2.0 x2
    context = {"contextAgents": [{"objectType": "contextAgent", "agent": AGENT,
                                  "relevantTypes": ["https://example.com/roles/mentor"]}],
               "contextGroups": [{"objectType": "contextGroup", "group": GROUP}]}
    accepted(statement(context=context), "2.0.0")
    rejected_at(statement(context=context), "context.contextAgents", "1.0.3")


@pytest.mark.parametrize("entries, path", [
    ([{"agent": AGENT}], "context.contextAgents[0].objectType"),
    ([{"objectType": "contextGroup", "agent": AGENT}], "context.contextAgents[0].objectType"),
    ([{"objectType": "contextAgent"}], "context.contextAgents[0].agent"),
    ([{"objectType": "contextAgent", "agent": GROUP}], "context.contextAgents[0].agent.objectType"),
    ([{"objectType": "contextAgent", "agent": AGENT, "relevantTypes": ["mentor"]}],
     "context.contextAgents[0].relevantTypes[0]"),
    ([{"objectType": "contextAgent", "agent": AGENT, "relevantTypes": []}],
     "context.contextAgents[0].relevantTypes"),
    ({"objectType": "contextAgent", "agent": AGENT}, "context.contextAgents"),
])
def test_context_agents_follow_the_xapi_2_0_shape(entries, path):  # xAPI-2.0 x1
    rejected_at(statement(context={"contextAgents": entries}), path, "2.0.0")


def test_context_group_must_hold_a_group():  # xAPI-2.0 x2
    rejected_at(statement(context={"contextGroups": [{"objectType": "contextGroup", "group": AGENT}]}),
                "context.contextGroups[0].group.objectType", "2.0.0")


# --- timestamps (2.4.7, 2.4.8, 4.5) -----------------------------------------------------------------

@pytest.mark.parametrize("timestamp", [
    "2015-11-18T12:17:00+00:00", "2013-05-18T05:32:34.804+00:00", "2015-11-18T12:17:00Z",
    "2015-11-18T12:17:00.123456789Z", "2015-11-18T12:17:00", "2015-11-18T12:17Z", "2015-11-18T12:17:00+0530",
    "2015-11-18T12:17:00-05", "2024-02-29T00:00:00Z", "2000-02-29T23:59:59-23:59",
    "2015-11-18T12:17:00-00:30",
])
def test_iso_8601_timestamps_are_accepted(timestamp):  # xAPI-Data 4.5.s1.b1, xAPI-Data 4.5.s1.b4 (a SHOULD)
    accepted(statement(timestamp=timestamp))


@pytest.mark.parametrize("timestamp", [
    "2025-13-01T00:00:00Z", "2025-02-30T00:00:00Z", "2023-02-29T00:00:00Z", "1900-02-29T00:00:00Z",
    "2025-04-31T00:00:00Z", "2025-01-01", "2025-01-01T24:00:00Z", "2025-01-01T12:60:00Z",
    "2025-01-01 12:00:00Z", "20250101T120000Z", "2025-01-01T00:00:00-00:00", "2025-01-01T00:00:00-0000",
    "2025-01-01T00:00:00-00",
    "0000-01-01T00:00:00Z", "yesterday", "2025-01-01T00:00:00+24:00", "2025-01-01T00:00:00.Z",
    "2025-1-1T00:00:00Z", "2025-01-01t00:00:00z", "2025-01-01T00:00:00Z\n", 1735689600, "",
])
def test_malformed_timestamps_are_rejected(timestamp):  # xAPI-Data 4.5.s1.b1
    error = rejected_at(statement(timestamp=timestamp), "timestamp")
    assert error.section == "xAPI-Data 4.5"


def test_stored_must_be_a_timestamp():  # xAPI-Data 2.4.8.s3.b1, xAPI-Data 4.5.s1.b1
    rejected_at(statement(stored="2025-02-30T00:00:00Z"), "stored")
    accepted(statement(stored="2025-02-28T00:00:00.000Z"))


# --- authority and version (2.4.9, 2.4.10) --------------------------------------------------------------

def test_authority_agent_is_accepted():  # xAPI-Data 2.4.9.s3.b1
    accepted(statement(authority={"objectType": "Agent",
                                  "account": {"homePage": "http://cloud.scorm.com/", "name": "anonymous"}}))


def test_authority_group_of_an_application_and_a_user_is_accepted():  # xAPI-Data 2.4.9.s3.b1
    accepted(statement(authority={"objectType": "Group", "member": [
        {"account": {"homePage": "http://example.com/xAPI/OAuth/Token", "name": "oauth_consumer_x75db"}},
        {"mbox": "mailto:bob@example.com"}]}))


@pytest.mark.parametrize("members", [[AGENT], [AGENT, AGENT, AGENT]])
def test_authority_group_without_exactly_two_agents_is_rejected(members):  # xAPI-Data 2.4.9.s3.b1
    rejected_at(statement(authority={"objectType": "Group", "member": members}), "authority.member")


def test_authority_must_be_a_valid_agent():  # xAPI-Data 2.4.9.s3.b1
    rejected_at(statement(authority={"name": "The LRS"}), "authority")


@pytest.mark.parametrize("lrs_property, value", [("stored", "2025-01-01T00:00:00Z"), ("authority", AGENT)])
def test_lrs_assigned_properties_can_be_refused(lrs_property, value):  # xAPI-Data 2.4.8, 2.4.9 (LRS-set)
    accepted(statement(**{lrs_property: value}))
    rejected_at(statement(**{lrs_property: value}), lrs_property, lrs_assigned_allowed=False)


@pytest.mark.parametrize("version", ["1.0.0", "1.0.3", "1.0", "1.0.99"])
def test_statement_version_starting_with_1_0_is_accepted(version):
    # xAPI-Data 2.4.10.s3.b1, xAPI-Data 2.4.10.s2.b1
    accepted(statement(version=version))


@pytest.mark.parametrize("version", ["1.1.0", "2.0.0", "0.95", "1.0.x", "1", "", "v1.0.0", 1.0, "1.0.0 "])
def test_statement_version_not_starting_with_1_0_is_rejected(version):  # xAPI-Data 2.4.10.s3.b2
    error = rejected_at(statement(version=version), "version")
    assert error.section == "xAPI-Data 2.4.10"


def test_statement_version_2_0_is_accepted_in_an_xapi_2_0_request():  # xAPI-2.0 4.2.4.3-version
    accepted(statement(version="2.0.0"), "2.0.0")
    accepted(statement(version="1.0.0"), "2.0.0")
    rejected_at(statement(version="3.0.0"), "version", "2.0.0")


# --- attachments (2.4.11) -----------------------------------------------------------------------------

def test_attachment_metadata_is_accepted():  # xAPI-Data 2.4.11
    sha512_with_description = {**ATTACHMENT, "description": {"en": "x"}, "sha2": "A" * 128}
    accepted(statement(attachments=[ATTACHMENT, sha512_with_description]))
    accepted(statement(attachments=[{key: value for key, value in ATTACHMENT.items() if key != "fileUrl"}]))


@pytest.mark.parametrize("missing", ["usageType", "display", "contentType", "length", "sha2"])
def test_attachment_without_a_required_property_is_rejected(missing):  # xAPI-Data 2.4.11 (s2)
    attachment = {key: value for key, value in ATTACHMENT.items() if key != missing}
    rejected_at(statement(attachments=[attachment]), f"attachments[0].{missing}")


@pytest.mark.parametrize("key, value", [
    ("usageType", "certificate"), ("display", "Certificate"), ("description", {"english language": "x"}),
    ("contentType", "pdf"), ("contentType", 3), ("length", "27"), ("length", -1), ("length", 2.5),
    ("length", True), ("sha2", "not a hash"), ("sha2", "a" * 63), ("fileUrl", "attachments/test.txt"),
    ("fileurl", "http://example.com/x"),
])
def test_attachment_properties_have_their_types(key, value):  # xAPI-Data 2.4.11 (s2)
    error = rejected(statement(attachments=[{**ATTACHMENT, key: value}]))
    assert error.path.startswith(f"attachments[0].{key}"), error.path


def test_attachments_must_be_an_array():  # xAPI-Data 2.4.11
    rejected_at(statement(attachments=ATTACHMENT), "attachments")


# --- extensions (4.1) ---------------------------------------------------------------------------------

def test_extension_keys_must_be_iris():  # xAPI-Data 4.1.s3.b1
    error = rejected_at(statement(context={"extensions": {"altitude": 11000}}), "context.extensions.altitude")
    assert error.section == "xAPI-Data 4.1"


@pytest.mark.parametrize("value", [None, 10**40, -0.0, [1, [2, [3, None]]], {"Any": {"thing": True}}, "", {}])
def test_extension_values_are_never_examined(value):  # xAPI-Data 4.1.s3.b2
    accepted(statement(result={"extensions": {"http://example.com/ext": value}}))
    accepted(statement(object=activity(extensions={"http://example.com/ext": value})))


def test_extensions_must_be_an_object():  # xAPI-Data 4.1
    rejected_at(statement(result={"extensions": [["http://example.com/ext", 1]]}), "result.extensions")


# --- paths and robustness -----------------------------------------------------------------------------

def test_paths_quote_keys_that_are_not_plain_names():  # xAPI-Data 2.4 (error paths)
    rejected_at(statement(result={"extensions": {"not an iri": 1}}), 'result.extensions["not an iri"]')
    rejected_at(statement(**{'a"b': 1}), '["a\\"b"]')


@pytest.mark.parametrize("value, path", [
    ({**statement(), "verb": {"id": "http://example.com/\ud800"}}, "verb.id"),
    ({**statement(), "actor": {1: 2}}, "actor[1]"),
    ({**statement(), 3: 4}, "[3]"),
])
def test_values_json_cannot_hold_are_named(value, path):  # xAPI-Data 2.2.s4.b1
    rejected_at(value, path)


_NOT_JSON = "validate_statement checks types only where the rules name one, so a value no JSON text " \
            "can carry is accepted; orjson never decodes one, so the HTTP API is not affected"


@pytest.mark.parametrize("value, path", [
    ({"actor": AGENT, "verb": {"id": b"http://example.com/v"}, "object": {"id": ACTIVITY_ID}}, "verb.id"),
    ({**statement(), "timestamp": float("nan")}, "timestamp"),
    ({**statement(), "result": {"score": {"raw": 10**400}}}, "result.score.raw"),
    pytest.param({**statement(), "result": {"extensions": {"http://example.com/e": {1, 2}}}},
                 'result.extensions["http://example.com/e"]', marks=pytest.mark.xfail(strict=True, reason=_NOT_JSON)),
    pytest.param({**statement(), "result": {"extensions": {"http://example.com/e": float("nan")}}},
                 'result.extensions["http://example.com/e"]', marks=pytest.mark.xfail(strict=True, reason=_NOT_JSON)),
    # A lone surrogate cannot be written as UTF-8 (RFC 8259 8.1); verb.id already refuses one.
    pytest.param({**statement(), "actor": {**AGENT, "name": "\udfff"}}, "actor.name",
                 marks=pytest.mark.xfail(strict=True, reason=_NOT_JSON)),
])
def test_values_json_cannot_hold_are_rejected_where_they_are(value, path):  # xAPI-Data 2.2.s4.b1.b3
    error = rejected(value)
    assert error.path == path, (error.path, error.message)
    assert error.message and error.section


def test_unknown_versions_are_validated_as_1_0_3():  # xAPI-Communication 3.3 (negotiated earlier)
    accepted(statement(), "1.0.0")
    rejected_at(statement(context={"contextAgents": []}), "context.contextAgents", "0.9")


# --- every mutation of the strategies, on three bases -------------------------------------------------

_EVERY_MUTATION = [(version, what, changes, prefix) for version, mutations in MUTATIONS.items()
                   for what, changes, prefix in mutations]


@pytest.mark.parametrize("version, what, changes, prefix", _EVERY_MUTATION,
                         ids=[f"{version}:{what}" for version, what, _, _ in _EVERY_MUTATION])
def test_each_mutation_breaks_exactly_the_rule_it_names(version, what, changes, prefix):
    # xAPI-Data 2.2.s4.b1: whatever valid statement it is applied to, the error is where the rule broke
    for base in (statement(), realistic_statement(), copy.deepcopy(SPEC_LONG_EXAMPLE)):
        error = rejected(apply_mutation(base, changes), version)
        assert error.path.startswith(prefix), (what, error.path, error.message)


# --- properties of generated statements -----------------------------------------------------------------

PROPERTY_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
VERSIONS = st.sampled_from(["1.0.3", "2.0.0"])


def _verdicts(value, version: str) -> tuple[bool, bool]:
    """(fast path says valid, Python checks say valid): the two readings of the rules."""
    rules = rules_for(version)
    fast = passes_fast_path(value, rules, True)
    try:
        check_statement(value, rules, lrs_assigned_allowed=True)
    except InvalidStatement:
        return fast, False
    return fast, True


@PROPERTY_SETTINGS
@given(VERSIONS.flatmap(lambda version: st.tuples(st.just(version), valid_statements(version))))
def test_every_generated_valid_statement_is_accepted(case):  # xAPI-Data 2.4
    version, value = case
    before = copy.deepcopy(value)
    validate_statement(value, version)
    assert _verdicts(value, version) == (True, True)
    assert value == before  # validation never changes the statement


@PROPERTY_SETTINGS
@given(valid_statements(with_attachments=True))
def test_generated_statements_with_attachment_metadata_are_accepted(value):  # xAPI-Data 2.4.11
    validate_statement(value)


@PROPERTY_SETTINGS
@given(VERSIONS.flatmap(lambda version: st.tuples(st.just(version), invalid_mutations(version))))
def test_every_rule_breaking_mutation_is_rejected_at_its_path(case):  # xAPI-Data 2.2.s4.b1
    version, (value, prefix) = case
    before = copy.deepcopy(value)
    with pytest.raises(InvalidStatement) as caught:
        validate_statement(value, version)
    assert caught.value.path.startswith(prefix), (caught.value.path, prefix, caught.value.message)
    assert _verdicts(value, version) == (False, False)
    assert value == before


JSON_CHARACTERS = st.characters(codec="utf-8")  # no lone surrogates: JSON text cannot carry them
_NAMES = st.text(JSON_CHARACTERS, max_size=6) | st.sampled_from([
    "id", "actor", "verb", "object", "objectType", "mbox", "member", "account", "homePage", "name", "display",
    "definition", "result", "score", "raw", "min", "max", "scaled", "context", "contextActivities", "parent",
    "timestamp", "extensions", "Agent", "Group", "SubStatement", "StatementRef", "en-US"])
_FORMATTED = st.sampled_from(["mailto:a@b.example", "http://example.com/x", STATEMENT_ID,
                              "2025-01-01T00:00:00Z", "PT1S", "Group", "Agent", "SubStatement",
                              "StatementRef", "en-US"])
arbitrary_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(JSON_CHARACTERS, max_size=12) | _FORMATTED,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(_NAMES, children, max_size=5),
    max_leaves=30)


@PROPERTY_SETTINGS
@given(arbitrary_json)
def test_arbitrary_json_never_raises_anything_but_invalid_statement(value):  # xAPI-Data 2.2.s4.b1
    try:
        validate_statement(value)
    except InvalidStatement as error:
        assert isinstance(error.path, str) and error.message and error.section
    fast, python = _verdicts(value, "1.0.3")
    assert fast == python


@st.composite
def _corrupted_statements(draw) -> dict:
    """A valid statement with one change somewhere inside: a value replaced, a key removed or a key added."""
    value = draw(valid_statements())
    holders = []

    def visit(node) -> None:
        if isinstance(node, dict):
            children = node.items()
        elif isinstance(node, list):
            children = enumerate(node)
        else:
            return
        for key, child_value in children:
            holders.append((node, key))
            visit(child_value)

    visit(value)
    node, key = draw(st.sampled_from(holders))
    change = draw(st.sampled_from(["replace", "remove", "add"]))
    if change == "remove" and isinstance(node, dict):
        del node[key]
    elif change == "add" and isinstance(node, dict):
        node[draw(_NAMES)] = draw(arbitrary_json)
    else:
        node[key] = draw(arbitrary_json)
    return value


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_corrupted_statements())
def test_fast_path_and_python_checks_agree_on_corrupted_statements(value):  # xAPI-Data 2.4
    fast, python = _verdicts(value, "1.0.3")
    assert fast == python
    try:
        validate_statement(value)
    except InvalidStatement:
        assert not python


def test_authority_group_with_an_identifier_is_rejected():  # xAPI-Data 2.4.9.s3.b1
    group = {"objectType": "Group", "mbox": "mailto:group@example.com",
             "member": [{"mbox": "mailto:a@example.com"}, {"mbox": "mailto:b@example.com"}]}
    statement = {"actor": {"mbox": "mailto:a@example.com"}, "verb": {"id": "http://example.com/v"},
                 "object": {"id": "http://example.com/a"}, "authority": group}
    with pytest.raises(InvalidStatement) as raised:
        validate_statement(statement)
    assert raised.value.path.startswith("authority")
    assert raised.value.section.startswith("xAPI-Data 2.4.9")
    del group["mbox"]
    validate_statement(statement)
