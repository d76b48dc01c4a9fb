"""An operational notice to a store's contact address: plain text, for the merchant rather than a customer."""

from __future__ import annotations

from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from shopgraph.mail.render import _domain_of, _one_line, _sender_address


def render_notice(*, to: str, subject: str, text: str, store_name: str, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = _one_line(subject)
    message["From"] = _sender_address(sender, store_name)
    message["To"] = Address(addr_spec=to)
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(domain=_domain_of(sender))
    message.set_content(text)
    return message
