"""Order emails: what they say (`OrderEmail`), how they look (`render`) and how they leave (`send`); and the
store's operational notices (`render_notice`).

Nothing here touches the database: the caller builds an `OrderEmail` from an order, keeps it in the outbox as
`to_dict()` JSON, and a worker renders and sends it, retrying on `MailDeliveryError`.
"""

from __future__ import annotations

from shopgraph.mail.message import EMAIL_KINDS, EmailKind, OrderEmail, OrderEmailLine, format_money
from shopgraph.mail.notice import render_notice
from shopgraph.mail.render import render
from shopgraph.mail.sender import MailDeliveryError, SmtpTarget, parse_smtp_url, send

__all__ = [
    "EMAIL_KINDS",
    "EmailKind",
    "MailDeliveryError",
    "OrderEmail",
    "OrderEmailLine",
    "SmtpTarget",
    "format_money",
    "parse_smtp_url",
    "render",
    "render_notice",
    "send",
]
