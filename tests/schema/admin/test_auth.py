"""Only the project's secret key opens `/admin/graphql`; everything else is a 401 that changes nothing."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import func, select

from shopgraph.db.models import Product
from shopgraph.domain.stores.settings import update_store_settings
from shopgraph.runtime import Runtime
from tests.support.factories import Store, make_store
from tests.support.graphql import ADMIN, admin, secret

CREATE_PRODUCT = """
mutation { productCreate(input: {name: "Sneaky", price: "1"}) { product { id } userErrors { code } } }
"""
INTROSPECTION = "query { __schema { mutationType { fields { name } } } }"
ADMIN_OPERATIONS = {
    "productCreate", "productUpdate", "productDelete", "variantCreate", "variantUpdate", "variantDelete",
    "inventorySet", "categoryCreate", "categoryUpdate", "categoryDelete", "couponCreate", "couponUpdate",
    "couponDelete", "storeConfigUpdate", "orderFulfill", "orderCancel", "orderMarkPaid", "orderRefund",
    "webhookEndpointCreate", "webhookEndpointUpdate", "webhookEndpointDelete", "webhookDeliveryRetry",
}  # fmt: skip
ADMIN_QUERIES = {"products", "orders", "order", "coupons", "webhookEndpoints", "webhookDeliveries", "storeConfig"}
QUERY_FIELDS = "query { __schema { queryType { fields { name } } } }"


async def product_count(runtime: Runtime, store: Store) -> int:
    async with runtime.database.read() as session:
        return await session.scalar(select(func.count()).where(Product.project_id == store.id)) or 0


@pytest.fixture
async def other(runtime: Runtime) -> Store:
    return await make_store(runtime, "other")


@pytest.mark.parametrize("credential", ["none", "public key", "secret key of another project", "not a key"])
@pytest.mark.parametrize("document", [CREATE_PRODUCT, INTROSPECTION], ids=["mutation", "introspection"])
async def test_anything_but_the_secret_key_is_refused_with_401(
    client: httpx.AsyncClient, runtime: Runtime, demo: Store, other: Store, credential: str, document: str
) -> None:
    # given
    before = await product_count(runtime, demo)
    headers = {
        "none": {},
        "public key": {"Authorization": f"Bearer {demo.public_key}"},
        "secret key of another project": {"Authorization": f"Bearer {other.secret_key}", "Host": "shop.demo.example"},
        "not a key": {"Authorization": "Bearer sk_nope"},
    }[credential]
    async with runtime.database.write() as session:
        await update_store_settings(session, demo.id, {"domains": "shop.demo.example"})

    # when
    response = await client.post(ADMIN, json={"query": document}, headers=headers)

    # then
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == {"message": "a valid API key for this project is required", "code": "UNAUTHORIZED"}
    assert await product_count(runtime, demo) == before


async def test_a_public_key_in_the_query_string_is_refused_too(client: httpx.AsyncClient, demo: Store) -> None:
    # when
    by_get = await client.get(ADMIN, params={"query": INTROSPECTION, "token": demo.public_key})
    by_post = await client.post(ADMIN, params={"token": demo.public_key}, json={"query": INTROSPECTION})

    # then
    assert by_get.status_code == by_post.status_code == 401


async def test_the_secret_key_works_as_a_bearer_header_or_a_token_parameter(
    client: httpx.AsyncClient, demo: Store
) -> None:
    # when
    by_header = await client.post(
        ADMIN, json={"query": "query { storeConfig { defaultCurrency } }"}, headers=secret(demo)
    )
    by_token = await client.get(
        ADMIN, params={"query": "query { storeConfig { defaultCurrency } }", "token": demo.secret_key}
    )

    # then
    assert by_header.json() == by_token.json() == {"data": {"storeConfig": {"defaultCurrency": "USD"}}}


async def test_a_secret_key_on_a_host_naming_another_project_is_refused(
    client: httpx.AsyncClient, runtime: Runtime, demo: Store, other: Store
) -> None:
    # given
    async with runtime.database.write() as session:
        await update_store_settings(session, other.id, {"domains": "shop.other.example"})

    # when
    elsewhere = await client.post(
        ADMIN, json={"query": CREATE_PRODUCT}, headers={**secret(demo), "Host": "shop.other.example"}
    )

    # then
    assert elsewhere.status_code == 401
    assert await product_count(runtime, other) == 0


async def test_the_graphiql_page_needs_no_key_but_its_operations_need_the_secret_key(
    client: httpx.AsyncClient, demo: Store
) -> None:
    # when
    page = await client.get(ADMIN, headers={"Accept": "text/html"})
    anonymous = await client.post(ADMIN, json={"query": INTROSPECTION})
    with_public_key = await client.post(ADMIN, json={"query": INTROSPECTION}, headers=demo.auth)
    with_secret_key = await client.post(ADMIN, json={"query": INTROSPECTION}, headers=secret(demo))

    # then
    assert page.status_code == 200 and "graphiql" in page.text.lower()
    assert demo.secret_key not in page.text
    assert anonymous.status_code == with_public_key.status_code == 401
    assert anonymous.json()["code"] == "UNAUTHORIZED"
    assert with_secret_key.status_code == 200 and "errors" not in with_secret_key.json()


async def test_the_admin_schema_has_every_admin_operation(client: httpx.AsyncClient, demo: Store) -> None:
    # when
    mutations = {
        field["name"] for field in (await admin(client, demo, INTROSPECTION))["__schema"]["mutationType"]["fields"]
    }
    queries = {field["name"] for field in (await admin(client, demo, QUERY_FIELDS))["__schema"]["queryType"]["fields"]}

    # then
    assert mutations >= ADMIN_OPERATIONS
    assert queries >= ADMIN_QUERIES
    assert "checkout" not in mutations and "cartAddItem" not in mutations


async def test_the_storefront_schema_exposes_no_admin_operation(client: httpx.AsyncClient, demo: Store) -> None:
    # when
    response = await client.post("/graphql", json={"query": INTROSPECTION}, headers=demo.auth)
    with_secret = await client.post("/graphql", json={"query": CREATE_PRODUCT}, headers=secret(demo))

    # then
    mutations = {field["name"] for field in response.json()["data"]["__schema"]["mutationType"]["fields"]}
    assert mutations and not mutations & ADMIN_OPERATIONS
    assert with_secret.status_code == 200 and "errors" in with_secret.json()
    assert "productCreate" in with_secret.json()["errors"][0]["message"]
