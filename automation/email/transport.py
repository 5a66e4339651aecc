"""Where a composed message goes: an SMTP server (host, port, STARTTLS/TLS, credentials from settings),
or, with no SMTP host set (the embedded default), a .eml file in the outbox folder and a log line."""
from __future__ import annotations

import hashlib
import logging
import smtplib
import ssl
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol

from automation.workflows.settings import EmailSettings

log = logging.getLogger(__name__)


class Transport(Protocol):
    def send(self, message: EmailMessage) -> None: ...


class SmtpTransport:
    def __init__(self, settings: EmailSettings):
        self._settings = settings

    def _tls_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self._settings.smtp_ca_file or None)

    def send(self, message: EmailMessage) -> None:
        settings = self._settings
        if settings.smtp_security == "tls":
            client = smtplib.SMTP_SSL(settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout_seconds,
                                      context=self._tls_context())
        else:
            client = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout_seconds)
        with client:
            if settings.smtp_security == "starttls":
                client.starttls(context=self._tls_context())  # refuses to go on in plain text if it fails
            if settings.smtp_username:
                client.login(settings.smtp_username, settings.smtp_password)
            client.send_message(message)
        log.info("email %s to %s sent over SMTP (%s:%s)", message["Message-ID"], message["To"],
                 settings.smtp_host, settings.smtp_port)


class OutboxTransport:
    def __init__(self, directory: Path):
        self.directory = Path(directory)

    def send(self, message: EmailMessage) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        # Named after the Message-ID: sending the same message again rewrites one file.
        name = hashlib.sha256(str(message["Message-ID"]).encode()).hexdigest()[:32] + ".eml"
        path = self.directory / name
        partial = path.with_suffix(".part")
        partial.write_bytes(bytes(message))
        partial.replace(path)
        log.info("email to %s, subject %r, written to %s (no SMTP host set)", message["To"], message["Subject"],
                 path)


def transport_for(settings: EmailSettings) -> Transport:
    return SmtpTransport(settings) if settings.smtp_host else OutboxTransport(settings.outbox_dir)
