"""Which origins a CORS preflight may be answered for: those of the project its path or host names."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from starlette.types import Scope

from shopgraph.db.state import BY_DOMAIN, BY_SLUG, ProjectState
from shopgraph.domain.stores.access import could_be_custom_domain, slug_from_host
from shopgraph.runtime import Runtime

# The paths that carry a project's slug: the Aerostack family and the hosted storefront.
SLUG_IN_PATH = re.compile(r"^/(?:api/v1/public/projects|store)/([^/]+)(?:/|$)")

OriginsFor = Callable[[Scope], Awaitable[tuple[str, ...] | None]]


def preflight_origins(runtime: Runtime) -> OriginsFor:
    """The `cors_origins` of the project a request's path or host names; None when it names none."""

    async def origins_for(scope: Scope) -> tuple[str, ...] | None:
        state = await _named_project(runtime, scope)
        return None if state is None else (await runtime.cache.config(state)).cors_origins

    return origins_for


async def _named_project(runtime: Runtime, scope: Scope) -> ProjectState | None:
    match = SLUG_IN_PATH.match(scope.get("path", ""))
    if match is not None:
        return await runtime.state.fetch(BY_SLUG, match.group(1))
    raw_host = next((value for name, value in scope["headers"] if name == b"host"), b"")
    host = raw_host.decode("latin-1").split(":", 1)[0].strip().lower().rstrip(".")
    if not host:
        return None
    slug = slug_from_host(host, runtime.settings.base_domain)
    if slug is not None:
        return await runtime.state.fetch(BY_SLUG, slug)
    return await runtime.state.fetch(BY_DOMAIN, host) if could_be_custom_domain(host) else None
