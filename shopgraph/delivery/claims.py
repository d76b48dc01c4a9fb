"""Claiming due webhook deliveries: which a worker sends next, fairly across endpoints, within their limits.

A claim sets a lease (`locked_until`) on what it takes; on PostgreSQL it skips rows another worker holds
(`FOR UPDATE SKIP LOCKED`), so several workers never send the same attempt, and the claims of all workers take
turns, so each counts the leases the others have committed. A worker that dies after its claim leaves deliveries
that become due again when the lease runs out.

The claim's statements are Core statements built once, with their values as bind parameters: this is the worker's
hottest read, and building and hashing a statement costs more than running it on SQLite.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Integer, Select, Table, bindparam, case, func, or_, select, union_all, update
from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.db.engine import Database
from shopgraph.db.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from shopgraph.db.statements import take_turns
from shopgraph.delivery.health import EndpointPolicy
from shopgraph.ids import now_ms
from shopgraph.webhooks.sender import Webhook

DELIVERY_BATCH = 100
ENDPOINT_CONCURRENCY = 10
DEFAULT_POLICY = EndpointPolicy()
DEFAULT_LEASE_MS = 60_000
# Any constant: the claims of every worker on a PostgreSQL database take turns on it.
CLAIM_TURN_KEY = 7_350_182_764_002
_DELIVERIES = cast(Table, WebhookDelivery.__table__)
_ENDPOINTS = cast(Table, WebhookEndpoint.__table__)


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


_MOMENT = bindparam("moment", type_=_DELIVERIES.c.next_attempt_at.type)
_CLAIMABLE = (
    _DELIVERIES.c.status == DeliveryStatus.PENDING,
    _DELIVERIES.c.next_attempt_at <= _MOMENT,
    or_(_DELIVERIES.c.locked_until.is_(None), _DELIVERIES.c.locked_until < _MOMENT),
)
_OPEN_ENDPOINT = (
    # A disabled endpoint's deliveries wait, and go out if it is enabled again.
    _ENDPOINTS.c.enabled.is_(True),
    or_(_ENDPOINTS.c.circuit_open_until.is_(None), _ENDPOINTS.c.circuit_open_until <= _MOMENT),
)


def _endpoints_with_room() -> Select[Any]:
    """The endpoints that have a claimable delivery and fewer leases than their limit, whose oldest claimable
    delivery is oldest first (at most `limit` of them), with the room each has. Two index lookups an endpoint."""
    leased = (
        select(func.count())
        .where(
            _DELIVERIES.c.endpoint_id == _ENDPOINTS.c.id,
            _DELIVERIES.c.locked_until >= _MOMENT,
            _DELIVERIES.c.status == DeliveryStatus.PENDING,
        )
        .correlate(_ENDPOINTS)
        .scalar_subquery()
    )
    oldest = (
        select(_DELIVERIES.c.next_attempt_at)
        .where(_DELIVERIES.c.endpoint_id == _ENDPOINTS.c.id, *_CLAIMABLE)
        .order_by(_DELIVERIES.c.next_attempt_at, _DELIVERIES.c.id)
        .limit(1)
        .correlate(_ENDPOINTS)
        .scalar_subquery()
    )
    cap = case(
        (_ENDPOINTS.c.consecutive_failures >= bindparam("circuit_failures", type_=Integer), 1),
        else_=bindparam("per_endpoint", type_=Integer),
    )
    endpoints = select(_ENDPOINTS.c.id, (cap - leased).label("room"), oldest.label("oldest")).where(*_OPEN_ENDPOINT)
    rooms = endpoints.subquery("endpoints")
    return (
        select(rooms.c.id, rooms.c.room)
        .where(rooms.c.oldest.is_not(None), rooms.c.room > 0)
        .order_by(rooms.c.oldest, rooms.c.id)
        .limit(bindparam("limit", type_=Integer))
    )


_ENDPOINTS_WITH_ROOM = _endpoints_with_room()
_OLDEST_OF_EACH: dict[int, Any] = {}


def _oldest_of_each(count: int) -> Any:
    """For `count` endpoints (`endpoint_N`, `room_N`), each one's oldest claimable deliveries, as many as it has room
    for, in one statement."""
    if (statement := _OLDEST_OF_EACH.get(count)) is None:
        parts = [
            select(_DELIVERIES.c.id, _DELIVERIES.c.endpoint_id, _DELIVERIES.c.next_attempt_at)
            .where(_DELIVERIES.c.endpoint_id == bindparam(f"endpoint_{n}"), *_CLAIMABLE)
            .order_by(_DELIVERIES.c.next_attempt_at, _DELIVERIES.c.id)
            .limit(bindparam(f"room_{n}", type_=Integer))
            # SQLite takes no LIMIT on a member of a UNION, only on a subquery.
            .subquery()
            for n in range(count)
        ]
        statement = _OLDEST_OF_EACH[count] = union_all(*(select(*part.c) for part in parts))
    return statement


# The conditions are checked again on the locked rows: a row another worker claimed and committed since the
# statements before read it no longer matches them.
_LOCK = (
    select(
        _DELIVERIES.c.id,
        _DELIVERIES.c.endpoint_id,
        _DELIVERIES.c.attempts,
        _DELIVERIES.c.event_id,
        _DELIVERIES.c.event_type,
        _DELIVERIES.c.body,
        _ENDPOINTS.c.url,
        _ENDPOINTS.c.secret,
        _ENDPOINTS.c.previous_secret,
        _ENDPOINTS.c.previous_secret_expires_at,
    )
    .join(_ENDPOINTS, _ENDPOINTS.c.id == _DELIVERIES.c.endpoint_id)
    .where(_DELIVERIES.c.id.in_(bindparam("ids", expanding=True)), *_CLAIMABLE, *_OPEN_ENDPOINT)
    .order_by(_DELIVERIES.c.next_attempt_at, _DELIVERIES.c.id)
    .with_for_update(skip_locked=True, of=_DELIVERIES)
)
_LEASE = (
    update(_DELIVERIES)
    .where(_DELIVERIES.c.id.in_(bindparam("ids", expanding=True)))
    .values(locked_until=bindparam("lease", type_=_DELIVERIES.c.locked_until.type))
)


async def claim_due_deliveries(
    database: Database,
    *,
    limit: int = DELIVERY_BATCH,
    per_endpoint: int = ENDPOINT_CONCURRENCY,
    lease_ms: int = DEFAULT_LEASE_MS,
    now: int | None = None,
    policy: EndpointPolicy = DEFAULT_POLICY,
) -> list[ClaimedDelivery]:
    """Up to `limit` due deliveries, in a transaction of their own; see `claim_in`."""
    if limit <= 0:
        return []
    async with database.write() as session:
        return await claim_in(session, limit, per_endpoint, lease_ms, now_ms() if now is None else now, policy)


async def claim_in(
    session: AsyncSession, limit: int, per_endpoint: int, lease_ms: int, moment: int, policy: EndpointPolicy
) -> list[ClaimedDelivery]:
    """Up to `limit` due deliveries, taken round-robin by endpoint: every endpoint's oldest first, then every
    endpoint's second, and so on, never more than `per_endpoint` of one endpoint leased at once (counting the leases
    other workers hold), so an endpoint with a backlog cannot take every slot. An endpoint whose circuit is open
    gets nothing, and one that has failed `circuit_failures` times in a row one delivery at a time (see `health`).

    The claim walks the enabled endpoints and, for those with room, the oldest few due deliveries of each, by
    index: its cost does not grow with the backlog (a disabled endpoint's kept events, a dead one's retries)."""
    await take_turns(session, CLAIM_TURN_KEY)
    connection = await session.connection()
    rooms = (
        await connection.execute(
            _ENDPOINTS_WITH_ROOM,
            {
                "moment": moment,
                "per_endpoint": per_endpoint,
                "circuit_failures": policy.circuit_failures,
                "limit": limit,
            },
        )
    ).all()
    if not rooms:
        return []
    values: dict[str, object] = {"moment": moment}
    for n, (endpoint_id, room) in enumerate(rooms):
        values[f"endpoint_{n}"] = endpoint_id
        values[f"room_{n}"] = min(room, limit)
    candidates = (await connection.execute(_oldest_of_each(len(rooms)), values)).all()
    chosen = _round_robin(candidates, limit)
    rows = (await connection.execute(_LOCK, {"ids": chosen, "moment": moment})).all() if chosen else []
    if not rows:
        return []
    lease = moment + lease_ms
    await connection.execute(_LEASE, {"ids": [row.id for row in rows], "lease": lease})
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


def _round_robin(candidates: Any, limit: int) -> list[str]:
    """Every endpoint's first, every endpoint's second, ..., up to `limit`."""
    places: dict[str, int] = {}
    ranked = []
    for delivery_id, endpoint_id, next_attempt_at in sorted(candidates, key=lambda row: (row[1], row[2], row[0])):
        place = places[endpoint_id] = places.get(endpoint_id, 0) + 1
        ranked.append((place, next_attempt_at, delivery_id))
    return [delivery_id for _, _, delivery_id in sorted(ranked)[:limit]]
