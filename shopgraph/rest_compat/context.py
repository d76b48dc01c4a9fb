"""The project a REST request acts on, by path family."""

from __future__ import annotations

from starlette.requests import Request

from shopgraph.db.state import ProjectState
from shopgraph.domain.stores.access import project_from_host_or_key, project_from_slug
from shopgraph.domain.stores.config import StoreConfig
from shopgraph.middleware import CORS_SCOPE_KEY
from shopgraph.runtime import Runtime


def runtime_of(request: Request) -> Runtime:
    return request.app.state.runtime  # type: ignore[no-any-return]


def presented_key(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if header:
        scheme, _, credentials = header.partition(" ")
        if scheme.lower() == "bearer" and credentials.strip():
            return credentials.strip()
    return request.query_params.get("token") or None


async def project_state(request: Request, *, require_key: bool = True) -> ProjectState:
    runtime = runtime_of(request)
    key = presented_key(request)
    slug = request.path_params.get("project_slug")
    if slug is not None:
        return await project_from_slug(runtime.state, slug, key, require_key=require_key)
    return await project_from_host_or_key(
        runtime.state, request.headers.get("host"), runtime.settings.base_domain, key, require_key=require_key
    )


async def store_config(request: Request, state: ProjectState) -> StoreConfig:
    config = await runtime_of(request).cache.config(state)
    request.scope[CORS_SCOPE_KEY] = config.cors_origins
    return config
