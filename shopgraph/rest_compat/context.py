"""What a REST handler starts from: the project the request acts on, by path family, with its config."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from starlette.requests import Request

from shopgraph.db.engine import Database
from shopgraph.db.state import ProjectState
from shopgraph.domain.catalog.snapshot import CatalogSnapshot
from shopgraph.domain.stores.access import project_from_host_or_key, project_from_slug
from shopgraph.domain.stores.config import StoreConfig
from shopgraph.middleware import CORS_SCOPE_KEY, PROJECT_SCOPE_KEY
from shopgraph.runtime import Runtime


def runtime_of(request: Request) -> Runtime:
    return cast(Runtime, request.app.state.runtime)


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


@dataclass(frozen=True)
class Store:
    """The store a request acts on: its state, its config, and the runtime that serves it."""

    runtime: Runtime
    state: ProjectState
    config: StoreConfig

    @property
    def project_id(self) -> str:
        return self.state.project_id

    @property
    def database(self) -> Database:
        return self.runtime.database

    async def catalog(self) -> CatalogSnapshot:
        return await self.runtime.cache.catalog(self.state)


async def store_of(request: Request, *, require_key: bool = True) -> Store:
    """The store, once its key (or path, or host) checks out; its CORS origins go to the CORS middleware."""
    runtime = runtime_of(request)
    state = await project_state(request, require_key=require_key)
    config = await runtime.cache.config(state)
    request.scope[CORS_SCOPE_KEY] = config.cors_origins
    request.scope[PROJECT_SCOPE_KEY] = state
    return Store(runtime, state, config)
