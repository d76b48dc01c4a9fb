"""Catalog operations of the admin schema: products, variants, stock and categories."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from shopgraph.db.models import ProductStatus
from shopgraph.domain.catalog import admin_categories, admin_products, admin_reads
from shopgraph.schema import described
from shopgraph.schema.admin_inputs import (
    CategoryCreateInput,
    CategoryUpdateInput,
    ProductCreateInput,
    ProductUpdateInput,
    VariantInput,
    VariantUpdateInput,
)
from shopgraph.schema.admin_payloads import (
    CategoryPayload,
    DeletePayload,
    ProductPayload,
    VariantPayload,
)
from shopgraph.schema.admin_types import AdminCategory, AdminProduct, AdminProductPage
from shopgraph.schema.inputs import given
from shopgraph.schema.payloads import read, write


def _id(value: strawberry.ID | None) -> str | None:
    return None if value is None else str(value)


@strawberry.type
class CatalogAdminQuery:
    @described.field(description="products of every status, newest first; search: name, description, slug or SKU")
    async def products(
        self,
        info: Info,
        search: str | None = None,
        status: ProductStatus | None = None,
        category_id: strawberry.ID | None = None,
        page: int = 1,
        limit: int = 20,
    ) -> AdminProductPage:
        found = await read(
            info,
            lambda session, project_id: admin_reads.list_products(
                session,
                project_id,
                search=search,
                status=None if status is None else status.value,
                category_id=_id(category_id),
                page=page,
                limit=limit,
            ),
        )
        return AdminProductPage.of(found)

    @strawberry.field
    async def product(
        self, info: Info, id: strawberry.ID | None = None, slug: str | None = None
    ) -> AdminProduct | None:
        found = await read(
            info,
            lambda session, project_id: admin_reads.find_product(session, project_id, id=_id(id), slug=slug),
        )
        return None if found is None else AdminProduct(record=found)

    @described.field(description="every category, flat; parentId gives the tree")
    async def categories(self, info: Info) -> list[AdminCategory]:
        rows = await read(info, admin_categories.list_categories)
        return [AdminCategory(row=row) for row in rows]


@strawberry.type
class CatalogAdminMutation:
    @strawberry.mutation
    async def product_create(self, info: Info, input: ProductCreateInput) -> ProductPayload:
        result = await write(
            info, lambda session, project_id: admin_products.create_product(session, project_id, given(input))
        )
        return ProductPayload.of(result)

    @strawberry.mutation
    async def product_update(self, info: Info, id: strawberry.ID, input: ProductUpdateInput) -> ProductPayload:
        result = await write(
            info, lambda session, project_id: admin_products.update_product(session, project_id, str(id), given(input))
        )
        return ProductPayload.of(result)

    @described.mutation(description="removes the product, its variants and the cart lines holding it")
    async def product_delete(self, info: Info, id: strawberry.ID) -> DeletePayload:
        result = await write(
            info, lambda session, project_id: admin_products.delete_product(session, project_id, str(id))
        )
        return DeletePayload.of(result)

    @strawberry.mutation
    async def variant_create(self, info: Info, product_id: strawberry.ID, input: VariantInput) -> VariantPayload:
        result = await write(
            info,
            lambda session, project_id: admin_products.create_variant(
                session, project_id, str(product_id), given(input)
            ),
        )
        return VariantPayload.of(result)

    @strawberry.mutation
    async def variant_update(self, info: Info, id: strawberry.ID, input: VariantUpdateInput) -> VariantPayload:
        result = await write(
            info, lambda session, project_id: admin_products.update_variant(session, project_id, str(id), given(input))
        )
        return VariantPayload.of(result)

    @strawberry.mutation
    async def variant_delete(self, info: Info, id: strawberry.ID) -> VariantPayload:
        result = await write(
            info, lambda session, project_id: admin_products.delete_variant(session, project_id, str(id))
        )
        return VariantPayload.of(result)

    @described.mutation(description="stock of a variant, or of a product without variants; null: not tracked")
    async def inventory_set(
        self,
        info: Info,
        product_id: strawberry.ID | None = None,
        variant_id: strawberry.ID | None = None,
        stock: int | None = None,
    ) -> ProductPayload:
        result = await write(
            info,
            lambda session, project_id: admin_products.set_inventory(
                session, project_id, product_id=_id(product_id), variant_id=_id(variant_id), stock=stock
            ),
        )
        return ProductPayload.of(result)

    @strawberry.mutation
    async def category_create(self, info: Info, input: CategoryCreateInput) -> CategoryPayload:
        result = await write(
            info, lambda session, project_id: admin_categories.create_category(session, project_id, given(input))
        )
        return CategoryPayload.of(result)

    @strawberry.mutation
    async def category_update(self, info: Info, id: strawberry.ID, input: CategoryUpdateInput) -> CategoryPayload:
        result = await write(
            info,
            lambda session, project_id: admin_categories.update_category(session, project_id, str(id), given(input)),
        )
        return CategoryPayload.of(result)

    @described.mutation(description="its children move up to its parent; its products are left without a category")
    async def category_delete(self, info: Info, id: strawberry.ID) -> DeletePayload:
        result = await write(
            info, lambda session, project_id: admin_categories.delete_category(session, project_id, str(id))
        )
        return DeletePayload.of(result)
