"""Webhook deliveries: the worker claims due deliveries, sends each once per claim, records every attempt, retries.

A claim sets a lease (`locked_until`) in its own short transaction; on PostgreSQL it skips rows another worker
holds (`FOR UPDATE SKIP LOCKED`), so several workers never send the same attempt. A worker that dies after its
claim leaves deliveries that become due again when the lease runs out. An attempt is recorded only by the worker
whose lease it is.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from sqlalchemy import Table, case, func, insert, or_, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.db.engine import Database
from shopgraph.db.models import DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from shopgraph.db.statements import changed_rows
from shopgraph.delivery import health
from shopgraph.delivery.health import EndpointPolicy
from shopgraph.delivery.outbox import next_delay_seconds
from shopgraph.ids import new_id, now_ms
from shopgraph.observe.metrics import WEBHOOK_DELIVERIES
from shopgraph.settings import Settings
from shopgraph.webhooks.sender import ClientsByHost, Outcome, Webhook, send

log = logging.getLogger("shopgraph.webhooks")

DELIVERY_BATCH = 100
ENDPOINT_CONCURRENCY = 10
DEFAULT_POLICY = EndpointPolicy()
DEFAULT_LEASE_MS = 60_000
MAX_ERROR_CHARS = 2000
_DELIVERIES = cast(Table, WebhookDelivery.__table__)
_ATTEMPTS = cast(Table, WebhookAttempt.__table__)
# A delivery's status after an attempt, as the metric's outcome label reads.
_OUTCOMES: dict[str, str] = {
    DeliveryStatus.DELIVERED: "delivered",
    DeliveryStatus.PENDING: "retry",
    DeliveryStatus.FAILED: "failed",
}


@dataclass(frozen=True)
class ClaimedDelivery:
    id: str
    endpoint_id: str
    attempts: int
    lease: int
    webhook: Webhook


def lease_for(timeout_seconds: float, lease_seconds: float = DEFAULT_LEASE_MS / 1000) -> int:
    """At least `lease_seconds`, and long enough for the slowest attempt of a batch, so a live worker never loses
    its lease mid-send."""
    return max(int(lease_seconds * 1000), int(timeout_seconds * 3000))


def _secrets_in_use(secret: str, previous: str | None, previous_expires_at: int | None, now: int) -> tuple[str, ...]:
    if previous and previous_expires_at is not None and previous_expires_at > now:
        return (secret, previous)
    return (secret,)


async def claim_due_deliveries(
    database: Database,
    *,
    limit: int = DELIVERY_BATCH,
    per_endpoint: int = ENDPOINT_CONCURRENCY,
    lease_ms: int = DEFAULT_LEASE_MS,
    now: int | None = None,
    policy: EndpointPolicy = DEFAULT_POLICY,
) -> list[ClaimedDelivery]:
    """Up to `limit` due deliveries, taken round-robin by endpoint: every endpoint's oldest first, then every
    endpoint's second, and so on, never more than `per_endpoint` of one endpoint leased at once (counting the leases
    other workers hold), so an endpoint with a backlog cannot take every slot. An endpoint whose circuit is open
    gets nothing, and one that has failed `circuit_failures` times in a row one delivery at a time (see `health`)."""
    if limit <= 0:
        return []
    moment = now_ms() if now is None else now
    lease = moment + lease_ms
    due = (
        WebhookDelivery.status == DeliveryStatus.PENDING,
        WebhookDelivery.next_attempt_at <= moment,
        or_(WebhookDelivery.locked_until.is_(None), WebhookDelivery.locked_until < moment),
        # A disabled endpoint's deliveries wait, and go out if it is enabled again.
        WebhookEndpoint.enabled.is_(True),
        or_(WebhookEndpoint.circuit_open_until.is_(None), WebhookEndpoint.circuit_open_until <= moment),
    )
    leased = (
        select(WebhookDelivery.endpoint_id, func.count().label("in_flight"))
        .where(WebhookDelivery.status == DeliveryStatus.PENDING, WebhookDelivery.locked_until >= moment)
        .group_by(WebhookDelivery.endpoint_id)
        .subquery("leased")
    )
    ranked = (
        select(
            WebhookDelivery.id,
            WebhookDelivery.endpoint_id,
            WebhookDelivery.next_attempt_at,
            case((WebhookEndpoint.consecutive_failures >= policy.circuit_failures, 1), else_=per_endpoint).label("cap"),
            func.row_number()
            .over(
                partition_by=WebhookDelivery.endpoint_id,
                order_by=(WebhookDelivery.next_attempt_at, WebhookDelivery.id),
            )
            .label("place"),
        )
        .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
        .where(*due)
        .subquery("ranked")
    )
    chosen = (
        select(ranked.c.id)
        .outerjoin(leased, leased.c.endpoint_id == ranked.c.endpoint_id)
        .where(ranked.c.place + func.coalesce(leased.c.in_flight, 0) <= ranked.c.cap)
        .order_by(ranked.c.place, ranked.c.next_attempt_at, ranked.c.id)
        .limit(limit)
    )
    async with database.write() as session:
        # The conditions are checked again on the locked rows: a row another worker claimed and committed since
        # this statement's snapshot no longer matches them.
        rows = (
            await session.execute(
                select(
                    WebhookDelivery.id,
                    WebhookDelivery.endpoint_id,
                    WebhookDelivery.attempts,
                    WebhookDelivery.event_id,
                    WebhookDelivery.event_type,
                    WebhookDelivery.body,
                    WebhookEndpoint.url,
                    WebhookEndpoint.secret,
                    WebhookEndpoint.previous_secret,
                    WebhookEndpoint.previous_secret_expires_at,
                )
                .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
                .where(WebhookDelivery.id.in_(chosen), *due)
                .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
                .with_for_update(skip_locked=True, of=WebhookDelivery)
            )
        ).all()
        if rows:
            await session.execute(
                update(WebhookDelivery)
                .where(WebhookDelivery.id.in_([row.id for row in rows]))
                .values(locked_until=lease)
                .execution_options(synchronize_session=False)
            )
    return [
        ClaimedDelivery(
            id=row.id,
            endpoint_id=row.endpoint_id,
            attempts=row.attempts,
            lease=lease,
            webhook=Webhook(
                url=row.url,
                event_id=row.event_id,
                event_type=row.event_type,
                body=row.body.encode(),
                secrets=_secrets_in_use(row.secret, row.previous_secret, row.previous_secret_expires_at, moment),
            ),
        )
        for row in rows
    ]


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
        statuses = {
            claimed.id: await _record_unsent(session, claimed, outcome, schedule, policy)
            for claimed, outcome in outcomes
            if not outcome.delivered
        }
        delivered = [(claimed, outcome) for claimed, outcome in outcomes if outcome.delivered]
        if delivered:
            await _record_delivered(session, delivered)
    return [statuses.get(claimed.id, DeliveryStatus.DELIVERED) for claimed, _ in outcomes]


async def _record_delivered(session: AsyncSession, delivered: Sequence[tuple[ClaimedDelivery, Outcome]]) -> None:
    """The sends the endpoints accepted: one UPDATE and one INSERT for all of them, each endpoint's health once.

    Core statements on the tables, since this is the worker's hottest write."""
    now = now_ms()
    held = set(
        (
            await session.execute(
                update(_DELIVERIES)
                .where(
                    tuple_(_DELIVERIES.c.id, _DELIVERIES.c.locked_until).in_([(c.id, c.lease) for c, _ in delivered])
                )
                .values(
                    attempts=_DELIVERIES.c.attempts + 1,
                    locked_until=None,
                    last_status_code=case({c.id: o.status_code for c, o in delivered}, value=_DELIVERIES.c.id),
                    last_error=None,
                    status=DeliveryStatus.DELIVERED,
                    delivered_at=now,
                )
                .returning(_DELIVERIES.c.id)
            )
        ).scalars()
    )
    recorded = [(claimed, outcome) for claimed, outcome in delivered if claimed.id in held]
    for claimed, _ in delivered:
        if claimed.id not in held:
            _lease_lost(claimed)
    if recorded:
        await session.execute(
            insert(_ATTEMPTS), [_attempt_row(claimed, outcome, now, None) for claimed, outcome in recorded]
        )
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


