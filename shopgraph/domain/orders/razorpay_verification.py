"""The Razorpay checkout modal's signature: a paid order at once, before the webhook arrives."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.domain.orders.error_codes import OrderErrorCode
from shopgraph.domain.orders.reads import OrderWithItems, load_order, order_by_reference
from shopgraph.domain.orders.transitions import mark_paid
from shopgraph.domain.stores.credentials import credentials_for
from shopgraph.errors import InvalidInput, NotFound
from shopgraph.payments import InvalidSignature, Provider, verify_checkout_signature


def _required(value: object, name: str) -> str:
    if not isinstance(value, str) or not value or len(value) > 255:
        raise InvalidInput(f"{name}: required", field=name)
    return value


async def verify_razorpay_checkout(
    session: AsyncSession,
    project_id: str,
    *,
    razorpay_order_id: object,
    razorpay_payment_id: object,
    razorpay_signature: object,
) -> OrderWithItems:
    provider_order = _required(razorpay_order_id, "razorpay_order_id")
    payment = _required(razorpay_payment_id, "razorpay_payment_id")
    signature = _required(razorpay_signature, "razorpay_signature")
    credentials, settings = await credentials_for(session, project_id)
    if settings.payment_provider != Provider.RAZORPAY or not credentials.razorpay_key_secret:
        raise InvalidInput("this store does not take Razorpay payments", code=OrderErrorCode.RAZORPAY_NOT_CONFIGURED)
    if not verify_checkout_signature(credentials, provider_order, payment, signature):
        raise InvalidSignature("the Razorpay signature does not match this order and payment")
    order = await order_by_reference(session, project_id, Provider.RAZORPAY, provider_order)
    if order is None:
        raise NotFound("no order for this Razorpay order", code=OrderErrorCode.ORDER_NOT_FOUND)
    await mark_paid(session, order)
    found = await load_order(session, project_id, order.id)
    assert found is not None
    return found
