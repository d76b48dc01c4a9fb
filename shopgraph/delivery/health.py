"""Each webhook endpoint's health, kept with every recorded attempt: the circuit breaker and automatic disabling.

- Circuit breaker: after `circuit_failures` failed attempts in a row the endpoint gets no attempt for 10 s, then
  20 s, 40 s, ... up to 10 minutes after each further failure; once the pause is over it is tried one delivery at
  a time (the claim's per-endpoint limit drops to 1) until an attempt succeeds, which closes the circuit. So an
  endpoint that is timing out right now holds at most one slot, and only now and then.
- Disabling: an endpoint whose every attempt has failed for `disable_after_ms` (72 hours by default, like Stripe;
  never less than 24) and at least `disable_after_failures` times in a row is disabled, with the reason. That is
  written to the delivery log (an `endpoint.disabled` entry) and emailed to the store's `contact_email`. Its
  undelivered events are kept for when it is enabled again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import cast

from sqlalchemy import Table, bindparam, func, or_, update
from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.db.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from shopgraph.db.statements import changed_rows
from shopgraph.domain.events.outbox import Topic, enqueue
from shopgraph.domain.events.webhook_endpoints import ENDPOINT_DISABLED
from shopgraph.ids import new_id
from shopgraph.settings import Settings

CIRCUIT_BASE_MS = 10_000
CIRCUIT_MAX_MS = 600_000
HOUR_MS = 3_600_000
SUCCESS_REFRESH_MS = 1000
_ENDPOINTS = cast(Table, WebhookEndpoint.__table__)


@dataclass(frozen=True)
class EndpointPolicy:
    circuit_failures: int = 5
    disable_after_ms: int = 72 * HOUR_MS
    disable_after_failures: int = 20

    @classmethod
    def from_settings(cls, settings: Settings) -> EndpointPolicy:
        return cls(
            circuit_failures=settings.webhook_circuit_failures,
            disable_after_ms=int(settings.webhook_disable_after_hours * HOUR_MS),
            disable_after_failures=settings.webhook_disable_after_failures,
        )

    def pause_ms(self, failures: int) -> int | None:
        """How long the circuit stays open after the `failures`-th failure in a row; None: it stays closed."""
        if failures < self.circuit_failures:
            return None
        return int(min(CIRCUIT_BASE_MS * 2 ** min(failures - self.circuit_failures, 16), CIRCUIT_MAX_MS))

    def disables(self, failures: int, failing_since: int, now: int) -> bool:
        return failures >= self.disable_after_failures and now - failing_since >= self.disable_after_ms


def disabled_reason(failures: int, failing_since: int, now: int, last_error: str | None) -> str:
    hours = (now - failing_since) / HOUR_MS
    reason = f"disabled automatically: every attempt failed for {hours:.0f} hours ({failures} attempts in a row)"
    if last_error:
        reason += f"; the last: {last_error}"
    return reason[:500]


_SUCCESS = (
    update(_ENDPOINTS)
    .where(
        _ENDPOINTS.c.id == bindparam("endpoint_id"),
        # A healthy endpoint's row is written at most once a second, not by every delivery: on PostgreSQL the sends
        # of one endpoint would otherwise queue on its row lock to record their success.
        or_(
            _ENDPOINTS.c.consecutive_failures != 0,
            _ENDPOINTS.c.failing_since.is_not(None),
            _ENDPOINTS.c.circuit_open_until.is_not(None),
            _ENDPOINTS.c.last_success_at.is_(None),
            _ENDPOINTS.c.last_success_at < bindparam("fresh_after"),
        ),
    )
    .values(consecutive_failures=0, failing_since=None, circuit_open_until=None, last_success_at=bindparam("now"))
)


async def record_success(session: AsyncSession, endpoint_id: str, now: int) -> None:
    connection = await session.connection()
    await connection.execute(
        _SUCCESS, {"endpoint_id": endpoint_id, "fresh_after": now - SUCCESS_REFRESH_MS, "now": now}
    )


async def record_failure(
    session: AsyncSession, endpoint_id: str, now: int, error: str | None, policy: EndpointPolicy
) -> str | None:
    """Counts the failure, opens the circuit when it is due, and disables the endpoint when the policy says so;
    returns the reason when this call disabled it."""
    # The update takes the row's lock first, so attempts recorded side by side count one after another.
    row = (
        await session.execute(
            update(WebhookEndpoint)
            .where(WebhookEndpoint.id == endpoint_id)
            .values(
                consecutive_failures=WebhookEndpoint.consecutive_failures + 1,
                failing_since=func.coalesce(WebhookEndpoint.failing_since, now),
                last_failure_at=now,
            )
            .returning(
                WebhookEndpoint.consecutive_failures,
                WebhookEndpoint.failing_since,
                WebhookEndpoint.enabled,
                WebhookEndpoint.project_id,
                WebhookEndpoint.url,
            )
            .execution_options(synchronize_session=False)
        )
    ).one_or_none()
    if row is None:
        return None
    failures, failing_since = row.consecutive_failures, row.failing_since
    if (pause := policy.pause_ms(failures)) is not None:
        await session.execute(
            update(WebhookEndpoint)
            .where(WebhookEndpoint.id == endpoint_id)
            .values(circuit_open_until=now + pause)
            .execution_options(synchronize_session=False)
        )
    if not (row.enabled and policy.disables(failures, failing_since, now)):
        return None
    reason = disabled_reason(failures, failing_since, now, error)
    result = await session.execute(
        update(WebhookEndpoint)
        .where(WebhookEndpoint.id == endpoint_id, WebhookEndpoint.enabled.is_(True))
        .values(enabled=False, disabled_at=now, disabled_reason=reason, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if changed_rows(result) != 1:
        return None
    await _tell_the_merchant(session, row.project_id, endpoint_id, row.url, reason, now)
    return reason


async def _tell_the_merchant(
    session: AsyncSession, project_id: str, endpoint_id: str, url: str, reason: str, now: int
) -> None:
    notice = {"endpoint_id": endpoint_id, "url": url, "reason": reason, "disabled_at": now}
    # An entry in the endpoint's delivery log, never sent anywhere.
    session.add(
        WebhookDelivery(
            id=new_id("whd"),
            endpoint_id=endpoint_id,
            project_id=project_id,
            event_id=new_id("evt"),
            event_type=ENDPOINT_DISABLED,
            body=json.dumps(notice, separators=(",", ":")),
            status=DeliveryStatus.NOT_SENT,
            attempts=0,
            next_attempt_at=now,
            last_error=reason,
            created_at=now,
        )
    )
    await enqueue(session, project_id, Topic.ENDPOINT_DISABLED_EMAIL, notice)
