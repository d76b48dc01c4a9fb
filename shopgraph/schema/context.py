"""What every GraphQL resolver gets: the runtime and the project the request acts on."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request

from shopgraph.db.state import ProjectState
from shopgraph.domain.catalog.snapshot import CatalogSnapshot
from shopgraph.domain.stores.config import StoreConfig
from shopgraph.runtime import Runtime


@dataclass
class GraphQLContext:
    runtime: Runtime
    project: ProjectState
    request: Request

    async def catalog(self) -> CatalogSnapshot:
        return await self.runtime.cache.catalog(self.project)

    async def config(self) -> StoreConfig:
        return await self.runtime.cache.config(self.project)
