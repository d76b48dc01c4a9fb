"""Lanes: each kind of work the worker does runs in a loop of its own, so a slow one never holds up another.

A `Lane` claims as much work as it has free slots for, runs every item as a task of its own (no item waits for
another to finish), and sleeps until it is woken (new work committed, a slot freed) or its poll interval passes.
A `Loop` runs one job over and over in the same way, for work that is done in batches (fan-out, the sweeps).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from contextlib import suppress
from typing import Any, Generic, TypeVar

log = logging.getLogger("shopgraph.worker")

Item = TypeVar("Item")
GATHER_SECONDS = 0.005


class _Waking:
    def __init__(self, poll_seconds: float) -> None:
        self.poll_seconds = poll_seconds
        self._event = asyncio.Event()

    def wake(self) -> None:
        self._event.set()

    async def _sleep(self) -> None:
        with suppress(TimeoutError):
            async with asyncio.timeout(self.poll_seconds):
                await self._event.wait()


class Lane(_Waking, Generic[Item]):
    def __init__(
        self,
        name: str,
        *,
        claim: Callable[[int], Awaitable[Sequence[Item]]],
        handle: Callable[[Item], Coroutine[Any, Any, object]],
        capacity: int,
        poll_seconds: float,
    ) -> None:
        super().__init__(poll_seconds)
        self.name = name
        self.capacity = capacity
        self._claim = claim
        self._handle = handle
        self._tasks: set[asyncio.Task[object]] = set()
        self._slot_freed = False

    @property
    def in_flight(self) -> int:
        return len(self._tasks)

    def _start(self, item: Item) -> None:
        task = asyncio.create_task(self._handle(item), name=f"{self.name}: {item!r:.80}")
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[object]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and (error := task.exception()) is not None:
            # Its lease runs out and the item is claimed again.
            log.error("%s: an item failed unexpectedly", self.name, exc_info=error)
        self._slot_freed = True
        self._event.set()

    def wake(self) -> None:
        self._slot_freed = False
        super().wake()

    async def run(self) -> None:
        try:
            while True:
                self._event.clear()
                self._slot_freed = False
                free = self.capacity - len(self._tasks)
                if free > 0:
                    try:
                        claimed = await self._claim(free)
                    except Exception:
                        log.exception("%s: claiming failed; trying again in %g s", self.name, self.poll_seconds)
                        await asyncio.sleep(self.poll_seconds)
                        continue
                    for item in claimed:
                        self._start(item)
                    if len(claimed) == free:
                        # Every slot taken: more may be due; claim again as soon as one frees.
                        continue
                await self._sleep()
                if self._slot_freed:
                    # Woken only because items finished: a moment more lets the others finishing now share one claim.
                    await asyncio.sleep(GATHER_SECONDS)
        finally:
            # Unfinished items keep their leases, which run out: another round (or worker) takes them over.
            for task in self._tasks:
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)


class Loop(_Waking):
    """Runs `job` until it reports nothing left (`again` false), then sleeps until woken or the poll."""

    def __init__(
        self,
        name: str,
        job: Callable[[], Awaitable[int]],
        *,
        poll_seconds: float,
        again: Callable[[int], bool] = lambda done: done > 0,
    ) -> None:
        super().__init__(poll_seconds)
        self.name = name
        self._job = job
        self._again = again

    async def run(self) -> None:
        while True:
            self._event.clear()
            try:
                done = await self._job()
            except Exception:
                log.exception("worker job %r failed; it runs again in %g s", self.name, self.poll_seconds)
                done = 0
            if done:
                log.info("%s: %d", self.name, done)
            if not self._again(done):
                await self._sleep()
