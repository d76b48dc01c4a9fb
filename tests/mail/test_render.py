"""Rendering: one multipart/alternative message, the same facts in text and HTML, customer values escaped."""

from __future__ import annotations

from email.message import EmailMessage

from shopgraph.mail import OrderEmail, render
from tests.mail.factories import make_line, make_order_email, make_shipped_email

SENDER = "shop@demo.test"


def parts_of(message: EmailMessage) -> tuple[str, str]:
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert isinstance(text, EmailMessage)
    assert isinstance(html, EmailMessage)
    return text.get_content(), html.get_content()


def expected_facts(email: OrderEmail) -> list[str]:
    facts = [email.order_number, email.subtotal, email.tax_total, email.shipping_total, email.grand_total]
    for line in email.lines:
        facts += [line.name, str(line.quantity), line.unit_price, line.line_total]
        facts += [line.variant_name] if line.variant_name else []
    assert email.shipping_address is not None
    facts += list(email.shipping_address.values())
    return facts


def test_a_confirmation_has_subject_headers_and_two_parts() -> None:
    # given
    email = make_order_email()

    # when
    message = render(email, sender=SENDER)

    # then
    assert message["Subject"] == "Order ORD-001 confirmed"
    assert message["From"] == f"Demo Store <{SENDER}>"
    assert message["To"] == "Ada Lovelace <ada@example.com>"
    assert message["Date"]
    assert message["Message-ID"].endswith("@demo.test>")
    assert message.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in message.iter_parts()] == ["text/plain", "text/html"]


def test_a_sender_with_a_display_name_keeps_it() -> None:
    # when
    message = render(make_order_email(), sender="Acme Orders <orders@acme.test>")

    # then
    assert message["From"] == "Acme Orders <orders@acme.test>"


def test_both_parts_carry_every_line_total_and_the_address() -> None:
    # given
    email = make_order_email()

    # when
    text, html = parts_of(render(email, sender=SENDER))

    # then
    for fact in expected_facts(email):
        assert fact in text
        assert fact in html
    assert "-$3.55" in text
    assert "-$3.55" in html
    assert "Pay on delivery" in text
    assert "Pay on delivery" in html


def test_a_zero_discount_is_left_out() -> None:
    # given
    email = make_order_email(discount_total="$0.00")

    # when
    text, html = parts_of(render(email, sender=SENDER))

    # then
    assert "Discount" not in text
    assert "Discount" not in html


def test_html_escapes_every_shop_and_customer_value() -> None:
    # given
    email = make_order_email(
        store_name="Tom & Jerry's",
        customer_name="<b>Eve</b>",
        lines=(make_line("<script>alert(1)</script>", variant_name='"onmouseover=x'),),
        shipping_address={"line1": "<img src=x onerror=alert(1)>", "city": "Paris"},
        payment_note="<a href='http://evil.test'>pay here</a>",
    )

    # when
    text, html = parts_of(render(email, sender=SENDER))

    # then
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&quot;onmouseover=x" in html
    assert "<img" not in html
    assert "<b>Eve" not in html
    assert "<a href" not in html
    assert "Tom &amp; Jerry&#x27;s" in html
    assert "<script>alert(1)</script>" in text


def test_line_breaks_in_a_customer_name_cannot_add_headers() -> None:
    # given
    email = make_order_email(customer_name="Eve\r\nBcc: victim@example.com")

    # when
    message = render(email, sender=SENDER)

    # then
    assert message["Bcc"] is None
    assert "\n" not in str(message["To"])
    assert message["To"].addresses[0].addr_spec == "ada@example.com"


def test_a_shipped_email_carries_the_tracking_number_and_carrier() -> None:
    # given
    email = make_shipped_email()

    # when
    message = render(email, sender=SENDER)
    text, html = parts_of(message)

    # then
    assert message["Subject"] == "Order ORD-001 has shipped"
    for part in (text, html):
        assert "1Z999AA10123456784" in part
        assert "UPS" in part


def test_a_confirmation_has_no_tracking_section() -> None:
    # given
    email = make_order_email(tracking_number="1Z999AA10123456784")

    # when
    text, _html = parts_of(render(email, sender=SENDER))

    # then
    assert "Tracking" not in text


def test_a_customer_without_a_name_is_greeted_plainly() -> None:
    # given
    email = make_order_email(customer_name=None)

    # when
    message = render(email, sender=SENDER)
    text, _html = parts_of(message)

    # then
    assert message["To"] == "ada@example.com"
    assert text.startswith("Hello,")
