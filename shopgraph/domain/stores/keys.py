"""API keys: random tokens shown once, stored only as SHA-256 digests."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.db.models import ApiKey, KeyKind
from shopgraph.ids import new_id

_PREFIXES = {KeyKind.PUBLIC: "pk_", KeyKind.SECRET: "sk_"}


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
        ApiKey(id=new_id("key"), project_id=project_id, kind=kind, key_hash=hash_key(key), display_prefix=key[:12])
        for kind, key in keys.items()
    )
    await session.flush()
    return keys[KeyKind.PUBLIC], keys[KeyKind.SECRET]
