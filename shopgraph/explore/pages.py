"""The pages for exploring the API in a browser: GraphiQL and the API reference, on assets served by shopgraph."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from shopgraph.assets import static_url, vendored_file

__all__ = ["ADMIN_GRAPHIQL", "CONTENT_SECURITY_POLICY", "STOREFRONT_GRAPHIQL", "GraphiQLPage", "api_reference"]

OPENAPI_PATH = "/api/v1/openapi.json"

# The pages load only what this server serves: the browser itself refuses anything from elsewhere.
# Inline styles are allowed because GraphiQL's editor and Swagger UI set element styles from their scripts.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


@cache
def _templates() -> Environment:
    return Environment(loader=PackageLoader("shopgraph.explore"), autoescape=select_autoescape(default=True))


def _render(request: Request, template: str, **context: str) -> Response:
    html = (
        _templates()
        .get_template(template)
        .render(
            static=lambda path: static_url(request, path),
            vendored=lambda package, path: static_url(request, vendored_file(package, path)),
            **context,
        )
    )
    return HTMLResponse(html, headers={"content-security-policy": CONTENT_SECURITY_POLICY})


@dataclass(frozen=True)
class GraphiQLPage:
    """GraphiQL for one endpoint: its title, the query a new tab starts with, and where it keeps its tabs."""

    title: str
    default_query: str
    storage_namespace: str

    def render(self, request: Request) -> Response:
        return _render(
            request,
            "graphiql.html",
            title=self.title,
            default_query=self.default_query,
            storage_namespace=self.storage_namespace,
        )


async def api_reference(request: Request) -> Response:
    """`GET /docs`: the REST API reference rendered from the OpenAPI document; it needs no key."""
    return _render(
        request,
        "docs.html",
        title="shopgraph REST API reference",
        openapi_url=f"{request.scope.get('root_path', '')}{OPENAPI_PATH}",
    )


STOREFRONT_GRAPHIQL = GraphiQLPage(
    title="shopgraph storefront GraphQL",
    storage_namespace="shopgraph-storefront",
    default_query="""\
# The storefront API. Every operation needs a key in the Headers pane below:
#   {"Authorization": "Bearer pk_..."}
# (the URL that `shopgraph serve --demo` prints fills it in). Run with Ctrl-Enter.
{
  storeConfig { defaultCurrency taxPercentage }
  products(limit: 5, sort: PRICE_ASC) {
    total
    items { name slug price { amount currency } inStock }
  }
}
""",
)

ADMIN_GRAPHIQL = GraphiQLPage(
    title="shopgraph admin GraphQL",
    storage_namespace="shopgraph-admin",
    default_query="""\
# The admin API. Every operation needs the project's secret key in the Headers pane below:
#   {"Authorization": "Bearer sk_..."}
# Run with Ctrl-Enter.
{
  storeConfig { defaultCurrency }
  orders(limit: 5) { total items { orderNumber status } }
}
""",
)
