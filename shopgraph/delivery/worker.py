"""The background worker: outbox deliveries (order emails, merchant webhooks) and periodic sweeps.

`run_forever` runs four lanes side by side (see `lanes`): emails, fan-out of merchant events, webhook deliveries
and the sweeps. None waits for another: a mail server taking seconds a message, or an endpoint timing out, holds
only its own slots. `run_once` does one pass of every job in turn and waits for it, for tests and one-off runs.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from shopgraph.db import notify
from shopgraph.db.engine import Database
from shopgraph.db.models import OutboxMessage
from shopgraph.delivery import sweeps
from shopgraph.delivery.claims import ClaimedDelivery
from shopgraph.delivery.emails import EMAIL_TOPICS, EmailOutcome, deliver_due_emails, send_email, settle_emails
from shopgraph.delivery.fanout import FAN_OUT_BATCH, fan_out_batch, fan_out_events
from shopgraph.delivery.lanes import Lane, Loop
from shopgraph.delivery.webhooks import deliver_due_webhooks, send_claimed, settle
from shopgraph.domain.events.outbox import CHANNEL, WEBHOOK_DELIVERIES_DUE, Topic
from shopgraph.settings import Settings
from shopgraph.webhooks.sender import ClientsByHost, Outcome

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
        poll = settings.worker_interval_seconds
        self._clients = ClientsByHost(settings.webhook_timeout_seconds)
        self.emails: Lane[OutboxMessage, EmailOutcome] = Lane(
            "emails",
            # The emails that finished are recorded in the transaction that claims their successors.
            claim=lambda free, finished: settle_emails(database, settings, finished, free),
            handle=lambda message: send_email(database, settings, message),
            # One SMTP server per process: the lane's slots are that server's limit.
            capacity=settings.smtp_concurrency,
            poll_seconds=poll,
        )
        self.webhooks: Lane[ClaimedDelivery, tuple[ClaimedDelivery, Outcome]] = Lane(
            "webhooks",
            # The sends that finished are recorded in the transaction that claims their successors.
            claim=lambda free, finished: settle(database, settings, finished, free),
            handle=lambda claimed: send_claimed(self._clients, settings, claimed),
            capacity=settings.webhook_concurrency,
            poll_seconds=poll,
        )
        self.fan_out = Loop(
            "webhook deliveries queued", self._fan_out_batch, poll_seconds=poll, again=lambda taken: taken > 0
        )
        self.sweeps = Loop("sweeps", self._sweep, poll_seconds=poll, again=lambda _: False)

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

    async def _fan_out_batch(self) -> int:
        """Events taken when the batch was full (more may wait), else 0; wakes the webhook lane for what it queued."""
        taken, queued = await fan_out_batch(self.database, limit=FAN_OUT_BATCH)
        if queued:
            self.webhooks.wake()
        return taken if taken == FAN_OUT_BATCH else 0

    async def _sweep(self) -> int:
        done = 0
        for name, job in (
            ("unpaid orders expired", self.expire_orders),
            ("stale carts removed", self.purge_carts),
            ("catalog changes trimmed", self.trim_catalog_log),
        ):
            try:
                count = await job()
            except Exception:
                log.exception("worker job %r failed; it runs again on the next round", name)
                continue
            if count:
                log.info("%s: %d", name, count)
            done += count
        return done

    def wake(self, topic: str = "") -> None:
        """New work has been committed (an outbox topic, or due webhook deliveries; "": anything may have been):
        the lanes that consume it look now, not at their next poll."""
        if topic in EMAIL_TOPICS or not topic:
            self.emails.wake()
        if topic == Topic.MERCHANT_EVENT or not topic:
            self.fan_out.wake()
        if topic == WEBHOOK_DELIVERIES_DUE or not topic:
            self.webhooks.wake()

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
        unsubscribe = notify.subscribe(CHANNEL, self.wake)
        try:
            async with self._clients, asyncio.TaskGroup() as lanes:
                for lane in (self.emails, self.fan_out, self.webhooks, self.sweeps):
                    lanes.create_task(lane.run(), name=f"worker lane: {lane.name}")
                if not self.database.is_sqlite:
                    # Commits in other processes (API processes, another worker) wake this one too.
                    listener = notify.Listener(self.database.engine, CHANNEL, self.wake)
                    lanes.create_task(listener.run(), name="worker: LISTEN")
        finally:
            unsubscribe()