class AttemptRecorder:
    """Group commit for the sends of a running worker: while one transaction records attempts, those that finish
    meanwhile wait, and the next transaction records them all. Fewer, larger write transactions, and the same
    writes."""

    def __init__(self, database: Database, settings: Settings) -> None:
        self._database = database
        self._schedule = settings.retry_schedule_seconds
        self._policy = EndpointPolicy.from_settings(settings)
        self._waiting: list[tuple[ClaimedDelivery, Outcome, asyncio.Future[str]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def record(self, claimed: ClaimedDelivery, outcome: Outcome) -> str:
        recorded: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._waiting.append((claimed, outcome, recorded))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write(), name="webhook attempts: group commit")
        # A cancelled sender does not cancel the batch it is part of.
        return await asyncio.shield(recorded)

    async def _write(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting, []
            try:
                statuses = await record_attempts(
                    self._database, [(claimed, outcome) for claimed, outcome, _ in batch], self._schedule, self._policy
                )
            except Exception as error:
                # Nothing of the batch was written: its leases run out and its deliveries are claimed again.
                for _, _, recorded in batch:
                    if not recorded.done():
                        recorded.set_exception(error)
                continue
            for (_, _, recorded), status in zip(batch, statuses, strict=True):
                if not recorded.done():
                    recorded.set_result(status)


async def attempt(
    clients: ClientsByHost,
    database: Database,
    settings: Settings,
    claimed: ClaimedDelivery,
    recorder: AttemptRecorder | None = None,
) -> bool:
    """One send of a claimed delivery, recorded (with `recorder`, in its next group commit); never raises for what
    the endpoint does."""
    outcome = await send(
        clients.for_url(claimed.webhook.url),
        claimed.webhook,
        time_limit=settings.webhook_timeout_seconds,
        allow_private=settings.allow_private_webhook_targets,
    )
    if recorder is not None:
        status = await recorder.record(claimed, outcome)
    else:
        status = await record_attempt(
            database, claimed, outcome, settings.retry_schedule_seconds, EndpointPolicy.from_settings(settings)
        )
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
