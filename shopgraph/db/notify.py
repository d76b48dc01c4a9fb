"""Telling whoever waits that a transaction has committed something: in this process at once, in others through
PostgreSQL's `LISTEN/NOTIFY`.

`announce(session, channel, payload)` inside a unit of work: once that transaction commits (never before, and
never if it rolls back) every subscriber of `channel` in this process is called with the payload. On PostgreSQL
the same call also sends `NOTIFY` in the transaction, which PostgreSQL delivers to listening connections on commit
only. A `Listener` holds one connection that LISTENs and calls back; after a lost connection it reconnects, and
calls back once with no payload, since what was announced meanwhile is lost. So a notice is a hint to look now:
whoever waits for one keeps a poll as the fallback.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import Session

log = logging.getLogger("shopgraph.db")

Callback = Callable[[str], None]
_PENDING = "shopgraph.notify.pending"
RECONNECT_SECONDS = (0.5, 1, 2, 5, 10)

_subscribers: dict[str, set[Callback]] = defaultdict(set)


def subscribe(channel: str, callback: Callback) -> Callable[[], None]:
    """Calls `callback(payload)` after every commit in this process that announced on `channel`; returns the
    unsubscribe function."""
    _subscribers[channel].add(callback)
    return lambda: _subscribers[channel].discard(callback)


def announce_here(session: Session | AsyncSession, channel: str, payload: str = "") -> bool:
    """Calls this process's subscribers of `channel` once `session` commits; False if that was already due."""
    pending: set[tuple[str, str]] = session.info.setdefault(_PENDING, set())
    if (channel, payload) in pending:
        return False
    pending.add((channel, payload))
    return True


async def announce(session: AsyncSession, channel: str, payload: str = "") -> None:
    if not announce_here(session, channel, payload):
        return
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SELECT pg_notify(:channel, :payload)"), {"channel": channel, "payload": payload})


def _call(channel: str, payload: str) -> None:
    for callback in list(_subscribers.get(channel, ())):
        try:
            callback(payload)
        except Exception:
            log.exception("a subscriber of %r failed", channel)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    for channel, payload in session.info.pop(_PENDING, ()):
        _call(channel, payload)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)


class Listener:
    """LISTENs on `channel` over a connection of its own (PostgreSQL only) while `run` runs."""

    def __init__(self, engine: AsyncEngine, channel: str, callback: Callback) -> None:
        self._engine = engine
        self._channel = channel
        self._callback = callback
        self.listening = asyncio.Event()

    def _notified(self, _connection: Any, _pid: int, _channel: str, payload: str) -> None:
        self._callback(payload)

    async def run(self) -> None:
        failures = 0
        while True:
            try:
                await self._listen()
            except Exception as error:
                log.warning("LISTEN %s: %s", self._channel, error)
            if self.listening.is_set():
                failures = 0
                self.listening.clear()
            await asyncio.sleep(RECONNECT_SECONDS[min(failures, len(RECONNECT_SECONDS) - 1)])
            failures += 1

    async def _listen(self) -> None:
        async with self._engine.connect() as connection:
            raw = (await connection.get_raw_connection()).driver_connection
            if raw is None:
                raise ConnectionError("no driver connection")
            closed = asyncio.Event()
            raw.add_termination_listener(lambda _connection: closed.set())
            await raw.add_listener(self._channel, self._notified)
            try:
                self.listening.set()
                # Whatever was announced before this connection listened is caught up with now.
                self._callback("")
                while not closed.is_set() and not raw.is_closed():
                    # A connection that died quietly is noticed within the minute.
                    try:
                        async with asyncio.timeout(60):
                            await closed.wait()
                    except TimeoutError:
                        await raw.execute("SELECT 1")
            finally:
                if not raw.is_closed():
                    await raw.remove_listener(self._channel, self._notified)
            raise ConnectionError("the connection was lost")
