"""Where a webhook may go: http(s) only, and never into the server's own networks unless that is allowed.

A URL is checked twice. When an endpoint is saved: its scheme, its host, and no literal private address or
`localhost`. Before every attempt: every address its host resolves to. The request then goes to the address that
was checked, with the name in the Host header and TLS SNI, so a DNS answer that changes in between (rebinding)
cannot send it elsewhere.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass, field
from typing import Any

import httpx

INVALID_URL = "INVALID_URL"
URL_NOT_ALLOWED = "URL_NOT_ALLOWED"
MAX_URL_LENGTH = 2000
SCHEMES = ("http", "https")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class UnsafeTarget(Exception):
    """The URL may not be called; `code` tells a malformed URL from a refused destination."""

    def __init__(self, message: str, code: str = URL_NOT_ALLOWED) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class Target:
    """What to connect to: the URL (its host replaced by the checked address when pinned) and what keeps the name."""

    url: httpx.URL
    headers: dict[str, str] = field(default_factory=dict)
    extensions: dict[str, Any] = field(default_factory=dict)


def is_public_address(address: IPAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


def _literal_address(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def check_url(url: object, *, allow_private: bool) -> httpx.URL:
    """The URL parsed, if its shape is acceptable; raises UnsafeTarget otherwise. Resolves nothing."""
    if not isinstance(url, str) or not url or len(url) > MAX_URL_LENGTH or any(c.isspace() or ord(c) < 32 for c in url):
        raise UnsafeTarget(f"url: an http(s) URL of at most {MAX_URL_LENGTH} characters", INVALID_URL)
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise UnsafeTarget(f"url: not a valid URL ({exc})", INVALID_URL) from exc
    if parsed.scheme not in SCHEMES or not parsed.host:
        raise UnsafeTarget("url: must start with http:// or https:// and name a host", INVALID_URL)
    if allow_private:
        return parsed
    host = parsed.host.rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        raise UnsafeTarget("url: localhost is not allowed as a webhook target")
    literal = _literal_address(host)
    if literal is not None and not is_public_address(literal):
        raise UnsafeTarget(f"url: {host} is a loopback, private or reserved address, not allowed as a webhook target")
    return parsed


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
