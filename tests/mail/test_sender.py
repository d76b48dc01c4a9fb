"""Sending through a real SMTP server on loopback, and logging instead when none is configured."""

from __future__ import annotations

import logging
from email.message import EmailMessage
from urllib.parse import quote

import pytest

from shopgraph.mail import MailDeliveryError, parse_smtp_url, render, send
from tests.fakes.smtp_server import REJECTED_DOMAIN, SMTP_LOGIN, SMTP_PASSWORD, SmtpServer, free_port
from tests.mail.factories import make_order_email, make_shipped_email

SENDER = "shop@demo.test"


def body_of(message: EmailMessage, subtype: str) -> str:
    part = message.get_body((subtype,))
    assert isinstance(part, EmailMessage)
    return str(part.get_content())


async def test_a_confirmation_reaches_the_smtp_server(smtp_server: SmtpServer) -> None:
    # given
    email = make_order_email()

    # when
    await send(render(email, sender=SENDER), smtp_server.url())

    # then
    [received] = smtp_server.received
    assert received.mail_from == SENDER
    assert received.rcpt_tos == ["ada@example.com"]
    assert "ORD-001" in received.message["Subject"]
    for subtype in ("plain", "html"):
        body = body_of(received.message, subtype)
        for fact in ("Classic Tee", "Large", "$10.00", "$20.00", "Canvas Tote", "$15.50", "$40.15", "NW1 6XE"):
            assert fact in body


async def test_a_shipped_email_reaches_the_server_with_its_tracking_number(smtp_server: SmtpServer) -> None:
    # given
    email = make_shipped_email()

    # when
    await send(render(email, sender=SENDER), smtp_server.url())

    # then
    [received] = smtp_server.received
    assert received.message["Subject"] == "Order ORD-001 has shipped"
    assert "1Z999AA10123456784" in body_of(received.message, "plain")


async def test_credentials_in_the_url_log_in(smtp_server_with_auth: SmtpServer) -> None:
    # given
    userinfo = f"{quote(SMTP_LOGIN, safe='')}:{quote(SMTP_PASSWORD, safe='')}"

    # when
    await send(render(make_order_email(), sender=SENDER), smtp_server_with_auth.url(userinfo))

    # then
    [received] = smtp_server_with_auth.received
    assert received.login == SMTP_LOGIN


async def test_wrong_credentials_are_a_permanent_delivery_error(smtp_server_with_auth: SmtpServer) -> None:
    # given
    message = render(make_order_email(), sender=SENDER)

    # when
    with pytest.raises(MailDeliveryError) as caught:
        await send(message, smtp_server_with_auth.url("mailer%40demo.shop:wrong"))

    # then
    assert caught.value.permanent
    assert smtp_server_with_auth.received == []


async def test_a_refused_recipient_is_a_permanent_delivery_error(smtp_server: SmtpServer) -> None:
    # given
    message = render(make_order_email(email=f"nobody@{REJECTED_DOMAIN}"), sender=SENDER)

    # when
    with pytest.raises(MailDeliveryError) as caught:
        await send(message, smtp_server.url())

    # then
    assert caught.value.permanent
    assert smtp_server.received == []


async def test_an_unreachable_server_is_a_retryable_delivery_error() -> None:
    # given
    closed_port = free_port()
    message = render(make_order_email(), sender=SENDER)

    # when
    with pytest.raises(MailDeliveryError) as caught:
        await send(message, f"smtp://127.0.0.1:{closed_port}")

    # then
    assert not caught.value.permanent
    assert f"127.0.0.1:{closed_port}" in str(caught.value)


async def test_a_malformed_url_is_a_delivery_error_without_the_password() -> None:
    # given
    message = render(make_order_email(), sender=SENDER)

    # when
    with pytest.raises(MailDeliveryError) as caught:
        await send(message, "http://user:secret@mail.example.com")

    # then
    assert "secret" not in str(caught.value)


async def test_without_an_smtp_url_the_email_is_logged_not_sent(
    smtp_server: SmtpServer, caplog: pytest.LogCaptureFixture
) -> None:
    # given
    message = render(make_order_email(), sender=SENDER)
    caplog.set_level(logging.INFO, logger="shopgraph.mail")

    # when
    await send(message, None)

    # then
    assert smtp_server.received == []
    [record] = [record for record in caplog.records if record.name == "shopgraph.mail"]
    assert record.levelno == logging.INFO
    assert "Order ORD-001 confirmed" in record.getMessage()
    assert "ada@example.com" in record.getMessage()


def test_the_url_gives_host_port_tls_and_decoded_credentials() -> None:
    # when
    target = parse_smtp_url(
        f"smtp://{quote(SMTP_LOGIN, safe='')}:{quote(SMTP_PASSWORD, safe='')}@mail.example.com:2525"
    )

    # then
    assert target.hostname == "mail.example.com"
    assert target.port == 2525
    assert not target.use_tls
    assert target.username == SMTP_LOGIN
    assert target.password == SMTP_PASSWORD
    assert SMTP_PASSWORD not in repr(target)


@pytest.mark.parametrize(
    ("url", "port", "use_tls"),
    [("smtp://mail.example.com", 25, False), ("smtps://mail.example.com", 465, True), ("SMTPS://h:2465", 2465, True)],
)
def test_the_url_scheme_chooses_the_default_port_and_tls(url: str, port: int, use_tls: bool) -> None:
    # when
    target = parse_smtp_url(url)

    # then
    assert (target.port, target.use_tls, target.username, target.password) == (port, use_tls, None, None)


@pytest.mark.parametrize("url", ["http://mail.example.com", "mail.example.com:25", "smtp://", "smtp://host:notaport"])
def test_a_malformed_url_is_refused(url: str) -> None:
    # when / then
    with pytest.raises(ValueError, match="SMTP URL"):
        parse_smtp_url(url)
