"""Which URLs a webhook may be sent to, checked on save (shape) and before each attempt (resolved addresses)."""

from __future__ import annotations

import ipaddress

import pytest

from shopgraph.webhooks import ClientsByHost, UnsafeTarget, check_url, is_public_address, pinned_target
from shopgraph.webhooks import targets as targets_module

REFUSED_ADDRESSES = [
    "127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0",
    "224.0.0.1", "240.0.0.1", "255.255.255.255", "::1", "::", "fe80::1", "fc00::1", "ff02::1", "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
]  # fmt: skip
PUBLIC_ADDRESSES = ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"]


@pytest.mark.parametrize("address", REFUSED_ADDRESSES)
def test_loopback_private_link_local_multicast_reserved_and_unspecified_addresses_are_not_public(address: str) -> None:
    assert not is_public_address(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", PUBLIC_ADDRESSES)
def test_public_addresses_are_public(address: str) -> None:
    assert is_public_address(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    "url",
    ["ftp://example.com/hook", "javascript:alert(1)", "file:///etc/passwd", "https://", "example.com/hook",
     "https://exa mple.com/", "", "https://example.com/" + "a" * 2000],
)  # fmt: skip
def test_only_http_and_https_urls_with_a_host_are_accepted(url: str) -> None:
    with pytest.raises(UnsafeTarget) as refused:
        check_url(url, allow_private=True)

    assert refused.value.code == "INVALID_URL"


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:8000/hook", "http://localhost/hook", "http://LOCALHOST./hook", "http://app.localhost/hook",
     "http://[::1]/hook", "http://169.254.169.254/latest/meta-data", "https://10.0.0.5/hook",
     "http://[::ffff:192.168.0.1]/hook"],
)  # fmt: skip
def test_literal_private_addresses_and_localhost_are_refused_unless_allowed(url: str) -> None:
    with pytest.raises(UnsafeTarget) as refused:
        check_url(url, allow_private=False)

    assert refused.value.code == "URL_NOT_ALLOWED"
    assert check_url(url, allow_private=True).host


def test_public_urls_are_accepted() -> None:
    assert str(check_url("https://hooks.example.com/shop?x=1", allow_private=False)) == (
        "https://hooks.example.com/shop?x=1"
    )


async def test_a_name_that_resolves_to_a_private_address_is_refused_before_connecting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given
    async def resolves_to_metadata_service(host: str, port: int) -> list[ipaddress.IPv4Address]:
        return [ipaddress.IPv4Address("93.184.216.34"), ipaddress.IPv4Address("169.254.169.254")]

    monkeypatch.setattr(targets_module, "resolve_addresses", resolves_to_metadata_service)

    # when / then
    with pytest.raises(UnsafeTarget, match=r"169\.254\.169\.254"):
        await pinned_target("https://hooks.example.com/shop", allow_private=False)


async def test_a_public_name_is_pinned_to_the_address_that_was_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    # given
    async def resolves_publicly(host: str, port: int) -> list[ipaddress.IPv4Address]:
        assert (host, port) == ("hooks.example.com", 8443)
        return [ipaddress.IPv4Address("93.184.216.34")]

    monkeypatch.setattr(targets_module, "resolve_addresses", resolves_publicly)

    # when
    target = await pinned_target("https://hooks.example.com:8443/shop?x=1", allow_private=False)

    # then
    assert str(target.url) == "https://93.184.216.34:8443/shop?x=1"
    assert target.headers == {"Host": "hooks.example.com:8443"}
    assert target.extensions == {"sni_hostname": "hooks.example.com"}


async def test_each_destination_host_gets_its_own_connections_even_when_two_hosts_share_an_address() -> None:
    # given: clients for one batch of attempts
    async with ClientsByHost(timeout=1.0) as clients:
        # when
        first = clients.for_url("https://a.example.com/hooks")
        again = clients.for_url("https://A.example.com/other")
        second = clients.for_url("https://b.example.com/hooks")

    # then
    assert first is again and first is not second
    assert first.is_closed and second.is_closed
