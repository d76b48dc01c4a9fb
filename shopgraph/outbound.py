"""Where the server may send a request of its own: an http(s) URL, and never into its own networks unless allowed.

This is the check made when a URL is saved (its scheme, its host, no literal private address or `localhost`); it
resolves nothing. The webhook sender checks again, against every address the host resolves to, before each attempt.
"""

from __future__ import annotations

import ipaddress

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
