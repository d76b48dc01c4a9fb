"""API keys: random tokens shown once, stored only as SHA-256 digests."""

from __future__ import annotations

import hashlib
import secrets

PUBLIC = "public"
SECRET = "secret"
_PREFIXES = {PUBLIC: "pk_", SECRET: "sk_"}


def generate_key(kind: str) -> str:
    return _PREFIXES[kind] + secrets.token_urlsafe(32)


def hash_key(key: str) -> str:
    # The keys carry 256 random bits, so a plain digest is enough: there is nothing to brute-force.
    return hashlib.sha256(key.encode()).hexdigest()


def looks_like_key(value: str) -> bool:
    return value.startswith(("pk_", "sk_")) and 10 <= len(value) <= 200
