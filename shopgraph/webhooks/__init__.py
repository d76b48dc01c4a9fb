"""Merchant webhooks, outbound: endpoint secrets and signatures, target checks, fan-out and delivery."""

from __future__ import annotations

from shopgraph.webhooks.deliveries import ClaimedDelivery, claim_due_deliveries, deliver_due_webhooks, record_attempt
from shopgraph.webhooks.fanout import encode_body, fan_out_events, subscribes
from shopgraph.webhooks.sender import ClientsByHost, Outcome, Webhook, send
from shopgraph.webhooks.signing import body_signature, new_secret, signature_headers, standard_signature
from shopgraph.webhooks.targets import UnsafeTarget, check_url, is_public_address, pinned_target

__all__ = [
    "ClaimedDelivery",
    "ClientsByHost",
    "Outcome",
    "UnsafeTarget",
    "Webhook",
    "body_signature",
    "check_url",
    "claim_due_deliveries",
    "deliver_due_webhooks",
    "encode_body",
    "fan_out_events",
    "is_public_address",
    "new_secret",
    "pinned_target",
    "record_attempt",
    "send",
    "signature_headers",
    "standard_signature",
    "subscribes",
]
