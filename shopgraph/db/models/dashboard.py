"""Merchant dashboard sign-ins: one row per signed-in browser, so that sign-out and key revocation end it everywhere."""

from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from shopgraph.db.models.base import Base
from shopgraph.ids import now_ms


class DashboardSession(Base):
    __tablename__ = "dashboard_sessions"

    # SHA-256 of the random id the cookie holds: a database dump yields no usable session.
    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    key_id: Mapped[str] = mapped_column(ForeignKey("api_keys.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[int] = mapped_column(BigInteger, default=now_ms)
    last_seen_at: Mapped[int] = mapped_column(BigInteger, default=now_ms)
