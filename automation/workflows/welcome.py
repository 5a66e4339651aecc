"""The welcome email with the course link, once per learner and course, when enrolment grants a course."""
from __future__ import annotations

from automation.workflows.enrolment import ENROLMENT_CHANGED
from automation.workflows.keys import effect_key
from delivery.errors import DeliveryError


class WelcomeEmailHandler:
    name = "workflows.welcome_email"
    kinds = frozenset({ENROLMENT_CHANGED})

    def __init__(self, workflows):
        """`workflows` is automation.workflows.container.Workflows."""
        self._workflows = workflows

    def handle(self, event, effects) -> None:
        change = event.payload
        if change.get("change") != "granted" or not change.get("email"):
            return
        workflows = self._workflows
        store_id, course_id = event.store_id, change["course_id"]
        course_url = workflows.course_url(store_id, course_id, change["registration_id"])
        try:
            course_title = workflows.delivery.course(store_id, course_id).title
        except DeliveryError:  # a course deleted since: the welcome still names it by id
            course_title = course_id
        effects.run_once(
            effect_key("welcome-email", store_id, change["learner_key"], course_id),
            lambda: workflows.mailer.send(
                store_id=store_id, to=change["email"], template="welcome", transactional=True,
                message_key=effect_key("welcome-email", store_id, change["learner_key"], course_id),
                context={"learner_name": change.get("name") or change["email"], "course_title": course_title,
                         "course_url": course_url}))
