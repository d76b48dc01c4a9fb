"""Order emails from the outbox: built from the order as it is when sent, retried until the schedule runs out."""

from __future__ import annotations

import logging

from shopgraph import money
from shopgraph.db.engine import Database
from shopgraph.db.models import OutboxMessage, Project
from shopgraph.delivery.outbox import claim_due, record_failure, record_not_sent, record_success
from shopgraph.domain.events.order_emails import NOT_SENT_LABEL
from shopgraph.domain.events.outbox import Topic
from shopgraph.domain.orders.reads import OrderWithItems, load_order
from shopgraph.mail import EmailKind, MailDeliveryError, OrderEmail, OrderEmailLine, format_money, render, send
from shopgraph.payments import Provider
from shopgraph.settings import Settings

log = logging.getLogger("shopgraph.mail")

NOT_SENT_REASON = NOT_SENT_LABEL
_warned_no_smtp = False

KINDS: dict[str, EmailKind] = {Topic.ORDER_CONFIRMATION_EMAIL: "confirmation", Topic.ORDER_SHIPPED_EMAIL: "shipped"}
PAYMENT_NOTES: dict[str, str] = {
    Provider.MANUAL: "Pay on delivery.",
    Provider.STRIPE: "Paid by card.",
    Provider.RAZORPAY: "Paid with Razorpay.",
}


def order_email(kind: EmailKind, store_name: str, found: OrderWithItems) -> OrderEmail:
    order = found.order
    symbol = money.symbol(order.currency)

    def amount(minor: int) -> str:
        return format_money(minor, order.currency, symbol)

    return OrderEmail(
        kind=kind,
        store_name=store_name,
        order_number=order.order_number,
        email=order.email,
        customer_name=order.customer_name,
        currency=order.currency,
        lines=tuple(
            OrderEmailLine(
                item.name,
                item.variant_name,
                item.quantity,
                amount(item.unit_price_minor),
                amount(item.line_total_minor),
            )
            for item in found.items
        ),
        subtotal=amount(order.subtotal_minor),
        discount_total=amount(order.discount_total_minor),
        tax_total=amount(order.tax_total_minor),
        shipping_total=amount(order.shipping_total_minor),
        grand_total=amount(order.grand_total_minor),
        shipping_address=order.shipping_address,
        payment_note=PAYMENT_NOTES.get(order.provider),
        tracking_number=order.tracking_number,
        carrier=order.carrier,
    )


async def _compose(database: Database, message: OutboxMessage) -> OrderEmail | None:
    async with database.read() as session:
        found = await load_order(session, message.project_id, message.payload["order_id"])
        project = await session.get(Project, message.project_id)
    if found is None or project is None:
        return None
    return order_email(KINDS[message.topic], project.name, found)


def _warn_no_smtp() -> None:
    global _warned_no_smtp
    if not _warned_no_smtp:
        _warned_no_smtp = True
        log.warning("SHOPGRAPH_SMTP_URL is not set: order emails are kept as not sent (see the dashboard's Emails)")


async def deliver_due_emails(database: Database, settings: Settings) -> int:
    """Sends the emails that are due; returns how many were sent."""
    sent = 0
    for message in await claim_due(database, list(KINDS)):
        if not settings.smtp_url:
            _warn_no_smtp()
            await record_not_sent(database, message.id, NOT_SENT_REASON)
            continue
        try:
            email = await _compose(database, message)
            if email is not None:
                await send(render(email, sender=settings.mail_from), settings.smtp_url)
        except MailDeliveryError as error:
            log.warning(
                "email %s for order %s not sent (attempt %d): %s",
                message.topic,
                message.payload.get("order_id"),
                message.attempts,
                error,
            )
            # A refusal (5xx) will not change on a retry; anything else may.
            schedule = () if error.permanent else settings.retry_schedule_seconds
            await record_failure(database, message, str(error), schedule)
            continue
        await record_success(database, message.id)
        sent += email is not None
    return sent
