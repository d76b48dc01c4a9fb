"""A CORS preflight follows the `cors_origins` of the project its path or host names."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette

from shopgraph.app import create_app
from shopgraph.domain.stores.settings import update_store_settings
from shopgraph.runtime import Runtime
from shopgraph.settings import Settings
from tests.support.databases import encryption_keys_for
from tests.support.factories import make_store

ALLOWED, OTHER = "https://shop.example.com", "https://evil.example"


def preflight_headers(origin: str, host: str = "testserver") -> dict[str, str]:
    return {"Origin": origin, "Access-Control-Request-Method": "POST", "Host": host}


@pytest.fixture
async def hosted(settings: Settings) -> AsyncIterator[tuple[httpx.AsyncClient, Starlette]]:
    app = create_app(
        Settings(
            database_url=settings.database_url,
            encryption_keys=encryption_keys_for(settings.database_url),
            base_domain="shop.test",
        )
    )
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as http:
        yield http, app
    await app.state.runtime.close()


async def test_a_preflight_naming_a_project_by_path_or_host_follows_its_origins(
    hosted: tuple[httpx.AsyncClient, Starlette],
) -> None:
    # given
    client, app = hosted
    runtime: Runtime = app.state.runtime
    store = await make_store(runtime, "demo", demo=True)
    open_store = await make_store(runtime, "open")
    async with runtime.database.write() as session:
        await update_store_settings(session, store.id, {"cors_origins": ALLOWED, "domains": "www.demo-shop.com"})
    requests = [
        (f"/api/v1/public/projects/{store.slug}/ecommerce/cart/c1/items", "testserver"),
        ("/api/v1/ecommerce/cart/c1/items", "demo.shop.test"),
        ("/api/v1/ecommerce/checkout", "www.demo-shop.com:443"),
        (f"/store/{store.slug}/cart", "testserver"),
    ]

    # when
    answers = [
        (
            await client.options(path, headers=preflight_headers(ALLOWED, host)),
            await client.options(path, headers=preflight_headers(OTHER, host)),
        )
        for path, host in requests
    ]
    unnamed = await client.options("/api/v1/ecommerce/checkout", headers=preflight_headers(OTHER))
    open_project = await client.options(
        f"/api/v1/public/projects/{open_store.slug}/ecommerce/checkout", headers=preflight_headers(OTHER)
    )

    # then
    for allowed, refused in answers:
        assert allowed.status_code == refused.status_code == 204
        assert allowed.headers["access-control-allow-origin"] == ALLOWED
        assert "access-control-allow-origin" not in refused.headers
        assert "access-control-allow-methods" not in refused.headers
    assert unnamed.headers["access-control-allow-origin"] == OTHER
    assert open_project.headers["access-control-allow-origin"] == OTHER
