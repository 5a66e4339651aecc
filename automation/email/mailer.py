"""Composes a message from a template (plain-text and HTML parts), adds the unsubscribe link and the
List-Unsubscribe headers (RFC 2369, one-click RFC 8058) to every message that is not transactional, skips
addresses that unsubscribed, and hands it to the transport."""
from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, parseaddr

from automation.email.templates import EmailTemplates
from automation.email.transport import Transport
from automation.email.unsubscribe import UnsubscribeTokens, Unsubscribes

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    maintype: str
    subtype: str


class Mailer:
    def __init__(self, transport: Transport, templates: EmailTemplates, tokens: UnsubscribeTokens,
                 unsubscribes: Unsubscribes, from_address: str):
        self.transport = transport
        self.templates = templates
        self._tokens = tokens
        self._unsubscribes = unsubscribes
        self._from = from_address
        self._domain = parseaddr(from_address)[1].rpartition("@")[2] or "localhost"

    def compose(self, *, store_id: int, to: str, template: str, context: dict, transactional: bool,
                message_key: str, attachments: tuple[Attachment, ...] = ()) -> EmailMessage:
        """`message_key` names the message (the effect key): its Message-ID is derived from it, so a
        message sent twice would carry one id that mail systems can recognise."""
        unsubscribe_url = None if transactional else self._tokens.url(store_id, to)
        rendered = self.templates.render(template, {**context, "unsubscribe_url": unsubscribe_url})
        message = EmailMessage()
        message["From"] = self._from
        message["To"] = to
        message["Subject"] = rendered.subject
        message["Date"] = formatdate(localtime=False, usegmt=True)
        message["Message-ID"] = f"<{hashlib.sha256(message_key.encode()).hexdigest()[:40]}@{self._domain}>"
        if unsubscribe_url:
            message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
            message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        message.set_content(rendered.text)
        message.add_alternative(rendered.html, subtype="html")
        for attachment in attachments:
            message.add_attachment(attachment.content, maintype=attachment.maintype, subtype=attachment.subtype,
                                   filename=attachment.filename)
        return message

    def send(self, *, store_id: int, to: str, template: str, context: dict, transactional: bool,
             message_key: str, attachments: tuple[Attachment, ...] = ()) -> bool:
        """False when nothing is sent: the address unsubscribed (and the message is not transactional), or it
        is not one plain address (an mbox or a Stripe customer email is not ours to trust; retrying would
        not make it one)."""
        if not valid_address(to):
            log.warning("email %s not sent: %r is not one plain email address", message_key, to[:100])
            return False
        if not transactional and self._unsubscribes.contains(store_id, to):
            return False
        self.transport.send(self.compose(store_id=store_id, to=to, template=template, context=context,
                                         transactional=transactional, message_key=message_key,
                                         attachments=attachments))
        return True


def valid_address(value: str) -> bool:
    """One plain address (local@domain), nothing a header could be folded or injected with."""
    if not isinstance(value, str) or len(value) > 254 or value.count("@") != 1 \
            or any(character in value for character in "\r\n<>,;\"\\ ()[]:") or not value.isprintable():
        return False
    try:
        address = Address(addr_spec=value)
    except (ValueError, IndexError, TypeError):
        return False
    return bool(address.username) and ("." in address.domain or address.domain == "localhost")


def build_mailer(settings, engines) -> Mailer:
    """`settings` is automation.workflows.settings.WorkflowSettings; the transport is chosen here only."""
    from automation.email.transport import transport_for
    return Mailer(transport_for(settings.email), EmailTemplates(),
                  UnsubscribeTokens(settings.secret_key, settings.public_url), Unsubscribes(engines),
                  settings.email.from_address)
