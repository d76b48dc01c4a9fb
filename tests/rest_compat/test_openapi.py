from __future__ import annotations

import re

import httpx
from starlette.routing import Route

from shopgraph.rest_compat.openapi import FAMILIES
from shopgraph.rest_compat.routes import ECOMMERCE_ROUTES


def _documented_form(path: str) -> str:
    """Starlette's `{cart_id}` is the document's `{cartId}`."""
    return re.sub(r"\{(\w+)\}", lambda match: "{" + re.sub(r"_(\w)", lambda m: m[1].upper(), match[1]) + "}", path)


async def test_every_endpoint_is_documented_on_both_families(client: httpx.AsyncClient) -> None:
    # given
    document = (await client.get("/api/v1/openapi.json")).json()

    # then
    assert document["openapi"] == "3.1.0"
    for route in ECOMMERCE_ROUTES:
        assert isinstance(route, Route)
        for base in FAMILIES.values():
            operations = document["paths"][base + _documented_form(route.path)]
            for method in route.methods or ():
                if method != "HEAD":
                    assert method.lower() in operations, (route.path, method)


async def test_write_endpoints_describe_their_bodies(client: httpx.AsyncClient) -> None:
    document = (await client.get("/api/v1/openapi.json")).json()

    add_item = document["paths"]["/api/v1/ecommerce/cart/{cartId}/items"]["post"]
    schema_ref = add_item["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert schema_ref == "#/components/schemas/AddItem"
    assert "409" in add_item["responses"]


async def test_every_operation_lists_what_the_guard_may_answer(client: httpx.AsyncClient) -> None:
    document = (await client.get("/api/v1/openapi.json")).json()

    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            statuses = set(operation["responses"])
            assert {"414", "503"} <= statuses, (path, method)
            if "requestBody" in operation:
                assert {"408", "413"} <= statuses, (path, method)
    unavailable = document["components"]["responses"]["Unavailable"]
    assert "Retry-After" in unavailable["headers"]
