"""The email templates' plain-text parts (automation/email/templates.py): whichever optional parts a template
leaves out (a course link, the unsubscribe footer), no blank lines pile up and the text ends with one newline."""
from __future__ import annotations

import pytest

from automation.email.templates import EmailTemplates


@pytest.mark.parametrize("course_url, unsubscribe_url", [
    (None, None), ("https://courses.example/c1", None), (None, "https://lrs.example/u/1"),
    ("https://courses.example/c1", "https://lrs.example/u/1"),
])
def test_the_welcome_text_has_no_trailing_or_doubled_blank_lines(course_url, unsubscribe_url):
    text = EmailTemplates().render("welcome", {"learner_name": "Ada", "course_title": "Golf",
                                               "course_url": course_url, "unsubscribe_url": unsubscribe_url}).text
    assert text.startswith("Hello Ada,\n\nYou are enrolled in Golf.")
    assert text.endswith("\n") and not text.endswith("\n\n")
    assert "\n\n\n" not in text
    assert (course_url in text) if course_url else "Start here" not in text
    assert (f"Unsubscribe from messages like this one: {unsubscribe_url}\n" in text) if unsubscribe_url \
        else "Unsubscribe" not in text


def test_what_a_course_team_wrote_keeps_its_blank_lines():
    body = "First paragraph.\n\n\nAfter two blank lines.\n   \nEnd."
    text = EmailTemplates().render("rule_message", {"subject": "News", "body": body, "link_url": None,
                                                    "link_text": None, "unsubscribe_url": None}).text
    assert text == body + "\n"
