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
from tests.support.factories import Store, make_store


async def test_a_bearer_key_or_a_token_parameter_is_accepted(client: httpx.AsyncClient, demo: Store) -> None:
    by_header = await client.get(demo.aerostack("/products"), headers=demo.auth)
    by_token = await client.get(demo.aerostack("/products"), params={"token": demo.public_key})

    assert by_header.status_code == by_token.status_code == 200


async def test_the_secret_key_works_on_its_own_project(client: httpx.AsyncClient, demo: Store) -> None:
    response = await client.get(demo.aerocall("/products"), headers={"Authorization": f"Bearer {demo.secret_key}"})

    assert response.status_code == 200


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer pk_unknown_key_000000000000"}, {"Authorization": "Basic abc"}],
    ids=["missing", "unknown", "not-bearer"],
)
async def test_missing_or_unknown_keys_get_401(client: httpx.AsyncClient, demo: Store, headers: dict[str, str]) -> None:
    for url in demo.both("/products"):
        response = await client.get(url, headers=headers)

        assert response.status_code == 401
        assert response.json()["code"] == "UNAUTHORIZED"


async def test_keys_of_another_project_get_401(client: httpx.AsyncClient, runtime: Runtime, demo: Store) -> None:
    # given
    other = await make_store(runtime, "other")

    # when
    with_public = await client.get(demo.aerostack("/products"), headers=other.auth)
    with_secret = await client.get(demo.aerostack("/products"), headers={"Authorization": f"Bearer {other.secret_key}"})

    # then
    assert with_public.status_code == with_secret.status_code == 401


async def test_an_unknown_project_looks_like_a_wrong_key(client: httpx.AsyncClient, demo: Store) -> None:
    unknown = await client.get("/api/v1/public/projects/nope/ecommerce/products", headers=demo.auth)
    wrong_key = await client.get(demo.aerostack("/products"), headers={"Authorization": "Bearer pk_wrongwrongwrong"})
    unknown_config = await client.get("/api/v1/public/projects/nope/ecommerce/config")

    assert unknown.status_code == wrong_key.status_code == unknown_config.status_code == 401
    assert unknown.json() == wrong_key.json() == unknown_config.json()


async def test_aerocall_config_without_key_or_host_is_401(client: httpx.AsyncClient, demo: Store) -> None:
    response = await client.get(demo.aerocall("/config"))

    assert response.status_code == 401


@pytest.fixture
async def hosted_client(settings: Settings) -> AsyncIterator[tuple[httpx.AsyncClient, Starlette]]:
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


async def test_the_host_selects_the_project_on_aerocall_paths(
    hosted_client: tuple[httpx.AsyncClient, Starlette],
) -> None:
    # given
    client, app = hosted_client
    demo = await make_store(app.state.runtime, "demo", demo=True)
    other = await make_store(app.state.runtime, "other")

    # when
    config = await client.get("/api/v1/ecommerce/config", headers={"Host": "demo.shop.test"})
    products = await client.get("/api/v1/ecommerce/products", headers={"Host": "demo.shop.test", **demo.auth})
    mismatch = await client.get("/api/v1/ecommerce/products", headers={"Host": "demo.shop.test", **other.auth})
    unknown_host = await client.get("/api/v1/ecommerce/products", headers={"Host": "nope.shop.test", **demo.auth})
    no_key = await client.get("/api/v1/ecommerce/products", headers={"Host": "demo.shop.test"})

    # then
    assert config.status_code == 200 and config.json()["default_currency"] == "USD"
    assert products.status_code == 200 and products.json()["total"] == 13
    assert mismatch.status_code == unknown_host.status_code == no_key.status_code == 401


async def test_a_custom_domain_selects_its_project(
    hosted_client: tuple[httpx.AsyncClient, Starlette],
) -> None:
    # given
    client, app = hosted_client
    runtime: Runtime = app.state.runtime
    store = await make_store(runtime, "custom", demo=True)
    async with runtime.database.write() as session:
        await update_store_settings(session, store.id, {"domains": "shop.example.com,www.example.com"})

    # when
    config = await client.get("/api/v1/ecommerce/config", headers={"Host": "shop.example.com"})
    products = await client.get("/api/v1/ecommerce/products", headers={"Host": "www.example.com:443", **store.auth})

    # then
    assert config.status_code == 200
    assert products.status_code == 200


async def test_cors_allows_any_origin_until_origins_are_set(
    client: httpx.AsyncClient, runtime: Runtime, demo: Store
) -> None:
    # given
    origin = {"Origin": "https://anywhere.example"}
    open_response = await client.get(demo.aerostack("/products"), headers={**demo.auth, **origin})
    async with runtime.database.write() as session:
        await update_store_settings(session, demo.id, {"cors_origins": "https://shop.example.com"})

    # when
    refused = await client.get(demo.aerostack("/products"), headers={**demo.auth, **origin})
    allowed = await client.get(demo.aerostack("/products"), headers={**demo.auth, "Origin": "https://shop.example.com"})
    preflight = await client.options(
        demo.aerostack("/products"),
        headers={**origin, "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "authorization"},
    )

    # then
    assert open_response.headers["access-control-allow-origin"] == "https://anywhere.example"
    assert "access-control-allow-origin" not in refused.headers
    assert allowed.headers["access-control-allow-origin"] == "https://shop.example.com"
    assert preflight.status_code == 204
    assert "access-control-allow-origin" not in preflight.headers
