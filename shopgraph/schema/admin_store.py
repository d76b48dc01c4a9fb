"""Coupons and store settings in the admin schema."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from shopgraph.domain.carts import admin_coupons
from shopgraph.domain.stores import config, settings
from shopgraph.schema import described
from shopgraph.schema.admin_inputs import CouponCreateInput, CouponUpdateInput, StoreConfigInput
from shopgraph.schema.admin_payloads import CouponPayload, DeletePayload, StoreConfigPayload
from shopgraph.schema.admin_types import AdminCoupon, AdminStoreConfig
from shopgraph.schema.inputs import given
from shopgraph.schema.payloads import read, write


@strawberry.type
class StoreAdminQuery:
    @described.field(description="every coupon, by code")
    async def coupons(self, info: Info) -> list[AdminCoupon]:
        records = await read(info, admin_coupons.list_coupons)
        return [AdminCoupon(record=record) for record in records]

    @described.field(description="the /config fields and every other setting; of the payment secrets, only whether set")
    async def store_config(self, info: Info) -> AdminStoreConfig:
        return AdminStoreConfig.of(await read(info, config.read_store_config))


@strawberry.type
class StoreAdminMutation:
    @described.mutation(description="the code is stored upper-case and must be unique")
    async def coupon_create(self, info: Info, input: CouponCreateInput) -> CouponPayload:
        result = await write(
            info, lambda session, project_id: admin_coupons.create_coupon(session, project_id, given(input))
        )
        return CouponPayload.of(result)

    @strawberry.mutation
    async def coupon_update(self, info: Info, id: strawberry.ID, input: CouponUpdateInput) -> CouponPayload:
        result = await write(
            info, lambda session, project_id: admin_coupons.update_coupon(session, project_id, str(id), given(input))
        )
        return CouponPayload.of(result)

    @described.mutation(description="carts holding it lose it; to keep its history, set active: false instead")
    async def coupon_delete(self, info: Info, id: strawberry.ID) -> DeletePayload:
        result = await write(
            info, lambda session, project_id: admin_coupons.delete_coupon(session, project_id, str(id))
        )
        return DeletePayload.of(result)

    @described.mutation(
        description="checks every change before applying any; storefronts see them on their next request"
    )
    async def store_config_update(self, info: Info, input: StoreConfigInput) -> StoreConfigPayload:
        result = await write(
            info, lambda session, project_id: settings.update_store_config(session, project_id, given(input))
        )
        return StoreConfigPayload.of(result)
