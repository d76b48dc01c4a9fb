"""The background worker: outbox deliveries (order emails, merchant webhooks) and periodic sweeps."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from shopgraph.db.engine import Database
from shopgraph.delivery import sweeps
from shopgraph.delivery.emails import deliver_due_emails
from shopgraph.delivery.fanout import fan_out_events
from shopgraph.delivery.webhooks import deliver_due_webhooks
from shopgraph.settings import Settings

log = logging.getLogger("shopgraph.worker")

Job = Callable[[], Awaitable[int]]


class Worker:
    def __init__(self, settings: Settings, database: Database) -> None:
        self.settings = settings
        self.database = database
        self.jobs: dict[str, Job] = {
            "emails sent": self.send_emails,
            # Fan-out first, so an event's deliveries go out in the same round.
            "webhook deliveries queued": self.fan_out_webhooks,
            "webhooks delivered": self.deliver_webhooks,
            "unpaid orders expired": self.expire_orders,
            "stale carts removed": self.purge_carts,
            "catalog changes trimmed": self.trim_catalog_log,
        }

    async def send_emails(self) -> int:
        return await deliver_due_emails(self.database, self.settings)

    async def fan_out_webhooks(self) -> int:
        return await fan_out_events(self.database)

    async def deliver_webhooks(self) -> int:
        return await deliver_due_webhooks(self.database, self.settings)

    async def expire_orders(self) -> int:
        return await sweeps.expire_orders(self.database)

    async def purge_carts(self) -> int:
        return await sweeps.purge_carts(self.database, self.settings)

    async def trim_catalog_log(self) -> int:
        return await sweeps.trim_catalog_log(self.database)

    async def run_once(self) -> dict[str, int]:
        done: dict[str, int] = {}
        for name, job in self.jobs.items():
            try:
                done[name] = await job()
            except Exception:
                log.exception("worker job %r failed; it runs again on the next round", name)
        for name, count in done.items():
            if count:
                log.info("%s: %d", name, count)
        return done

    async def run_forever(self) -> None:
        while True:
            await self.run_once()
            await asyncio.sleep(self.settings.worker_interval_seconds)
