"""Opaque, time-ordered identifiers such as `prod_01jd3...`."""

from __future__ import annotations

import secrets
import time

_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"


def _encode(value: int, length: int) -> str:
    chars = []
    for _ in range(length):
        value, digit = divmod(value, 32)
        chars.append(_ALPHABET[digit])
    return "".join(reversed(chars))


def new_id(prefix: str) -> str:
    stamp = _encode(time.time_ns() // 1_000_000, 10)
    return f"{prefix}_{stamp}{_encode(secrets.randbits(80), 16)}"


def now_ms() -> int:
    return time.time_ns() // 1_000_000
