"""Merchant webhooks in the admin schema: endpoints, their deliveries, a retry by hand.

The admin schema composes `WebhookAdminQuery` and `WebhookAdminMutation`. A secret is shown only in the payload of
the mutation that made it (creation, rotation), never on `WebhookEndpoint`.
"""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from shopgraph.db.models import DeliveryStatus
from shopgraph.db.models import WebhookAttempt as WebhookAttemptRow
from shopgraph.db.models import WebhookEndpoint as WebhookEndpointRow
from shopgraph.domain.events import webhook_deliveries, webhook_endpoints
from shopgraph.domain.events.webhook_deliveries import DeliveryPage, DeliveryRecord
from shopgraph.errors import DomainError, NotFound
from shopgraph.ids import now_ms
from shopgraph.schema import described
from shopgraph.schema.context import GraphQLContext
from shopgraph.schema.payloads import UserError, errors_of, read, write

strawberry.enum(DeliveryStatus, name="WebhookDeliveryStatus")


@strawberry.type
class WebhookEndpoint:
    row: strawberry.Private[WebhookEndpointRow]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.row.id)

    @strawberry.field
    def url(self) -> str:
        return self.row.url

    @strawberry.field
    def description(self) -> str:
        return self.row.description

    @described.field(description="event types it receives; empty: every event")
    def events(self) -> list[str]:
        return list(self.row.events)

    @strawberry.field
    def enabled(self) -> bool:
        return self.row.enabled

    @described.field(description="when it was disabled automatically, after every attempt had failed for long")
    def disabled_at(self) -> float | None:
        return self.row.disabled_at

    @described.field(description="why it was disabled automatically; enabling it again clears this")
    def disabled_reason(self) -> str | None:
        return self.row.disabled_reason

    @described.field(description="when an attempt last succeeded")
    def last_success_at(self) -> float | None:
        return self.row.last_success_at

    @described.field(description="failed attempts since the last success")
    def consecutive_failures(self) -> int:
        return self.row.consecutive_failures

    @described.field(description="since when every attempt has failed; null when the last succeeded")
    def failing_since(self) -> float | None:
        return self.row.failing_since

    @described.field(description="until when it gets no attempt, backed off after failures in a row")
    def backed_off_until(self) -> float | None:
        until = self.row.circuit_open_until
        return until if until is not None and until > now_ms() else None

    @described.field(description="until when the secret replaced by the last rotation still signs deliveries")
    def previous_secret_expires_at(self) -> float | None:
        expires = self.row.previous_secret_expires_at
        return expires if expires is not None and expires > now_ms() else None

    @strawberry.field
    def created_at(self) -> float:
        return self.row.created_at

    @strawberry.field
    def updated_at(self) -> float:
        return self.row.updated_at


@strawberry.type
class WebhookAttempt:
    row: strawberry.Private[WebhookAttemptRow]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.row.id)

    @strawberry.field
    def attempted_at(self) -> float:
        return self.row.attempted_at

    @strawberry.field
    def duration_ms(self) -> int:
        return self.row.duration_ms

    @strawberry.field
    def status_code(self) -> int | None:
        return self.row.status_code

    @described.field(description="the first kilobyte of the answer")
    def response_excerpt(self) -> str | None:
        return self.row.response_excerpt

    @strawberry.field
    def error(self) -> str | None:
        return self.row.error


@strawberry.type
class WebhookDelivery:
    record: strawberry.Private[DeliveryRecord]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.record.delivery.id)

    @strawberry.field
    def endpoint_id(self) -> strawberry.ID:
        return strawberry.ID(self.record.delivery.endpoint_id)

    @strawberry.field
    def event_id(self) -> str:
        return self.record.delivery.event_id

    @strawberry.field
    def event_type(self) -> str:
        return self.record.delivery.event_type

    @strawberry.field
    def status(self) -> DeliveryStatus:
        return DeliveryStatus(self.record.delivery.status)

    @described.field(description="the exact JSON body every attempt sends")
    def payload(self) -> str:
        return self.record.delivery.body

    @strawberry.field
    def attempt_count(self) -> int:
        return self.record.delivery.attempts

    @strawberry.field
    def attempts(self) -> list[WebhookAttempt]:
        return [WebhookAttempt(row=attempt) for attempt in self.record.attempts]

    @described.field(description="when the next attempt is due, while pending")
    def next_attempt_at(self) -> float | None:
        delivery = self.record.delivery
        return delivery.next_attempt_at if delivery.status == DeliveryStatus.PENDING else None

    @strawberry.field
    def last_status_code(self) -> int | None:
        return self.record.delivery.last_status_code

    @strawberry.field
    def last_error(self) -> str | None:
        return self.record.delivery.last_error

    @strawberry.field
    def created_at(self) -> float:
        return self.record.delivery.created_at

    @strawberry.field
    def delivered_at(self) -> float | None:
        return self.record.delivery.delivered_at


