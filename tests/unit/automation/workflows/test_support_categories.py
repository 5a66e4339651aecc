"""Help requests categorised by configurable rules (issue 15, Support routing)."""
from __future__ import annotations

import copy

import pytest

from automation.support.categories import categorise, destination, self_service_answer
from automation.workflows.rules import DEFAULTS, InvalidRules, check_rules

RULES = DEFAULTS["support"]


@pytest.mark.parametrize(("subject", "body", "expected"), [
    ("Refund please", "I was charged twice for the course.", "billing"),
    ("Can't log in", "I forgot my password and my account is locked.", "password_access"),
    ("Video is broken", "The player shows a blank page in my browser.", "technical"),
    ("Question about lesson 3", "I think the quiz answer in module 2 is a mistake.", "course_content"),
    ("Hello", "Something odd happened.", "technical"),  # no keyword: the default category
])
def test_each_category_is_found_from_its_keywords(subject, body, expected):
    assert categorise(subject, body, RULES) == expected


def test_keywords_match_whole_words_in_any_case_and_spacing():
    assert categorise("LOG   IN trouble", "", RULES) == "password_access"
    # "cards" is not "card", "accessible" is not "access": no partial-word matches.
    assert categorise("Accessible cards", "", RULES) == "technical"


def test_the_subject_outweighs_the_body():
    body = "the lesson, the quiz and the module"
    assert categorise("Invoice", body, RULES) == "course_content"  # 2 against 3
    assert categorise("Invoice for the refund", body, RULES) == "billing"  # 4 against 3
    assert categorise("Invoice", "the lesson and the quiz", RULES) == "billing"  # 2 against 2: the first rule


def test_changed_rules_change_the_category_and_route():
    rules = copy.deepcopy(RULES)
    rules["categories"].insert(0, {"name": "certificates", "keywords": ["certificate"]})
    rules["routes"] = {"certificates": {"webhook": "https://desk.example.org/hook"},
                       "billing": {"email": "billing@example.org"}}
    check_rules("support", rules)
    assert categorise("Where is my certificate?", "", rules) == "certificates"
    assert destination("certificates", rules) == {"webhook": "https://desk.example.org/hook"}
    assert destination("billing", rules) == {"email": "billing@example.org"}
    assert destination("technical", rules) == rules["default_route"]


def test_only_password_or_access_requests_get_the_self_service_answer_by_default():
    assert "reset your password" in self_service_answer("password_access", RULES)["answer"]
    assert self_service_answer("billing", RULES) is None


@pytest.mark.parametrize(("change", "where"), [
    (lambda rules: rules.update(default_category="nope"), "/default_category"),
    (lambda rules: rules["routes"].update(billing={"email": "not an address"}), "/routes/billing/email"),
    (lambda rules: rules["routes"].update(billing={"webhook": "ftp://x"}), "/routes/billing/webhook"),
    (lambda rules: rules["routes"].update(unknown={"email": "a@b.org"}), "/routes/unknown"),
    (lambda rules: rules["categories"].append(copy.deepcopy(rules["categories"][0])), "/categories"),
    (lambda rules: rules.pop("default_route"), "/"),
])
def test_bad_rules_are_refused_saying_where(change, where):
    rules = copy.deepcopy(RULES)
    change(rules)
    with pytest.raises(InvalidRules) as raised:
        check_rules("support", rules)
    assert raised.value.where == where
