"""Dashboard sign-ins: a secret key opens a server-side session; the browser holds only its random id.

A session lives while its key does: it ends at sign-out, after 12 hours idle, or when its key is revoked or
expires (the check joins the key row on every request, so every process sees a revocation at once).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.db.models import ApiKey, DashboardSession, KeyKind, Project
from shopgraph.domain.stores.keys import hash_key, looks_like_key
from shopgraph.errors import Unauthorized
from shopgraph.ids import now_ms

IDLE_MS = 12 * 60 * 60 * 1000
# The idle clock is moved on at most once a minute, not on every page.
TOUCH_AFTER_MS = 60 * 1000
NOT_VALID = "this secret key is not valid"


@dataclass(frozen=True)
class SignedIn:
    project_id: str
    slug: str
    key_id: str
    csrf_token: str


@dataclass(frozen=True)
class NewSession:
    cookie_id: str
    signed_in: SignedIn


def _digest(cookie_id: str) -> str:
    return hashlib.sha256(cookie_id.encode()).hexdigest()


def _live_key(now: int) -> object:
    # A key revoked with a grace period keeps working until its revocation time; none works past its expiry.
    return and_(
        or_(ApiKey.revoked_at.is_(None), ApiKey.revoked_at > now),
        or_(ApiKey.expires_at.is_(None), ApiKey.expires_at > now),
    )


async def sign_in(session: AsyncSession, key: str) -> NewSession:
    """A session for a project's live secret key; any other key is refused with one message."""
    key = key.strip()
    if not looks_like_key(key):
        raise Unauthorized(NOT_VALID, field="secret_key")
    now = now_ms()
    row = (
        await session.execute(
            select(ApiKey.id, ApiKey.kind, Project.id, Project.slug)
            .join(Project, Project.id == ApiKey.project_id)
            .where(ApiKey.key_hash == hash_key(key), _live_key(now))  # type: ignore[arg-type]
        )
    ).first()
    if row is None or row[1] != KeyKind.SECRET:
        raise Unauthorized(NOT_VALID, field="secret_key")
    key_id, _kind, project_id, slug = row
    cookie_id = secrets.token_urlsafe(32)
    csrf_token = secrets.token_urlsafe(32)
    session.add(
        DashboardSession(
            id_hash=_digest(cookie_id),
            project_id=project_id,
            key_id=key_id,
            csrf_token=csrf_token,
            created_at=now,
            last_seen_at=now,
        )
    )
    await session.flush()
    return NewSession(cookie_id, SignedIn(project_id, slug, key_id, csrf_token))


async def signed_in(session: AsyncSession, cookie_id: str | None) -> SignedIn | None:
    """The session a cookie names, if it is live; its idle clock is moved on (at most once a minute)."""
    if not cookie_id or len(cookie_id) > 200:
        return None
    now = now_ms()
    row = (
        await session.execute(
            select(DashboardSession, Project.slug)
            .join(ApiKey, ApiKey.id == DashboardSession.key_id)
            .join(Project, Project.id == DashboardSession.project_id)
            .where(
                DashboardSession.id_hash == _digest(cookie_id),
                DashboardSession.last_seen_at > now - IDLE_MS,
                _live_key(now),  # type: ignore[arg-type]
            )
        )
    ).first()
    if row is None:
        return None
    found, slug = row
    if now - found.last_seen_at > TOUCH_AFTER_MS:
        await session.execute(
            update(DashboardSession)
            .where(DashboardSession.id_hash == found.id_hash)
            .values(last_seen_at=now)
            .execution_options(synchronize_session=False)
        )
    return SignedIn(found.project_id, slug, found.key_id, found.csrf_token)


async def sign_out(session: AsyncSession, cookie_id: str | None) -> None:
    if cookie_id:
        await session.execute(delete(DashboardSession).where(DashboardSession.id_hash == _digest(cookie_id)))


async def end_sessions_of_key(session: AsyncSession, key_id: str) -> int:
    """Removes the sessions a key opened (their check already refuses them once the key is revoked)."""
    result = await session.execute(delete(DashboardSession).where(DashboardSession.key_id == key_id))
    return int(getattr(result, "rowcount", 0) or 0)
