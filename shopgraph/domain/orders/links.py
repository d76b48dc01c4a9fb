"""Signed order links: a token that is the HMAC of an order id under the project's own secret, so a link opens one
order without an email and cannot be made for another."""

from __future__ import annotations

import hashlib
import hmac

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.db.models import Project


async def order_link_secret(session: AsyncSession, project_id: str) -> str | None:
    """The project's secret for signing order links."""
    return await session.scalar(select(Project.order_link_secret).where(Project.id == project_id))


def order_token(secret: str, order_id: str) -> str:
    return hmac.new(secret.encode(), order_id.encode(), hashlib.sha256).hexdigest()


def order_token_matches(secret: str, order_id: str, token: str | None) -> bool:
    """Compared in constant time; a missing or malformed token never matches."""
    if not token or len(token) > 128:
        return False
    return hmac.compare_digest(order_token(secret, order_id).encode(), token.encode("utf-8", "replace"))
