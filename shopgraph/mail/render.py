"""An order email as a MIME message: a plain-text part and an HTML part, every shop and customer value escaped."""

from __future__ import annotations

from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from html import escape

from shopgraph.mail.message import OrderEmail, OrderEmailLine

_KNOWN_ADDRESS_KEYS = frozenset(
    {"name", "company", "line1", "line2", "city", "state", "postal_code", "country", "phone"}
)


def render(email: OrderEmail, *, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = subject(email)
    message["From"] = _sender_address(sender, email.store_name)
    message["To"] = Address(display_name=_one_line(email.customer_name or ""), addr_spec=email.email)
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(domain=_domain_of(sender))
    message.set_content(render_text(email))
    message.add_alternative(render_html(email), subtype="html")
    return message


def subject(email: OrderEmail) -> str:
    if email.kind == "shipped":
        return f"Order {_one_line(email.order_number)} has shipped"
    return f"Order {_one_line(email.order_number)} confirmed"


def render_text(email: OrderEmail) -> str:
    parts = [_greeting(email), _intro(email), f"Order {email.order_number}"]
    parts.append("\n".join(_text_line(line) for line in email.lines))
    parts.append("\n".join(f"{label}: {amount}" for label, amount in _totals(email)))
    if email.shipping_address:
        parts.append("Shipping address:\n" + "\n".join(address_lines(email.shipping_address)))
    if email.payment_note:
        parts.append(f"Payment: {email.payment_note}")
    if tracking := _tracking(email):
        parts.append(tracking)
    parts.append(f"Thank you,\n{email.store_name}")
    return "\n\n".join(parts) + "\n"


def render_html(email: OrderEmail) -> str:
    rows = "\n".join(_html_line(line) for line in email.lines)
    totals = "\n".join(
        f'<tr><td colspan="3" style="text-align:right">{escape(label)}</td>'
        f'<td style="text-align:right">{escape(amount)}</td></tr>'
        for label, amount in _totals(email)
    )
    sections = [
        f"<p>{escape(_greeting(email))}</p>",
        f"<p>{escape(_intro(email))}</p>",
        f"<h2>Order {escape(email.order_number)}</h2>",
        '<table cellpadding="6" style="border-collapse:collapse">',
        '<tr><th align="left">Item</th><th>Qty</th><th align="right">Price</th><th align="right">Total</th></tr>',
        rows,
        totals,
        "</table>",
    ]
    if email.shipping_address:
        address = "<br>".join(escape(part) for part in address_lines(email.shipping_address))
        sections.append(f"<h3>Shipping address</h3>\n<p>{address}</p>")
    if email.payment_note:
        sections.append(f"<p>Payment: {escape(email.payment_note)}</p>")
    if tracking := _tracking(email):
        sections.append(f"<p>{escape(tracking)}</p>")
    sections.append(f"<p>Thank you,<br>{escape(email.store_name)}</p>")
    body = "\n".join(sections)
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
        f"<title>{escape(subject(email))}</title></head>\n<body>\n{body}\n</body></html>\n"
    )


def address_lines(address: dict[str, str]) -> list[str]:
    """The address as it goes on an envelope; keys beyond the usual ones follow as `key: value`."""
    present = {key: str(value).strip() for key, value in address.items() if value is not None and str(value).strip()}
    region = " ".join(present[key] for key in ("state", "postal_code") if key in present)
    city_line = ", ".join(part for part in (present.get("city", ""), region) if part)
    lines = [present[key] for key in ("name", "company", "line1", "line2") if key in present]
    lines += [city_line] if city_line else []
    lines += [present[key] for key in ("country", "phone") if key in present]
    lines += [f"{key}: {value}" for key, value in present.items() if key not in _KNOWN_ADDRESS_KEYS]
    return lines


def _greeting(email: OrderEmail) -> str:
    return f"Hi {email.customer_name}," if email.customer_name else "Hello,"


def _intro(email: OrderEmail) -> str:
    if email.kind == "shipped":
        return f"Good news: your order {email.order_number} from {email.store_name} is on its way."
    return f"Thank you for your order from {email.store_name}. Order {email.order_number} is confirmed."


def _tracking(email: OrderEmail) -> str | None:
    if email.kind != "shipped":
        return None
    if email.tracking_number:
        carrier = f" ({email.carrier})" if email.carrier else ""
        return f"Tracking number: {email.tracking_number}{carrier}"
    return f"Carrier: {email.carrier}" if email.carrier else None


def _totals(email: OrderEmail) -> list[tuple[str, str]]:
    totals = [("Subtotal", email.subtotal)]
    if email.has_discount:
        discount = email.discount_total
        totals.append(("Discount", discount if discount.startswith("-") else f"-{discount}"))
    totals += [("Tax", email.tax_total), ("Shipping", email.shipping_total), ("Total", email.grand_total)]
    return totals


def _item_name(line: OrderEmailLine) -> str:
    return f"{line.name} ({line.variant_name})" if line.variant_name else line.name


def _text_line(line: OrderEmailLine) -> str:
    return f"{line.quantity} x {_item_name(line)}\n    {line.unit_price} each = {line.line_total}"


def _html_line(line: OrderEmailLine) -> str:
    return (
        f'<tr><td>{escape(_item_name(line))}</td><td align="center">{line.quantity}</td>'
        f'<td align="right">{escape(line.unit_price)}</td><td align="right">{escape(line.line_total)}</td></tr>'
    )


def _sender_address(sender: str, store_name: str) -> Address:
    display_name, addr_spec = parseaddr(sender)
    return Address(display_name=_one_line(display_name or store_name), addr_spec=addr_spec or sender)


def _domain_of(sender: str) -> str:
    return parseaddr(sender)[1].rpartition("@")[2] or "localhost"


def _one_line(value: str) -> str:
    """Header values must not carry line breaks (header injection); collapse all whitespace."""
    return " ".join(value.split())
