"""What a running app holds: settings, the database, the per-request state reader and the caches."""

from __future__ import annotations

from dataclasses import dataclass

from shopgraph.db.engine import Database
from shopgraph.db.state import StateReader, state_reader_for
from shopgraph.domain.cache import StoreCache
from shopgraph.settings import Settings


@dataclass
class Runtime:
    settings: Settings
    database: Database
    state: StateReader
    cache: StoreCache

    @classmethod
    def start(cls, settings: Settings) -> Runtime:
        database = Database(settings.database_url, settings.encryption_keys)
        return cls(settings, database, state_reader_for(database), StoreCache(database))

    async def close(self) -> None:
        await self.state.key_use.settle()
        self.state.close()
        await self.database.dispose()
