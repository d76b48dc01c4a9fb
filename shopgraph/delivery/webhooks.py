"""Webhook deliveries: the worker claims due deliveries (see `claims`), sends each once per claim, records every
attempt, retries.

An attempt is recorded only by the worker whose lease it is. The worker's lane records the sends that finished in
the transaction that claims their successors (`settle`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import cast

from sqlalchemy import Table, bindparam, insert, update
from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.db.engine import Database
from shopgraph.db.models import DeliveryStatus, WebhookAttempt, WebhookDelivery
from shopgraph.db.statements import changed_rows
from shopgraph.delivery import health
from shopgraph.delivery.claims import ClaimedDelivery, claim_due_deliveries, claim_in, lease_for
from shopgraph.delivery.health import EndpointPolicy
from shopgraph.delivery.outbox import next_delay_seconds
from shopgraph.ids import new_id, now_ms
from shopgraph.observe.metrics import WEBHOOK_DELIVERIES
from shopgraph.settings import Settings
from shopgraph.webhooks.sender import ClientsByHost, Outcome, send

log = logging.getLogger("shopgraph.webhooks")

MAX_ERROR_CHARS = 2000
DEFAULT_POLICY = EndpointPolicy()
_DELIVERIES = cast(Table, WebhookDelivery.__table__)
_ATTEMPTS = cast(Table, WebhookAttempt.__table__)
# A delivery's status after an attempt, as the metric's outcome label reads.
_OUTCOMES: dict[str, str] = {
    DeliveryStatus.DELIVERED: "delivered",
    DeliveryStatus.PENDING: "retry",
    DeliveryStatus.FAILED: "failed",
}


async def _record_unsent(
    session: AsyncSession, claimed: ClaimedDelivery, outcome: Outcome, schedule: Sequence[int], policy: EndpointPolicy
) -> str:
    """An attempt the endpoint did not accept: retried on the schedule, or failed at its end."""
    now = now_ms()
    attempts = claimed.attempts + 1
    error = outcome.error[:MAX_ERROR_CHARS] if outcome.error else None
    values: dict[str, object] = {
        "attempts": WebhookDelivery.attempts + 1,
        "locked_until": None,
        "last_status_code": outcome.status_code,
        "last_error": error,
    }
    if (delay := next_delay_seconds(attempts, schedule)) is None:
        values.update(status=DeliveryStatus.FAILED)
    else:
        values.update(status=DeliveryStatus.PENDING, next_attempt_at=now + int(delay * 1000))
    result = await session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.id == claimed.id, WebhookDelivery.locked_until == claimed.lease)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if changed_rows(result) != 1:
        _lease_lost(claimed)
        return str(values["status"])
    await session.execute(insert(_ATTEMPTS), [_attempt_row(claimed, outcome, now, error)])
    if reason := await health.record_failure(session, claimed.endpoint_id, now, error, policy):
        log.warning("webhook endpoint %s %s", claimed.endpoint_id, reason)
    return str(values["status"])


async def record_attempts(
    database: Database,
    outcomes: Sequence[tuple[ClaimedDelivery, Outcome]],
    schedule: Sequence[int],
    policy: EndpointPolicy = DEFAULT_POLICY,
) -> list[str]:
    """Writes each attempt and moves its delivery on, if this worker still holds it, all in one transaction;
    returns the new statuses."""
    async with database.write() as session:
        return await _record(session, outcomes, schedule, policy)


async def _record(
    session: AsyncSession,
    outcomes: Sequence[tuple[ClaimedDelivery, Outcome]],
    schedule: Sequence[int],
    policy: EndpointPolicy,
) -> list[str]:
    statuses = {
        claimed.id: await _record_unsent(session, claimed, outcome, schedule, policy)
        for claimed, outcome in outcomes
        if not outcome.delivered
    }
    delivered = [(claimed, outcome) for claimed, outcome in outcomes if outcome.delivered]
    if delivered:
        await _record_delivered(session, delivered)
    return [statuses.get(claimed.id, DeliveryStatus.DELIVERED) for claimed, _ in outcomes]


_DELIVERED = (
    update(_DELIVERIES)
    .where(_DELIVERIES.c.id.in_(bindparam("ids", expanding=True)), _DELIVERIES.c.locked_until == bindparam("lease"))
    .values(
        attempts=_DELIVERIES.c.attempts + 1,
        locked_until=None,
        last_status_code=bindparam("status_code"),
        last_error=None,
        status=DeliveryStatus.DELIVERED,
        delivered_at=bindparam("now"),
    )
    .returning(_DELIVERIES.c.id)
)
_ATTEMPT = insert(_ATTEMPTS)


async def _record_delivered(session: AsyncSession, delivered: Sequence[tuple[ClaimedDelivery, Outcome]]) -> None:
    """The sends the endpoints accepted: one UPDATE for each claim and status code among them (usually one), one
    INSERT for all of them, each endpoint's health once.

    Core statements built once, since this is the worker's hottest write."""
    now = now_ms()
    connection = await session.connection()
    alike: dict[tuple[int, int | None], list[str]] = {}
    for claimed, outcome in delivered:
        alike.setdefault((claimed.lease, outcome.status_code), []).append(claimed.id)
    held: set[str] = set()
    for (lease, status_code), ids in alike.items():
        result = await connection.execute(
            _DELIVERED, {"ids": ids, "lease": lease, "status_code": status_code, "now": now}
        )
        held.update(result.scalars())
    recorded = [(claimed, outcome) for claimed, outcome in delivered if claimed.id in held]
    for claimed, _ in delivered:
        if claimed.id not in held:
            _lease_lost(claimed)
    if recorded:
        await connection.execute(_ATTEMPT, [_attempt_row(claimed, outcome, now, None) for claimed, outcome in recorded])
    for endpoint_id in sorted({claimed.endpoint_id for claimed, _ in recorded}):
        await health.record_success(session, endpoint_id, now)


