"""API keys: random tokens shown once, stored only as SHA-256 digests.

A project's keys over their life: listed, created (shown once), revoked at once or after a grace period.

A project keeps at least one working secret key: revoking the last one is refused, and two revocations racing for
the last two keys cannot both pass, since each takes the project row first (a lock on PostgreSQL; SQLite runs one
write transaction at a time).
"""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.db.models import ApiKey, KeyKind, Project
from shopgraph.db.statements import changed_rows
from shopgraph.domain.stores.error_codes import StoreErrorCode
from shopgraph.errors import Conflict, InvalidInput, NotFound
from shopgraph.ids import new_id, now_ms

_PREFIXES = {KeyKind.PUBLIC: "pk_", KeyKind.SECRET: "sk_"}
MAX_LABEL = 100
MAX_GRACE_SECONDS = 30 * 24 * 60 * 60
MAX_EXPIRY_DAYS = 3650
DAY_MS = 24 * 60 * 60 * 1000
PREFIX_LENGTH = 10  # what a key list shows of each key: its kind and a few characters, never enough to use


def generate_key(kind: KeyKind) -> str:
    return _PREFIXES[kind] + secrets.token_urlsafe(32)


def hash_key(key: str) -> str:
    # The keys carry 256 random bits, so a plain digest is enough: there is nothing to brute-force.
    return hashlib.sha256(key.encode()).hexdigest()


def looks_like_key(value: str) -> bool:
    return value.startswith(("pk_", "sk_")) and 10 <= len(value) <= 200


async def issue_keys(session: AsyncSession, project_id: str) -> tuple[str, str]:
    """A fresh public/secret key pair for a project; earlier keys stay valid."""
    keys = {kind: generate_key(kind) for kind in KeyKind}
    session.add_all(
        ApiKey(
            id=new_id("key"),
            project_id=project_id,
            kind=kind,
            key_hash=hash_key(key),
            display_prefix=key[:PREFIX_LENGTH],
        )
        for kind, key in keys.items()
    )
    await session.flush()
    return keys[KeyKind.PUBLIC], keys[KeyKind.SECRET]


def is_live(revoked_at: int | None, expires_at: int | None, now: int) -> bool:
    """A key works until its revocation time (later than now while a grace period runs) and its expiry."""
    return (revoked_at is None or revoked_at > now) and (expires_at is None or expires_at > now)


def _kind(kind: object) -> KeyKind:
    try:
        return KeyKind(str(kind).lower())
    except ValueError:
        raise InvalidInput("kind: public or secret", code=StoreErrorCode.INVALID_KEY_KIND, field="kind") from None


def _label(label: object) -> str | None:
    if label is None:
        return None
    if not isinstance(label, str) or len(label.strip()) > MAX_LABEL or any(ord(c) < 32 for c in label):
        raise InvalidInput(
            f"label: text of at most {MAX_LABEL} characters", code=StoreErrorCode.INVALID_LABEL, field="label"
        )
    return label.strip() or None


def _grace(seconds: object) -> int:
    if isinstance(seconds, bool) or not isinstance(seconds, int) or not 0 <= seconds <= MAX_GRACE_SECONDS:
        raise InvalidInput(
            f"graceSeconds: a whole number of seconds from 0 to {MAX_GRACE_SECONDS} (30 days)",
            code=StoreErrorCode.INVALID_GRACE_PERIOD,
            field="graceSeconds",
        )
    return seconds


def _expiry_days(days: object) -> int | None:
    if days is None:
        return None
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_EXPIRY_DAYS:
        raise InvalidInput(
            f"expiresInDays: a whole number of days from 1 to {MAX_EXPIRY_DAYS}",
            code=StoreErrorCode.INVALID_EXPIRY,
            field="expiresInDays",
        )
    return days


async def list_keys(session: AsyncSession, project_id: str) -> list[ApiKey]:
    """Every key of the project, revoked ones too, newest first."""
    rows = await session.scalars(
        select(ApiKey).where(ApiKey.project_id == project_id).order_by(ApiKey.created_at.desc(), ApiKey.id.desc())
    )
    return list(rows.all())


async def create_key(
    session: AsyncSession, project_id: str, kind: object, label: object = None, expires_in_days: object = None
) -> tuple[ApiKey, str]:
    """The new key's row and the key itself, which is never stored and so can be shown only now. With
    `expires_in_days` the key stops working that many days from now."""
    key_kind, key_label, days = _kind(kind), _label(label), _expiry_days(expires_in_days)
    key = generate_key(key_kind)
    now = now_ms()
    row = ApiKey(
        id=new_id("key"),
        project_id=project_id,
        kind=key_kind,
        label=key_label,
        key_hash=hash_key(key),
        display_prefix=key[:PREFIX_LENGTH],
        created_at=now,
        expires_at=None if days is None else now + days * DAY_MS,
    )
    session.add(row)
    await session.flush()
    return row, key


async def revoke_key(session: AsyncSession, project_id: str, key_id: str, grace_seconds: object = 0) -> ApiKey:
    grace = _grace(grace_seconds)
    await session.execute(select(Project.id).where(Project.id == project_id).with_for_update())
    key = await session.scalar(select(ApiKey).where(ApiKey.id == key_id, ApiKey.project_id == project_id))
    if key is None:
        raise NotFound("no key with this id in this project", code=StoreErrorCode.KEY_NOT_FOUND, field="id")
    now = now_ms()
    if key.revoked_at is not None:
        raise Conflict("this key is already revoked", code=StoreErrorCode.KEY_REVOKED, field="id")
    if key.kind == KeyKind.SECRET:
        others = await session.scalar(
            select(func.count())
            .select_from(ApiKey)
            .where(
                ApiKey.project_id == project_id,
                ApiKey.kind == KeyKind.SECRET,
                ApiKey.id != key.id,
                ApiKey.revoked_at.is_(None),
                or_(ApiKey.expires_at.is_(None), ApiKey.expires_at > now),
            )
        )
        if not others:
            raise Conflict(
                "this is the project's last working secret key: create another before revoking it",
                code=StoreErrorCode.LAST_SECRET_KEY,
                field="id",
            )
    result = await session.execute(
        update(ApiKey)
        .where(ApiKey.id == key.id, ApiKey.revoked_at.is_(None))
        .values(revoked_at=now + grace * 1000)
        .execution_options(synchronize_session=False)
    )
    if not changed_rows(result):
        raise Conflict("this key is already revoked", code=StoreErrorCode.KEY_REVOKED, field="id")
    await session.refresh(key)
    return key
