"""Delivering a rendered email: over SMTP when `SHOPGRAPH_SMTP_URL` is set, to the log when it is not."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

import aiosmtplib

logger = logging.getLogger("shopgraph.mail")

SMTP_TIMEOUT_SECONDS = 10.0
_DEFAULT_PORTS = {"smtp": 25, "smtps": 465}


class MailDeliveryError(Exception):
    """The message did not reach the SMTP server; unless `permanent`, sending it again later may succeed."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class SmtpTarget:
    hostname: str
    port: int
    use_tls: bool
    username: str | None = None
    password: str | None = field(default=None, repr=False)


def parse_smtp_url(url: str) -> SmtpTarget:
    """`smtp://user:pass@host:port` (plain, STARTTLS when offered) or `smtps://...` (TLS from the first byte)."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise ValueError(f"SMTP URL: the scheme must be smtp:// or smtps://, not {scheme or 'missing'}")
    if not parts.hostname:
        raise ValueError("SMTP URL: no host")
    try:
        port = parts.port or _DEFAULT_PORTS[scheme]
    except ValueError as exc:
        raise ValueError("SMTP URL: the port must be a number from 1 to 65535") from exc
    return SmtpTarget(
        hostname=parts.hostname,
        port=port,
        use_tls=scheme == "smtps",
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password is not None else None,
    )


async def send(message: EmailMessage, smtp_url: str | None) -> None:
    if not smtp_url:
        logger.info("Email not sent (no SMTP server configured): %r to %s", message["Subject"], message["To"])
        return
    try:
        target = parse_smtp_url(smtp_url)
    except ValueError as exc:
        raise MailDeliveryError(str(exc)) from exc
    try:
        await aiosmtplib.send(
            message,
            hostname=target.hostname,
            port=target.port,
            username=target.username,
            password=target.password,
            use_tls=target.use_tls,
            timeout=SMTP_TIMEOUT_SECONDS,
        )
    except (aiosmtplib.SMTPException, OSError) as exc:
        raise MailDeliveryError(
            f"Sending through SMTP server {target.hostname}:{target.port} failed: {exc}", permanent=_is_permanent(exc)
        ) from exc
    logger.info("Email sent: %r to %s", message["Subject"], message["To"])


def _is_permanent(error: Exception) -> bool:
    """A 5xx reply: the server has said no, and will say it again."""
    if isinstance(error, aiosmtplib.SMTPRecipientsRefused):
        return all(500 <= refusal.code < 600 for refusal in error.recipients)
    return isinstance(error, aiosmtplib.SMTPResponseException) and 500 <= error.code < 600
