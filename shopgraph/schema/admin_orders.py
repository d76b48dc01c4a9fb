"""Orders in the admin schema: the merchant's list, and shipping, cancelling, payment and refunds by hand."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from shopgraph.domain.orders import admin_actions, reads
from shopgraph.schema import described
from shopgraph.schema.admin_payloads import OrderPayload
from shopgraph.schema.admin_types import AdminOrder, AdminOrderPage
from shopgraph.schema.payloads import read, write


@strawberry.type
class OrderAdminQuery:
    @described.field(description="newest first; status such as processing; email: the customer's, exactly")
    async def orders(
        self, info: Info, status: str | None = None, email: str | None = None, page: int = 1, limit: int = 20
    ) -> AdminOrderPage:
        found = await read(
            info,
            lambda session, project_id: admin_actions.list_orders(
                session, project_id, status=status, email=email, page=page, limit=limit
            ),
        )
        return AdminOrderPage.of(found)

    @strawberry.field
    async def order(self, info: Info, id: strawberry.ID) -> AdminOrder | None:
        found = await read(info, lambda session, project_id: reads.find_order(session, project_id, str(id)))
        return None if found is None else AdminOrder(found=found)


@strawberry.type
class OrderAdminMutation:
    @described.mutation(description="ships a processing order: status shipped, order.shipped, the shipping email")
    async def order_fulfill(
        self, info: Info, id: strawberry.ID, tracking_number: str | None = None, carrier: str | None = None
    ) -> OrderPayload:
        result = await write(
            info,
            lambda session, project_id: admin_actions.fulfil_order(
                session, project_id, str(id), tracking_number=tracking_number, carrier=carrier
            ),
        )
        return OrderPayload.of(result)

    @described.mutation(description="an unpaid order not yet shipped; stock and coupon use are given back")
    async def order_cancel(self, info: Info, id: strawberry.ID) -> OrderPayload:
        result = await write(info, lambda session, project_id: admin_actions.cancel_order(session, project_id, str(id)))
        return OrderPayload.of(result)

    @described.mutation(description="cash on delivery received, or a bank transfer: payment status paid")
    async def order_mark_paid(self, info: Info, id: strawberry.ID) -> OrderPayload:
        result = await write(
            info, lambda session, project_id: admin_actions.mark_order_paid(session, project_id, str(id))
        )
        return OrderPayload.of(result)

    @described.mutation(description="records a refund made elsewhere; no payment provider is called")
    async def order_refund(self, info: Info, id: strawberry.ID) -> OrderPayload:
        result = await write(info, lambda session, project_id: admin_actions.refund_order(session, project_id, str(id)))
        return OrderPayload.of(result)
