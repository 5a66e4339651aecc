"""Builds the workflows from the settings and the LRS's services: the one place their parts are chosen
(the mail transport, the Stripe secret, the delivery service they enrol through)."""
from __future__ import annotations

from dataclasses import dataclass

from automation.certificates.issuing import CertificateIssuer
from automation.certificates.store import CertificateStore
from automation.email.mailer import Mailer, build_mailer
from automation.email.unsubscribe import UnsubscribeTokens, Unsubscribes
from automation.payments.events import PaymentEvents
from automation.payments.webhook import StripeWebhook
from automation.support.desk import SupportDesk
from automation.workflows.enrolment import Enrolment, learner_email
from automation.workflows.reengagement import LearnerActivity
from automation.workflows.rules import Rules
from automation.workflows.settings import WorkflowSettings


@dataclass
class Workflows:
    settings: WorkflowSettings
    delivery: object  # delivery.services.Delivery
    rules: Rules
    mailer: Mailer
    unsubscribe_tokens: UnsubscribeTokens
    unsubscribes: Unsubscribes
    payments: PaymentEvents
    stripe: StripeWebhook | None
    enrolment: Enrolment
    certificates: CertificateIssuer
    activity: LearnerActivity
    support: SupportDesk

    def course_url(self, store_id: int, course_id: str, registration_id: str) -> str | None:
        """The welcome email's link to the course, by the store's `enrolment` rule; None when it sets none."""
        template = self.rules.get(store_id, "enrolment")["course_url"]
        if not template:
            return None
        return template.format_map({"public_url": self.settings.public_url, "course_id": course_id,
                                    "registration_id": registration_id})

    def paying_learner(self, email: str, name: str | None) -> dict:
        """The Agent a Stripe customer learns as: an account on this server named by the (lower-cased)
        email, which every standard accepts (cmi5 needs an account, launch-api.md Registrations)."""
        agent = {"objectType": "Agent", "account": {"homePage": self.settings.public_url + "/learners",
                                                    "name": email.lower()}}
        return {**agent, "name": name} if name else agent

    def contact(self, store_id: int, learner_key: str, agent: dict) -> tuple[str | None, str]:
        """(email or None, a name to greet) for a learner: enrolment's record first, then the Agent."""
        known = self.enrolment.learner(store_id, learner_key)
        email = (known.email if known else None) or learner_email(agent)
        name = (known.name if known else None) or agent.get("name") or email or "there"
        return email, name

    def send_rule_message(self, effects, key: str, store_id: int, email: str, message: dict, context: dict) -> bool:
        """A course team's message (subject and body from the rules, sandboxed Jinja), not transactional."""
        templates = self.mailer.templates
        rendered = {"subject": templates.render_text(message["subject"], context),
                    "body": templates.render_text(message["body"], context), "link_url": None, "link_text": None}
        return effects.run_once(key, lambda: self.mailer.send(store_id=store_id, to=email, template="rule_message",
                                                              context=rendered, transactional=False,
                                                              message_key=key))


def build_workflows(settings, services, delivery=None) -> Workflows:
    """`settings` is lrs.settings.Settings and `services` lrs.services.container.Services; `delivery` is
    the app's delivery service (workers without an app build their own). Nothing touches the database."""
    if delivery is None:
        from delivery.container import build_delivery
        from lrs.app import registered_standards
        delivery = build_delivery(settings, services, registered_standards())
    workflow_settings = WorkflowSettings.from_env(settings)
    engines = services.engines
    rules = Rules(engines)
    mailer = build_mailer(workflow_settings, engines)
    return Workflows(
        settings=workflow_settings, delivery=delivery, rules=rules, mailer=mailer,
        unsubscribe_tokens=UnsubscribeTokens(workflow_settings.secret_key, workflow_settings.public_url),
        unsubscribes=Unsubscribes(engines),
        payments=PaymentEvents(engines, services.events),
        stripe=StripeWebhook(workflow_settings.stripe_webhook_secret, workflow_settings.stripe_tolerance_seconds)
        if workflow_settings.stripe_webhook_secret else None,
        enrolment=Enrolment(engines, services.events, delivery, rules),
        certificates=CertificateIssuer(CertificateStore(engines), mailer, workflow_settings.public_url,
                                       workflow_settings.certificate_issuer),
        activity=LearnerActivity(engines),
        support=SupportDesk(engines, services.events, rules))


def workflow_handlers(workflows: Workflows) -> list:
    """Every workflow handler (automation.handlers.Handler), for automation/container.py's registry."""
    from automation.certificates.issuing import CompletionHandler
    from automation.payments.handler import PaymentHandler
    from automation.support.desk import SupportHandler
    from automation.workflows.reengagement import ActivityHandler
    from automation.workflows.welcome import WelcomeEmailHandler
    return [WelcomeEmailHandler(workflows), PaymentHandler(workflows), CompletionHandler(workflows),
            ActivityHandler(workflows), SupportHandler(workflows)]


def nudge_job(workflows: Workflows):
    """The re-engagement sweep as an automation.handlers.ScheduledJob."""
    from automation.handlers import ScheduledJob
    from automation.workflows.reengagement import NudgeSweep
    sweep = NudgeSweep(workflows)
    return ScheduledJob(name=sweep.name, cron=sweep.cron, run=sweep.run)
