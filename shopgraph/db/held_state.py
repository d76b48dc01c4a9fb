"""Project states held in memory on PostgreSQL, so that a cached read makes no round trip for its key and versions.

A held state is forgotten when anything it is read from changes: in this process as the writing transaction
commits (`state_changes`), in every other as the trigger's `NOTIFY shopgraph_state` arrives. States are held only
while this process LISTENs, and none for longer than `HELD_SECONDS`: a notice lost with a connection that died
quietly, or a change made with the triggers switched off, still shows within that time.
"""

from __future__ import annotations

import asyncio
import time

from sqlalchemy.engine import make_url

from shopgraph.db import notify
from shopgraph.db.engine import Database
from shopgraph.db.state import KeyUse, ProjectState, SqliteStateReader, SqlStateReader, StateReader
from shopgraph.db.state_changes import STATE_CHANNEL

HELD_SECONDS = 1.0
# Unknown keys and hosts are held too (a storefront on a new domain asks every time); past this many, start afresh.
MAX_HELD = 10_000


class HeldStateReader:
    def __init__(self, database: Database, held_seconds: float = HELD_SECONDS) -> None:
        self._reader = SqlStateReader(database)
        self.key_use: KeyUse = self._reader.key_use
        self._held_seconds = held_seconds
        self._held: dict[tuple[str, str], tuple[float, ProjectState | None]] = {}
        self._changes = 0
        self._listener = notify.Listener(database.engine, STATE_CHANNEL, self.forget)
        self.listening: asyncio.Event = self._listener.listening
        self._unsubscribe = notify.subscribe(STATE_CHANNEL, self.forget)

    @property
    def holding(self) -> bool:
        return self.listening.is_set()

    def forget(self, _notice: str = "") -> None:
        self._changes += 1
        self._held.clear()

    async def fetch(self, query: str, value: str) -> ProjectState | None:
        if not self.holding:
            return await self._reader.fetch(query, value)
        asked_at = time.monotonic()
        held = self._held.get((query, value))
        if held is not None and asked_at - held[0] < self._held_seconds:
            return held[1]
        changes = self._changes
        state = await self._reader.fetch(query, value)
        # A change committed while this read was on its way may not be in what it read.
        if changes == self._changes and self.holding:
            if len(self._held) >= MAX_HELD:
                self._held.clear()
            self._held[(query, value)] = (asked_at, state)
        return state

    async def listen(self) -> None:
        await self._listener.run()

    def close(self) -> None:
        self._unsubscribe()
        self.forget()


def state_reader_for(database: Database) -> StateReader:
    """SQLite files: read each time, in microseconds. PostgreSQL: held. In-memory SQLite: through the engine."""
    if not database.is_sqlite:
        return HeldStateReader(database)
    path = make_url(database.url).database
    if path and path != ":memory:":
        return SqliteStateReader(database)
    return SqlStateReader(database)
