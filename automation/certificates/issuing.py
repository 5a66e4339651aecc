"""Issuing at course completion (issue 15, Certificates): from `statement.stored` events, when delivery's
progress says the registration's course is done (cmi5 satisfied, SCORM completed or passed) or a store's
explicit rule matches the statement; the certificate is recorded once, rendered as PDF and emailed once."""
from __future__ import annotations

from automation.certificates.pdf import render_pdf
from automation.certificates.store import Certificate, CertificateStore
from automation.email.mailer import Attachment
from automation.workflows.enrolment import learner_email
from automation.workflows.keys import effect_key
from automation.workflows.rules import COMPLETION_VERBS
from delivery.errors import DeliveryError
from lrs.events import STATEMENT_STORED, names_verb
from lrs.xapi.agents import ifi_key


class CertificateIssuer:
    def __init__(self, store: CertificateStore, mailer, public_url: str, issuer_name: str):
        self.store = store
        self._mailer = mailer
        self._public_url = public_url.rstrip("/")
        self.issuer_name = issuer_name

    def verification_url(self, certificate_id: str) -> str:
        return f"{self._public_url}/certificates/{certificate_id}"

    def pdf(self, certificate: Certificate) -> bytes:
        return render_pdf(certificate, self.verification_url(certificate.id), self.issuer_name)

    def issue(self, effects, *, store_id: int, learner_key: str, learner_name: str, learner_email: str | None,
              course_id: str, course_title: str, completed_ms: int) -> Certificate:
        """Idempotent: the first call records the certificate, every call after returns it; the email
        with the PDF goes once (Effects.run_once), and not for a revoked certificate."""
        certificate, _ = self.store.issue(store_id=store_id, learner_key=learner_key, learner_name=learner_name,
                                          learner_email=learner_email, course_id=course_id,
                                          course_title=course_title, completed_ms=completed_ms)
        if certificate.learner_email and not certificate.revoked:
            key = effect_key("certificate-email", store_id, learner_key, course_id)
            effects.run_once(key, lambda: self._mailer.send(
                store_id=store_id, to=certificate.learner_email, template="certificate", transactional=True,
                message_key=key,
                context={"learner_name": certificate.learner_name, "course_title": certificate.course_title,
                         "verification_url": self.verification_url(certificate.id)},
                attachments=(Attachment("certificate.pdf", self.pdf(certificate), "application", "pdf"),)))
        return certificate


def _course_done(progress: dict) -> bool:
    return bool(progress.get("satisfied")) or progress.get("completion") == "completed" \
        or progress.get("success") == "passed"


class CompletionHandler:
    name = "workflows.certificates"
    kinds = frozenset({STATEMENT_STORED})

    def __init__(self, workflows):
        self._workflows = workflows

    def handle(self, event, effects) -> None:
        if event.store_id is None:
            return
        payload = event.payload
        rules = self._workflows.rules.get(event.store_id, "certificates")
        verbs = [rule["verb"] for rule in rules["rules"]] + (COMPLETION_VERBS if rules["on_course_completion"] else [])
        # Most statements have none of these verbs: they are passed over without being read.
        if not names_verb(payload, verbs) or payload.get("erased"):
            return
        statement = payload.get("statement") or {}
        actor = statement.get("actor") or {}
        learner_key = ifi_key(actor)
        if learner_key is None or actor.get("objectType") == "Group":  # certificates name one person
            return
        for course_id, course_title in self._completed_courses(event.store_id, payload, rules):
            known = self._workflows.enrolment.learner(event.store_id, learner_key)
            email = (known.email if known else None) or learner_email(actor)
            name = (known.name if known else None) or actor.get("name") or email or "Learner"
            self._workflows.certificates.issue(
                effects, store_id=event.store_id, learner_key=learner_key, learner_name=name, learner_email=email,
                course_id=course_id, course_title=course_title, completed_ms=event.created_ms)

    def _completed_courses(self, store_id: int, payload: dict, rules: dict) -> list[tuple[str, str]]:
        found = []
        verb, object_id = payload.get("verb_id"), payload.get("object_id")
        for rule in rules["rules"]:
            if rule["verb"] == verb and rule["activity"] == object_id:
                found.append((object_id, rule["title"]))
        registration = payload.get("registration")
        if rules["on_course_completion"] and registration and verb in COMPLETION_VERBS:
            delivery = self._workflows.delivery
            try:
                progress = delivery.progress(store_id, registration)
                if _course_done(progress):
                    found.append((progress["course"], delivery.course(store_id, progress["course"]).title))
            except DeliveryError:  # not a registration delivery made, or its course is deleted
                pass
        return found
