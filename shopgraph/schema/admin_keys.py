"""A project's API keys in the admin schema: listed, created (the key shown once), revoked."""

from __future__ import annotations

from enum import Enum

import strawberry
from strawberry.types import Info

from shopgraph.db.models import ApiKey as ApiKeyRow
from shopgraph.domain.stores import keys
from shopgraph.errors import DomainError
from shopgraph.schema import described
from shopgraph.schema.payloads import UserError, errors_of, read, write


@strawberry.enum
class ApiKeyKind(Enum):
    PUBLIC = "public"
    SECRET = "secret"


@strawberry.type(description="a key's record; the key itself is shown only when it is created")
class ApiKey:
    row: strawberry.Private[ApiKeyRow]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.row.id)

    @strawberry.field
    def kind(self) -> ApiKeyKind:
        return ApiKeyKind(self.row.kind)

    @strawberry.field
    def label(self) -> str | None:
        return self.row.label

    @described.field(description="the first characters of the key, enough to recognise it and not to use it")
    def prefix(self) -> str:
        return self.row.display_prefix[:10]

    @described.field(description="milliseconds since the epoch")
    def created_at(self) -> float:
        return self.row.created_at

    @described.field(description="refreshed at most once a minute")
    def last_used_at(self) -> float | None:
        return self.row.last_used_at

    @described.field(description="when the key stops working; later than now while a grace period runs")
    def revoked_at(self) -> float | None:
        return self.row.revoked_at

    @described.field(description="milliseconds since the epoch; the key stops working then (null: never)")
    def expires_at(self) -> float | None:
        return self.row.expires_at


@strawberry.type
class ApiKeyCreatePayload:
    api_key: ApiKey | None
    key: str | None = strawberry.field(description="the whole key: shown in this answer only, never again")
    user_errors: list[UserError]

    @classmethod
    def of(cls, result: tuple[ApiKeyRow, str] | DomainError) -> ApiKeyCreatePayload:
        if isinstance(result, DomainError):
            return cls(api_key=None, key=None, user_errors=errors_of(result))
        row, key = result
        return cls(api_key=ApiKey(row=row), key=key, user_errors=[])


@strawberry.type
class ApiKeyRevokePayload:
    api_key: ApiKey | None
    user_errors: list[UserError]

    @classmethod
    def of(cls, result: ApiKeyRow | DomainError) -> ApiKeyRevokePayload:
        if isinstance(result, DomainError):
            return cls(api_key=None, user_errors=errors_of(result))
        return cls(api_key=ApiKey(row=result), user_errors=[])


@strawberry.type
class KeyAdminQuery:
    @described.field(description="every key of the project, revoked ones too, newest first")
    async def api_keys(self, info: Info) -> list[ApiKey]:
        return [ApiKey(row=row) for row in await read(info, keys.list_keys)]


@strawberry.type
class KeyAdminMutation:
    @described.mutation(
        description="a new key; the answer's `key` is the only time it is shown. With expiresInDays (1 to 3650) it "
        "stops working that many days from now"
    )
    async def api_key_create(
        self, info: Info, kind: ApiKeyKind, label: str | None = None, expires_in_days: int | None = None
    ) -> ApiKeyCreatePayload:
        result = await write(
            info,
            lambda session, project_id: keys.create_key(session, project_id, kind.value, label, expires_in_days),
        )
        return ApiKeyCreatePayload.of(result)

    @described.mutation(
        description="the key stops working after graceSeconds (at once by default); the last secret key cannot go"
    )
    async def api_key_revoke(self, info: Info, id: strawberry.ID, grace_seconds: int | None = 0) -> ApiKeyRevokePayload:
        result = await write(
            info,
            lambda session, project_id: keys.revoke_key(session, project_id, str(id), grace_seconds or 0),
        )
        return ApiKeyRevokePayload.of(result)
