"""Merchant webhooks as a library: signatures, where a webhook may go, one signed POST.

It knows no table and no job, and the domain does not import it: the worker sends with it. The check made when an
endpoint is saved is `shopgraph.outbound`; the secret it is signed with is minted by `shopgraph.ids`.
"""

from __future__ import annotations

from shopgraph.webhooks.sender import ClientsByHost, Outcome, Webhook, send
from shopgraph.webhooks.signing import body_signature, signature_headers, standard_signature
from shopgraph.webhooks.targets import UnsafeTarget, check_url, is_public_address, pinned_target

__all__ = [
    "ClientsByHost",
    "Outcome",
    "UnsafeTarget",
    "Webhook",
    "body_signature",
    "check_url",
    "is_public_address",
    "pinned_target",
    "send",
    "signature_headers",
    "standard_signature",
]
