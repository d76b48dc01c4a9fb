"""Merchant webhooks as a library: endpoint secrets and signatures, where a webhook may go, one signed POST.

It knows no table and no job: the domain checks an endpoint's URL with it, the worker sends with it.
"""

from __future__ import annotations

from shopgraph.webhooks.sender import ClientsByHost, Outcome, Webhook, send
from shopgraph.webhooks.signing import body_signature, new_secret, signature_headers, standard_signature
from shopgraph.webhooks.targets import UnsafeTarget, check_url, is_public_address, pinned_target

__all__ = [
    "ClientsByHost",
    "Outcome",
    "UnsafeTarget",
    "Webhook",
    "body_signature",
    "check_url",
    "is_public_address",
    "new_secret",
    "pinned_target",
    "send",
    "signature_headers",
    "standard_signature",
]
