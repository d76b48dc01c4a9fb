"""Checkout and order look-ups in the storefront schema."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from shopgraph.domain.checkout.flow import checkout as start_checkout
from shopgraph.domain.orders.reads import customer_order, customer_orders
from shopgraph.errors import NotFound
from shopgraph.payments import CHECKOUT_SESSION
from shopgraph.public_address import public_url
from shopgraph.rate_limits import braked_order_lookup
from shopgraph.schema.context import GraphQLContext
from shopgraph.schema.inputs import given
from shopgraph.schema.order_types import CheckoutInput, CheckoutPayload, Order, OrderPage
from shopgraph.schema.payloads import attempt, read

DEFAULT_STRIPE_MODE = CHECKOUT_SESSION


@strawberry.type
class OrderQuery:
    @strawberry.field
    async def orders(self, info: Info, email: str, page: int = 1, limit: int = 20) -> OrderPage:
        found = await read(info, lambda session, project_id: customer_orders(session, project_id, email, page, limit))
        return OrderPage.of(found)

    @strawberry.field
    async def order(self, info: Info, id: strawberry.ID, email: str) -> Order | None:
        context: GraphQLContext = info.context
        client = context.request.client
        try:
            found = await braked_order_lookup(
                context.runtime.failures,
                client.host if client else "unknown",
                context.project.project_id,
                email,
                lambda: read(info, lambda session, project_id: customer_order(session, project_id, str(id), email)),
            )
        except NotFound:
            return None
        return Order(found=found)


@strawberry.type
class OrderMutation:
    @strawberry.mutation
    async def checkout(self, info: Info, input: CheckoutInput) -> CheckoutPayload:
        context: GraphQLContext = info.context
        result = await attempt(
            start_checkout(
                context.runtime.database,
                context.project,
                given(input),
                config=await context.config(),
                settings=context.runtime.settings,
                default_stripe_mode=DEFAULT_STRIPE_MODE,
                public_url=public_url(context.runtime.settings, context.request),
                idempotency_key=input.idempotency_key,
            )
        )
        return CheckoutPayload.of(result)
