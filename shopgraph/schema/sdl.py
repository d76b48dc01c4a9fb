"""The GraphQL schemas as SDL, for codegen: `shopgraph schema export [--admin]` and the files in `schema/`."""

from __future__ import annotations

from shopgraph.schema import admin, storefront
from shopgraph.schema.build import build_schema
from shopgraph.settings import Settings


def schema_sdl(*, admin_schema: bool = False) -> str:
    if admin_schema:
        schema = build_schema(Settings(), admin.AdminQuery, admin.AdminMutation)
    else:
        schema = build_schema(Settings(), storefront.Query, storefront.Mutation)
    return schema.as_str() + "\n"
