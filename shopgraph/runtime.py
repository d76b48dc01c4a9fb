"""What a running app holds: settings, the database, the per-request state reader and the caches."""

from __future__ import annotations

from dataclasses import dataclass, field

from shopgraph.db.engine import Database
from shopgraph.db.held_state import state_reader_for
from shopgraph.db.state import StateReader
from shopgraph.domain.cache import StoreCache
from shopgraph.rate_limits import RequestLimiter, parse_limit
from shopgraph.settings import Settings


def failure_limiter(settings: Settings) -> RequestLimiter | None:
    """SHOPGRAPH_FAILED_LOOKUP_LIMIT's counters: per address (key checks, order lookups) and per customer email."""
    limit = parse_limit(settings.failed_lookup_limit)
    return None if limit is None else RequestLimiter(limit, settings.redis_url)


@dataclass
class Runtime:
    settings: Settings
    database: Database
    state: StateReader
    cache: StoreCache
    failures: RequestLimiter | None = field(default=None)

    @classmethod
    def start(cls, settings: Settings) -> Runtime:
        database = Database(settings.database_url, settings.encryption_keys)
        return cls(settings, database, state_reader_for(database), StoreCache(database), failure_limiter(settings))

    async def close(self) -> None:
        await self.state.key_use.settle()
        self.state.close()
        await self.database.dispose()
