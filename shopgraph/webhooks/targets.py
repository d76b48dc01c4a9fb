"""Where a webhook may go: the URL checked when saved (shopgraph.outbound), and before every attempt.

Before every attempt, every address its host resolves to is checked. The request then goes to the address that was
checked, with the name in the Host header and TLS SNI, so a DNS answer that changes in between (rebinding) cannot
send it elsewhere.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass, field
from typing import Any

import httpx

from shopgraph.outbound import IPAddress, UnsafeTarget, check_url, is_public_address

__all__ = ["Target", "UnsafeTarget", "check_url", "is_public_address", "pinned_target", "resolve_addresses"]


@dataclass(frozen=True)
class Target:
    """What to connect to: the URL (its host replaced by the checked address when pinned) and what keeps the name."""

    url: httpx.URL
    headers: dict[str, str] = field(default_factory=dict)
    extensions: dict[str, Any] = field(default_factory=dict)


async def resolve_addresses(host: str, port: int) -> list[IPAddress]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [ipaddress.ip_address(info[4][0]) for info in infos]


async def pinned_target(url: str, *, allow_private: bool) -> Target:
    """The target of one attempt. Raises UnsafeTarget, or OSError when the host does not resolve."""
    parsed = check_url(url, allow_private=allow_private)
    if allow_private:
        return Target(parsed)
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    addresses = await resolve_addresses(parsed.host, port)
    refused = [str(address) for address in addresses if not is_public_address(address)]
    if refused or not addresses:
        raise UnsafeTarget(
            f"{parsed.host} resolves to {', '.join(refused) or 'no address'}: loopback, private or reserved "
            "addresses are refused (SHOPGRAPH_ALLOW_PRIVATE_WEBHOOK_TARGETS=1 allows them)"
        )
    return Target(
        url=parsed.copy_with(host=str(addresses[0])),
        headers={"Host": parsed.netloc.decode("ascii")},
        extensions={"sni_hostname": parsed.host},
    )
