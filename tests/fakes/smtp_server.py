"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, for tests of sending."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from tests.fakes.server import free_port

REJECTED_DOMAIN = "rejected.test"
SMTP_LOGIN = "mailer@demo.shop"
SMTP_PASSWORD = "p@ss:word/1"


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    login: str | None


@dataclass
class Inbox:
    """The SMTP handler: accepts every recipient except those at `rejected.test`, and records each message, after
    `delay_seconds` (a slow server); `most_in_flight` is the most messages it was receiving at once."""

    credentials: tuple[str, str] | None = None
    received: list[Received] = field(default_factory=list)
    delay_seconds: float = 0.0
    in_flight: int = 0
    most_in_flight: int = 0

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        if address.endswith(f"@{REJECTED_DOMAIN}"):
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.content if isinstance(envelope.content, bytes) else str(envelope.content).encode()
        message = message_from_bytes(content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        login = session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else None
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            await asyncio.sleep(self.delay_seconds)
        finally:
            self.in_flight -= 1
        self.received.append(
            Received(
                mail_from=str(envelope.mail_from),
                rcpt_tos=list(envelope.rcpt_tos),
                message=message,
                login=login,
            )
        )
        return "250 Message accepted for delivery"

    def authenticate(self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any) -> AuthResult:
        accepted = (
            self.credentials is not None
            and isinstance(data, LoginPassword)
            and (data.login.decode(), data.password.decode()) == self.credentials
        )
        return AuthResult(success=accepted, handled=False, auth_data=data if accepted else None)


class SmtpServer:
    def __init__(self, credentials: tuple[str, str] | None = None) -> None:
        self.inbox = Inbox(credentials=credentials)
        self.port = free_port()
        self._controller = Controller(
            self.inbox,
            hostname="127.0.0.1",
            port=self.port,
            server_hostname="smtp.test",
            authenticator=self.inbox.authenticate,
            auth_require_tls=False,
        )

    @property
    def received(self) -> list[Received]:
        return self.inbox.received

    def url(self, userinfo: str = "") -> str:
        at = "@" if userinfo else ""
        return f"smtp://{userinfo}{at}127.0.0.1:{self.port}"

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()
