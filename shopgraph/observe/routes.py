"""Route templates for logs and metric labels: `/api/v1/public/projects/{project_slug}/ecommerce/products/{slug}`,
never the path itself, which carries slugs, ids and whatever a client typed."""

from __future__ import annotations

from starlette.routing import Mount
from starlette.types import Receive, Scope, Send

ROUTE_PREFIX_SCOPE_KEY = "shopgraph.route_prefix"
UNMATCHED = "unmatched"


class TemplatedMount(Mount):
    """A Mount that leaves its path template in the scope, so the route inside it can be named in full."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        scope[ROUTE_PREFIX_SCOPE_KEY] = scope.get(ROUTE_PREFIX_SCOPE_KEY, "") + self.path
        await super().handle(scope, receive, send)


def route_template(scope: Scope) -> str:
    route = scope.get("route")
    if route is None:
        return UNMATCHED
    prefix: str = scope.get(ROUTE_PREFIX_SCOPE_KEY, "")
    if isinstance(route, Mount):
        # Nothing inside the mount matched, or what it holds is not a router (static files).
        return (prefix or route.path) + "/{path}"
    path: str = getattr(route, "path", "")
    return prefix + path
