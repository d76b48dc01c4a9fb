"""Order emails from the outbox: built from the order as it is when sent, retried until the schedule runs out."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage

from shopgraph import money
from shopgraph.db.engine import Database
from shopgraph.db.models import DeliveryStatus, OutboxMessage, Project, StoreSettings
from shopgraph.delivery.outbox import (
    claim_due,
    claim_due_in,
    next_delay_seconds,
    record_delivered,
    record_failure,
    record_not_sent,
)
from shopgraph.domain.events.order_emails import NOT_SENT_LABEL
from shopgraph.domain.events.outbox import Topic
from shopgraph.domain.orders.reads import OrderWithItems, load_order
from shopgraph.ids import now_ms
from shopgraph.mail import (
    EmailKind,
    MailDeliveryError,
    OrderEmail,
    OrderEmailLine,
    format_money,
    render,
    render_notice,
    send,
)
from shopgraph.observe.metrics import EMAIL_DELIVERIES
from shopgraph.payments import Provider
from shopgraph.settings import Settings

log = logging.getLogger("shopgraph.mail")

NOT_SENT_REASON = NOT_SENT_LABEL
EMAIL_BATCH = 20
_warned_no_smtp = False

KINDS: dict[str, EmailKind] = {Topic.ORDER_CONFIRMATION_EMAIL: "confirmation", Topic.ORDER_SHIPPED_EMAIL: "shipped"}
# Notices to the store's own contact address, not to a customer.
NOTICE_TOPICS: tuple[str, ...] = (Topic.ENDPOINT_DISABLED_EMAIL,)
EMAIL_TOPICS: list[str] = [*KINDS, *NOTICE_TOPICS]
NO_CONTACT_EMAIL = "not sent: the store has no contact_email"
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


async def claim_emails(database: Database, limit: int) -> list[OutboxMessage]:
    return await claim_due(database, EMAIL_TOPICS, limit=limit)


class NoContactEmail(Exception):
    """The store has no `contact_email`: its notice is kept as not sent."""


async def _notice(database: Database, settings: Settings, message: OutboxMessage) -> EmailMessage | None:
    async with database.read() as session:
        project = await session.get(Project, message.project_id)
        store = await session.get(StoreSettings, message.project_id)
    if project is None or store is None:
        return None
    if not store.contact_email:
        raise NoContactEmail
    notice = message.payload
    disabled_at = datetime.fromtimestamp(notice["disabled_at"] / 1000, UTC).strftime("%Y-%m-%d %H:%M UTC")
    text = (
        f"Your webhook endpoint {notice['url']} ({notice['endpoint_id']}) of store {project.slug} was disabled at "
        f"{disabled_at}:\n\n{notice['reason']}\n\n"
        "Its undelivered events are kept. Once your server answers again, enable the endpoint (in the dashboard's "
        "Webhooks page, or webhookEndpointUpdate(enabled: true) in the admin API) and they are delivered, oldest "
        "first.\n"
    )
    return render_notice(
        to=store.contact_email,
        subject=f"Webhook endpoint disabled: {notice['url']}",
        text=text,
        store_name=project.name,
        sender=settings.mail_from,
    )


async def _message(database: Database, settings: Settings, message: OutboxMessage) -> EmailMessage | None:
    if message.topic in NOTICE_TOPICS:
        return await _notice(database, settings, message)
    email = await _compose(database, message)
    return None if email is None else render(email, sender=settings.mail_from)


@dataclass(frozen=True)
class EmailOutcome:
    """What became of one attempt, to be recorded: the message's new status, why (for a failure or an email kept
    unsent), and when it is tried again."""

    message: OutboxMessage
    status: DeliveryStatus
    # The metric's outcome label; None: there was nothing to send (the order or store is gone).
    outcome: str | None
    reason: str | None = None
    retry_at: int | None = None


async def send_email(database: Database, settings: Settings, message: OutboxMessage) -> EmailOutcome:
    """Sends one claimed email; records nothing (see `settle_emails`) and never raises for what the mail server
    does."""
    if not settings.smtp_url:
        _warn_no_smtp()
        return EmailOutcome(message, DeliveryStatus.NOT_SENT, "not_sent", NOT_SENT_REASON)
    try:
        email = await _message(database, settings, message)
        if email is not None:
            await send(email, settings.smtp_url)
    except NoContactEmail:
        return EmailOutcome(message, DeliveryStatus.NOT_SENT, "not_sent", NO_CONTACT_EMAIL)
    except MailDeliveryError as error:
        log.warning(
            "email %s for order %s not sent (attempt %d): %s",
            message.topic,
            message.payload.get("order_id"),
            message.attempts,
            error,
        )
        # A refusal (5xx) will not change on a retry; anything else may.
        delay = next_delay_seconds(message.attempts, () if error.permanent else settings.retry_schedule_seconds)
        if delay is None:
            return EmailOutcome(message, DeliveryStatus.FAILED, "failed", str(error))
        return EmailOutcome(message, DeliveryStatus.PENDING, "retry", str(error), now_ms() + int(delay * 1000))
    return EmailOutcome(message, DeliveryStatus.DELIVERED, None if email is None else "sent")


async def settle_emails(
    database: Database, settings: Settings, finished: Sequence[EmailOutcome], free: int
) -> list[OutboxMessage]:
    """The email lane's round: records the emails that finished and claims up to `free` more, in one transaction."""
    async with database.write() as session:
        delivered = [done.message.id for done in finished if done.status == DeliveryStatus.DELIVERED]
        if delivered:
            await record_delivered(session, delivered)
        unsent: dict[str, list[str]] = {}
        for done in finished:
            if done.status == DeliveryStatus.NOT_SENT:
                unsent.setdefault(done.reason or NOT_SENT_REASON, []).append(done.message.id)
            elif done.status != DeliveryStatus.DELIVERED:
                await record_failure(session, done.message.id, done.reason or "", done.retry_at)
        for reason, message_ids in unsent.items():
            await record_not_sent(session, message_ids, reason)
        claimed = await claim_due_in(session, EMAIL_TOPICS, limit=free) if free > 0 else []
    for done in finished:
        if done.outcome is not None:
            EMAIL_DELIVERIES.labels(done.outcome).inc()
    return claimed


async def deliver_email(database: Database, settings: Settings, message: OutboxMessage) -> bool:
    """Sends one claimed email and records the outcome; returns whether it was sent."""
    done = await send_email(database, settings, message)
    await settle_emails(database, settings, [done], 0)
    return done.outcome == "sent"


async def deliver_due_emails(database: Database, settings: Settings, *, limit: int = EMAIL_BATCH) -> int:
    """One pass: claims up to `limit` due emails, sends them `smtp_concurrency` at a time and waits for all; returns
    how many were sent. The worker's email lane does not wait like this."""
    messages = await claim_emails(database, limit)
    slots = asyncio.Semaphore(settings.smtp_concurrency)

    async def deliver(message: OutboxMessage) -> bool:
        async with slots:
            return await deliver_email(database, settings, message)

    results = await asyncio.gather(*(deliver(message) for message in messages), return_exceptions=True)
    for message, result in zip(messages, results, strict=True):
        if isinstance(result, BaseException):
            # Its lease runs out and the email is claimed again.
            log.error("email %s failed unexpectedly", message.id, exc_info=result)
    return sum(result is True for result in results)
