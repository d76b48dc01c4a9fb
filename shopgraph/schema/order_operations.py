"""Checkout and order look-ups in the storefront schema."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from shopgraph.errors import DomainError, NotFound
from shopgraph.resolvers import checkout as checkout_domain
from shopgraph.resolvers import orders
from shopgraph.schema.cart_types import UserError
from shopgraph.schema.context import GraphQLContext
from shopgraph.schema.order_types import CheckoutInput, CheckoutPayload, Order, OrderPage, Payment

DEFAULT_STRIPE_MODE = "checkout_session"


@strawberry.type
class OrderQuery:
    @strawberry.field
    async def orders(self, info: Info, email: str, page: int = 1, limit: int = 20) -> OrderPage:
        context: GraphQLContext = info.context
        async with context.runtime.database.read() as session:
            return OrderPage.of(await orders.customer_orders(session, context.project.project_id, email, page, limit))

    @strawberry.field
    async def order(self, info: Info, id: strawberry.ID, email: str) -> Order | None:
        context: GraphQLContext = info.context
        try:
            async with context.runtime.database.read() as session:
                return Order(found=await orders.customer_order(session, context.project.project_id, str(id), email))
        except NotFound:
            return None


@strawberry.type
class OrderMutation:
    @strawberry.mutation
    async def checkout(self, info: Info, input: CheckoutInput) -> CheckoutPayload:
        context: GraphQLContext = info.context
        config = await context.config()

        try:
            request = checkout_domain.validate_request(
                cart_id=str(input.cart_id),
                email=input.email,
                shipping_address=input.shipping_address.as_dict() if input.shipping_address else None,
                billing_address=input.billing_address.as_dict() if input.billing_address else None,
                coupon_code=input.coupon_code,
                customer_name=input.customer_name,
                customer_phone=input.customer_phone,
                success_url=input.success_url,
                cancel_url=input.cancel_url,
            )
            result = await checkout_domain.checkout(
                context.runtime.database,
                context.project.project_id,
                context.project.slug,
                request,
                config=config,
                settings=context.runtime.settings,
                default_stripe_mode=DEFAULT_STRIPE_MODE,
                idempotency_key=input.idempotency_key,
            )
        except DomainError as error:
            return CheckoutPayload(order=None, payment=None, user_errors=[UserError.of(error)])
        return CheckoutPayload(order=Order(found=result.order), payment=Payment.of(result.payment), user_errors=[])
