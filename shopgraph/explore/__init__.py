"""Exploring the API in a browser with no internet: GraphiQL and the REST API reference (`/docs`)."""

from __future__ import annotations

from shopgraph.explore.pages import (
    ADMIN_GRAPHIQL,
    CONTENT_SECURITY_POLICY,
    STOREFRONT_GRAPHIQL,
    GraphiQLPage,
    api_reference,
)

__all__ = ["ADMIN_GRAPHIQL", "CONTENT_SECURITY_POLICY", "STOREFRONT_GRAPHIQL", "GraphiQLPage", "api_reference"]