def _attempt_row(claimed: ClaimedDelivery, outcome: Outcome, now: int, error: str | None) -> dict[str, object]:
    return {
        "id": new_id("wha"),
        "delivery_id": claimed.id,
        "attempted_at": now - outcome.duration_ms,
        "duration_ms": outcome.duration_ms,
        "status_code": outcome.status_code,
        "response_excerpt": outcome.response_excerpt,
        "error": error,
    }


def _lease_lost(claimed: ClaimedDelivery) -> None:
    log.warning("webhook delivery %s: deleted, or its lease lost, before the attempt was recorded", claimed.id)


async def record_attempt(
    database: Database,
    claimed: ClaimedDelivery,
    outcome: Outcome,
    schedule: Sequence[int],
    policy: EndpointPolicy = DEFAULT_POLICY,
) -> str:
    """Writes the attempt and moves the delivery on, if this worker still holds it; returns the new status."""
    return (await record_attempts(database, [(claimed, outcome)], schedule, policy))[0]


async def send_claimed(
    clients: ClientsByHost, settings: Settings, claimed: ClaimedDelivery
) -> tuple[ClaimedDelivery, Outcome]:
    """One send of a claimed delivery, not yet recorded; never raises for what the endpoint does."""
    outcome = await send(
        clients.for_url(claimed.webhook.url),
        claimed.webhook,
        time_limit=settings.webhook_timeout_seconds,
        allow_private=settings.allow_private_webhook_targets,
    )
    return claimed, outcome


async def settle(
    database: Database, settings: Settings, finished: Sequence[tuple[ClaimedDelivery, Outcome]], free: int
) -> list[ClaimedDelivery]:
    """The webhook lane's round: records the sends that finished and claims up to `free` more, in one transaction.
    Their leases are cleared before the claim counts leases, so a finished send's slot is taken again at once."""
    schedule = settings.retry_schedule_seconds
    policy = EndpointPolicy.from_settings(settings)
    async with database.write() as session:
        statuses = await _record(session, finished, schedule, policy) if finished else []
        claimed = (
            await claim_in(
                session, free, settings.webhook_endpoint_concurrency, delivery_lease_ms(settings), now_ms(), policy
            )
            if free > 0
            else []
        )
    for (delivery, outcome), status in zip(finished, statuses, strict=True):
        _report(delivery, outcome, status)
    return claimed


def _report(claimed: ClaimedDelivery, outcome: Outcome, status: str) -> None:
    WEBHOOK_DELIVERIES.labels(_OUTCOMES.get(status, status)).inc()
    if outcome.error:
        log.info(
            "webhook %s of event %s, attempt %d: %s (%s)",
            claimed.id,
            claimed.webhook.event_id,
            claimed.attempts + 1,
            outcome.error,
            status,
        )


async def attempt(clients: ClientsByHost, database: Database, settings: Settings, claimed: ClaimedDelivery) -> bool:
    """One send of a claimed delivery, recorded in a transaction of its own; never raises for what the endpoint
    does."""
    _, outcome = await send_claimed(clients, settings, claimed)
    status = await record_attempt(
        database, claimed, outcome, settings.retry_schedule_seconds, EndpointPolicy.from_settings(settings)
    )
    _report(claimed, outcome, status)
    return outcome.delivered


def delivery_lease_ms(settings: Settings) -> int:
    return lease_for(settings.webhook_timeout_seconds, settings.worker_lease_seconds)


async def claim_for(database: Database, settings: Settings, limit: int) -> list[ClaimedDelivery]:
    return await claim_due_deliveries(
        database,
        limit=limit,
        per_endpoint=settings.webhook_endpoint_concurrency,
        lease_ms=delivery_lease_ms(settings),
        policy=EndpointPolicy.from_settings(settings),
    )


async def deliver_due_webhooks(database: Database, settings: Settings) -> int:
    """One pass: claims what is due (fairly, within the concurrency limits), sends it side by side, and waits for
    every send; returns how many were delivered. The worker's webhook lane does not wait like this."""
    claimed = await claim_for(database, settings, settings.webhook_concurrency)
    if not claimed:
        return 0
    async with ClientsByHost(settings.webhook_timeout_seconds) as clients:
        results = await asyncio.gather(
            *(attempt(clients, database, settings, item) for item in claimed), return_exceptions=True
        )
    for item, result in zip(claimed, results, strict=True):
        if isinstance(result, BaseException):
            # Its lease runs out and the delivery is claimed again.
            log.error("webhook delivery %s failed unexpectedly", item.id, exc_info=result)
    return sum(result is True for result in results)
