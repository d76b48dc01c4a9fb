"""Checkout as both doors call it: the order placed in one unit of work, the provider asked for a payment outside any,
and its answer recorded; a provider that fails cancels the order again."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.db.engine import Database
from shopgraph.db.models import Order
from shopgraph.db.state import ProjectState
from shopgraph.domain.checkout.error_codes import CheckoutErrorCode
from shopgraph.domain.checkout.placing import place_order
from shopgraph.domain.checkout.requests import CheckoutRequest, validate_request
from shopgraph.domain.checkout.return_urls import default_returns
from shopgraph.domain.orders.reads import OrderWithItems, load_order
from shopgraph.domain.orders.transitions import cancel_unpaid
from shopgraph.domain.stores.config import StoreConfig
from shopgraph.domain.stores.credentials import credentials_for
from shopgraph.errors import Conflict, DomainError, InvalidInput, PaymentProviderError
from shopgraph.ids import now_ms
from shopgraph.observe.metrics import ORDERS_CREATED
from shopgraph.payments import PaymentRequest, PaymentSession, Provider, provider_for
from shopgraph.settings import Settings

MANUAL_INSTRUCTIONS = "Pay on delivery: the order is confirmed and will be paid when it arrives."


@dataclass(frozen=True)
class CheckoutResult:
    order: OrderWithItems
    payment: dict[str, Any]
    replayed: bool = False


def payment_json(session: PaymentSession) -> dict[str, Any]:
    """The `payment` object of the checkout response, per provider as the guides show it."""
    if session.provider == Provider.STRIPE:
        body: dict[str, Any] = {"provider": Provider.STRIPE, "id": session.reference}
        if session.url:
            body["url"] = session.url
        if session.client_secret:
            body["client_secret"] = session.client_secret
        return body
    if session.provider == Provider.RAZORPAY:
        return {
            "provider": Provider.RAZORPAY, "token": session.public_key, "providerOrderId": session.reference,
            "amount": session.amount_minor, "currency": session.currency,
        }  # fmt: skip
    return {"provider": session.provider, "instructions": session.instructions or MANUAL_INSTRUCTIONS}


def _in_progress() -> Conflict:
    return Conflict(
        "a checkout with this Idempotency-Key is still in progress", code=CheckoutErrorCode.IDEMPOTENCY_IN_PROGRESS
    )


async def _replay(session: AsyncSession, project_id: str, key: str, request: CheckoutRequest) -> CheckoutResult | None:
    order_id = await session.scalar(
        select(Order.id).where(Order.project_id == project_id, Order.idempotency_key == key)
    )
    if order_id is None:
        return None
    found = await load_order(session, project_id, order_id)
    assert found is not None
    if found.order.request_fingerprint != request.fingerprint():
        raise Conflict(
            "this Idempotency-Key was used with another request", code=CheckoutErrorCode.IDEMPOTENCY_KEY_REUSED
        )
    if not found.order.payment_details:
        raise _in_progress()
    return CheckoutResult(found, found.order.payment_details, replayed=True)


def _payment_request(project: ProjectState, order: Order) -> PaymentRequest:
    return PaymentRequest(
        order_id=order.id,
        order_number=order.order_number,
        project_slug=project.slug,
        amount_minor=order.grand_total_minor,
        currency=order.currency,
        email=order.email,
        success_url=order.success_url or "",
        cancel_url=order.cancel_url or order.success_url or "",
        expires_at_ms=order.expires_at or now_ms(),
    )


def _record(order: Order, payment_session: PaymentSession) -> None:
    order.provider_reference = payment_session.reference
    order.payment_details = payment_json(payment_session)


async def checkout(
    database: Database,
    project: ProjectState,
    fields: Mapping[str, object],
    *,
    config: StoreConfig,
    settings: Settings,
    default_stripe_mode: str,
    public_url: str,
    idempotency_key: str | None = None,
) -> CheckoutResult:
    """Places the order in one unit of work, asks the provider for a payment outside it, then records that. A manual
    payment, which asks nobody, is recorded in the order's own unit of work.

    `fields` are the CHECKOUT_FIELDS as the door found them; a replay (same Idempotency-Key, same request) answers
    with the order and payment of the first time. `public_url` is the address shopgraph is reached at, the base of
    the hosted pages that omitted successUrl / cancelUrl default to.
    """
    request = validate_request(fields)
    project_id = project.project_id
    if idempotency_key is not None and not 1 <= len(idempotency_key) <= 255:
        raise InvalidInput("Idempotency-Key: 1 to 255 characters", code=CheckoutErrorCode.INVALID_IDEMPOTENCY_KEY)
    local = config.payment_provider == Provider.MANUAL
    try:
        async with database.write() as session:
            if idempotency_key is not None and (replay := await _replay(session, project_id, idempotency_key, request)):
                return replay
            credentials, settings_row = await credentials_for(session, project_id)
            mode = credentials.stripe_mode or default_stripe_mode
            returns = await default_returns(
                session,
                project_id,
                project.slug,
                storefront_url=settings_row.storefront_url,
                public_url=public_url,
                needed=not (request.success_url and request.cancel_url),
            )
            provider = provider_for(config.payment_provider, credentials, settings, mode=mode)

            async def pay_locally(order: Order) -> None:
                # A manual payment calls nobody: it is written with the order, in the order's own INSERT.
                _record(order, await provider.create_payment(_payment_request(project, order)))

            placed = await place_order(
                session,
                project_id,
                request,
                config=config,
                provider=config.payment_provider,
                returns=returns,
                ttl_minutes=settings_row.pending_order_ttl_minutes,
                idempotency_key=idempotency_key,
                project_slug=project.slug,
                before_insert=pay_locally if local else None,
            )
    except IntegrityError as exc:
        if idempotency_key is None:
            raise
        async with database.read() as session:
            replay = await _replay(session, project_id, idempotency_key, request)
        if replay is None:
            raise _in_progress() from exc
        return replay
    ORDERS_CREATED.inc()
    order = placed.order
    if local:
        return CheckoutResult(placed, order.payment_details)
    try:
        payment_session = await provider.create_payment(_payment_request(project, order))
    except DomainError as error:
        async with database.write() as session:
            await cancel_unpaid(session, order, placed.items)
        raise PaymentProviderError(f"the payment could not be started: {error.message}", code=error.code) from error
    payment = payment_json(payment_session)
    async with database.write() as session:
        await session.execute(
            update(Order)
            .where(Order.id == order.id)
            .values(provider_reference=payment_session.reference, payment_details=payment)
        )
    order.provider_reference = payment_session.reference
    order.payment_details = payment
    return CheckoutResult(placed, payment)
