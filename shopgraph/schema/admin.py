"""The admin schema served at `/admin/graphql`: secret key only, never cached, no storefront operations."""

from __future__ import annotations

import strawberry

from shopgraph.schema.admin_catalog import CatalogAdminMutation, CatalogAdminQuery
from shopgraph.schema.admin_keys import KeyAdminMutation, KeyAdminQuery
from shopgraph.schema.admin_orders import OrderAdminMutation, OrderAdminQuery
from shopgraph.schema.admin_store import StoreAdminMutation, StoreAdminQuery
from shopgraph.schema.admin_webhooks import WebhookAdminMutation, WebhookAdminQuery

# Admin answers depend on more than the catalog and the settings, so none is reused.
CACHEABLE_ROOT_FIELDS: frozenset[str] = frozenset()


@strawberry.type(name="Query")
class AdminQuery(CatalogAdminQuery, OrderAdminQuery, StoreAdminQuery, WebhookAdminQuery, KeyAdminQuery):
    pass


@strawberry.type(name="Mutation")
class AdminMutation(
    CatalogAdminMutation, OrderAdminMutation, StoreAdminMutation, WebhookAdminMutation, KeyAdminMutation
):
    pass