@strawberry.type
class WebhookDeliveryPage:
    items: list[WebhookDelivery]
    total: int
    page: int
    limit: int

    @classmethod
    def of(cls, page: DeliveryPage) -> WebhookDeliveryPage:
        return cls(
            items=[WebhookDelivery(record=record) for record in page.items],
            total=page.total,
            page=page.page,
            limit=page.limit,
        )


@strawberry.type
class WebhookEndpointPayload:
    endpoint: WebhookEndpoint | None
    secret: str | None = strawberry.field(description="the signing secret, only when just made: store it now")
    user_errors: list[UserError]

    @classmethod
    def of(cls, result: tuple[WebhookEndpointRow, str | None] | DomainError) -> WebhookEndpointPayload:
        if isinstance(result, DomainError):
            return cls(endpoint=None, secret=None, user_errors=errors_of(result))
        endpoint, secret = result
        return cls(endpoint=WebhookEndpoint(row=endpoint), secret=secret, user_errors=[])


@strawberry.type
class WebhookEndpointDeletePayload:
    deleted_id: strawberry.ID | None
    user_errors: list[UserError]

    @classmethod
    def of(cls, result: str | DomainError) -> WebhookEndpointDeletePayload:
        if isinstance(result, DomainError):
            return cls(deleted_id=None, user_errors=errors_of(result))
        return cls(deleted_id=strawberry.ID(result), user_errors=[])


@strawberry.type
class WebhookDeliveryRetryPayload:
    delivery: WebhookDelivery | None
    user_errors: list[UserError]

    @classmethod
    def of(cls, result: DeliveryRecord | DomainError) -> WebhookDeliveryRetryPayload:
        if isinstance(result, DomainError):
            return cls(delivery=None, user_errors=errors_of(result))
        return cls(delivery=WebhookDelivery(record=result), user_errors=[])


@strawberry.type
class WebhookAdminQuery:
    @strawberry.field
    async def webhook_endpoints(self, info: Info) -> list[WebhookEndpoint]:
        endpoints = await read(info, webhook_endpoints.list_endpoints)
        return [WebhookEndpoint(row=endpoint) for endpoint in endpoints]

    @described.field(description="newest first; null when endpointId names no endpoint of this store")
    async def webhook_deliveries(
        self,
        info: Info,
        endpoint_id: strawberry.ID | None = None,
        status: DeliveryStatus | None = None,
        page: int = 1,
        limit: int = 20,
    ) -> WebhookDeliveryPage | None:
        try:
            found = await read(
                info,
                lambda session, project_id: webhook_deliveries.list_deliveries(
                    session,
                    project_id,
                    endpoint_id=None if endpoint_id is None else str(endpoint_id),
                    status=None if status is None else status.value,
                    page=page,
                    limit=limit,
                ),
            )
        except NotFound:
            return None
        return WebhookDeliveryPage.of(found)


@strawberry.type
class WebhookAdminMutation:
    @described.mutation(description="returns the endpoint's signing secret, this once")
    async def webhook_endpoint_create(
        self, info: Info, url: str, events: list[str] | None = None, description: str | None = None
    ) -> WebhookEndpointPayload:
        context: GraphQLContext = info.context
        result = await write(
            info,
            lambda session, project_id: webhook_endpoints.create_endpoint(
                session,
                project_id,
                url=url,
                events=events or [],
                description=description,
                allow_private_targets=context.runtime.settings.allow_private_webhook_targets,
            ),
        )
        return WebhookEndpointPayload.of(result)

    @described.mutation(description="`rotateSecret` returns a new secret; the old one keeps signing for 24 hours")
    async def webhook_endpoint_update(
        self,
        info: Info,
        id: strawberry.ID,
        url: str | None = None,
        events: list[str] | None = None,
        description: str | None = None,
        enabled: bool | None = None,
        rotate_secret: bool = False,
    ) -> WebhookEndpointPayload:
        context: GraphQLContext = info.context
        result = await write(
            info,
            lambda session, project_id: webhook_endpoints.update_endpoint(
                session,
                project_id,
                str(id),
                url=url,
                events=events,
                description=description,
                enabled=enabled,
                rotate_secret=rotate_secret,
                allow_private_targets=context.runtime.settings.allow_private_webhook_targets,
            ),
        )
        return WebhookEndpointPayload.of(result)

    @strawberry.mutation
    async def webhook_endpoint_delete(self, info: Info, id: strawberry.ID) -> WebhookEndpointDeletePayload:
        result = await write(
            info, lambda session, project_id: webhook_endpoints.delete_endpoint(session, project_id, str(id))
        )
        return WebhookEndpointDeletePayload.of(result)

    @described.mutation(description="sends the delivery again now, with the same body (a delivered one too)")
    async def webhook_delivery_retry(self, info: Info, id: strawberry.ID) -> WebhookDeliveryRetryPayload:
        result = await write(
            info, lambda session, project_id: webhook_deliveries.retry_delivery(session, project_id, str(id))
        )
        return WebhookDeliveryRetryPayload.of(result)
