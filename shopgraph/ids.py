"""Opaque, time-ordered identifiers such as `prod_01jd3...`, and the random secrets the server mints."""

from __future__ import annotations

import base64
import secrets
import time

WEBHOOK_SECRET_PREFIX = "whsec_"
WEBHOOK_SECRET_BYTES = 32
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


def new_webhook_secret() -> str:
    """An endpoint's signing secret in the Standard Webhooks form: `whsec_` and 32 random bytes in base64."""
    return WEBHOOK_SECRET_PREFIX + base64.b64encode(secrets.token_bytes(WEBHOOK_SECRET_BYTES)).decode()
