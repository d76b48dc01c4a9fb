"""Endpoint secrets and the signatures every delivery carries.

Two schemes side by side: `X-Webhook-Signature: sha256=<hex>` (HMAC-SHA256 of the raw body keyed with the secret
string as given) and the Standard Webhooks headers (`webhook-signature: v1,<base64>` over `{id}.{timestamp}.{body}`,
keyed with the base64-decoded part after `whsec_`). While a rotated-out secret is still valid, both schemes carry a
second signature made with it: comma-separated in `X-Webhook-Signature`, space-separated in `webhook-signature`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Sequence

from shopgraph.ids import WEBHOOK_SECRET_PREFIX


def body_signature(secret: str, body: bytes) -> str:
    """`sha256=<hex>`: the HMAC of the raw body, keyed with the whole secret string."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def standard_signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """`v1,<base64>` as Standard Webhooks defines it."""
    key = base64.b64decode(secret.removeprefix(WEBHOOK_SECRET_PREFIX))
    signed = f"{message_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def signature_headers(
    secrets_in_use: Sequence[str], *, event_id: str, event_type: str, timestamp: int, body: bytes
) -> dict[str, str]:
    """Every header of one attempt; `secrets_in_use` is the current secret, then a rotated-out one if still valid."""
    return {
        "Content-Type": "application/json",
        "X-Webhook-Event": event_type,
        "X-Webhook-Id": event_id,
        "X-Webhook-Timestamp": str(timestamp),
        "X-Webhook-Signature": ",".join(body_signature(secret, body) for secret in secrets_in_use),
        "webhook-id": event_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(
            standard_signature(secret, event_id, timestamp, body) for secret in secrets_in_use
        ),
    }
