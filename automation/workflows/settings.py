"""The workflows' settings (docs/automation.md, README's settings table), read from LRS_* environment
variables next to the LRS's own Settings, whose data_dir, public_url and secret_key they use."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

SMTP_SECURITY = ("starttls", "tls", "none")


@dataclass(frozen=True)
class EmailSettings:
    # Empty: no SMTP server; each message is written to outbox_dir and logged (the embedded default).
    smtp_host: str = ""
    smtp_port: int = 587
    # starttls (upgrade a plain connection, port 587), tls (TLS from the first byte, port 465) or none.
    smtp_security: str = "starttls"
    smtp_username: str = ""
    smtp_password: str = ""
    # A PEM file of the certificate authorities the SMTP server's certificate is checked against
    # (empty: the system's); the certificate is always checked, hostname included.
    smtp_ca_file: str = ""
    smtp_timeout_seconds: float = 30.0
    from_address: str = "Learning Record Store <no-reply@localhost>"
    outbox_dir: Path = Path("var/outbox")

    def __post_init__(self) -> None:
        if self.smtp_security not in SMTP_SECURITY:
            raise ValueError(f"LRS_SMTP_SECURITY must be one of {', '.join(SMTP_SECURITY)}, "
                             f"not {self.smtp_security!r}")


@dataclass(frozen=True)
class WorkflowSettings:
    email: EmailSettings
    public_url: str
    secret_key: str
    # Stripe webhooks (automation/payments/): the endpoint's signing secret (whsec_...; empty: the
    # endpoint answers 404), how old a signed timestamp may be, and the store payments enrol into.
    stripe_webhook_secret: str = ""
    stripe_tolerance_seconds: int = 300
    stripe_store_id: int | None = None
    # The name certificates are issued by (printed on the PDF).
    certificate_issuer: str = "Learning Record Store"

    @classmethod
    def from_env(cls, settings, environ: Mapping[str, str] | None = None) -> "WorkflowSettings":
        """`settings` is lrs.settings.Settings."""
        env = os.environ if environ is None else environ
        defaults = EmailSettings()
        email = EmailSettings(
            smtp_host=env.get("LRS_SMTP_HOST", ""),
            smtp_port=int(env.get("LRS_SMTP_PORT", str(defaults.smtp_port))),
            smtp_security=env.get("LRS_SMTP_SECURITY", defaults.smtp_security).lower(),
            smtp_username=env.get("LRS_SMTP_USERNAME", ""),
            smtp_password=env.get("LRS_SMTP_PASSWORD", ""),
            smtp_ca_file=env.get("LRS_SMTP_CA_FILE", ""),
            smtp_timeout_seconds=float(env.get("LRS_SMTP_TIMEOUT_SECONDS", str(defaults.smtp_timeout_seconds))),
            from_address=env.get("LRS_EMAIL_FROM", defaults.from_address),
            outbox_dir=Path(env.get("LRS_EMAIL_OUTBOX_DIR", "") or Path(settings.data_dir) / "outbox"),
        )
        store = env.get("LRS_STRIPE_STORE_ID", "")
        return cls(email=email, public_url=settings.public_url.rstrip("/"), secret_key=settings.secret_key,
                   stripe_webhook_secret=env.get("LRS_STRIPE_WEBHOOK_SECRET", ""),
                   stripe_tolerance_seconds=int(env.get("LRS_STRIPE_TOLERANCE_SECONDS", "300")),
                   stripe_store_id=int(store) if store else None,
                   certificate_issuer=env.get("LRS_CERTIFICATE_ISSUER", cls.certificate_issuer))
