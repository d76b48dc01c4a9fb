"""hypothesis-graphql over both schemas: generated operations, valid and invalid, are never a server error.

The operations come from the SDL files the schema is exported to (a test keeps them equal to the code). Hypothesis
runs derandomized with a fixed number of examples, so a run is repeatable and bounded.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, mutations, nodes, queries

from tests.support.factories import Store
from tests.support.graphql import ADMIN, STOREFRONT, secret

SCHEMAS = Path(__file__).resolve().parents[2] / "schema"
STOREFRONT_SDL = (SCHEMAS / "storefront.graphql").read_text()
ADMIN_SDL = (SCHEMAS / "admin.graphql").read_text()

FUZZ = settings(
    derandomize=True,
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)

DECIMALS = st.one_of(
    st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=-(10**6), max_value=10**6).map(nodes.String),
    st.sampled_from(["1e999999", "NaN", "-inf", "", "9" * 40, "0.001"]).map(nodes.String),
    st.integers(-(10**6), 10**6).map(nodes.Int),
)
# Text as users type it, and text no database can store: PostgreSQL refuses NUL, which must be a 400, not a 500.
TEXTS = st.one_of(st.text(max_size=20), st.sampled_from(["\x00", "tee\x00", "ORD-001", ""])).map(nodes.String)
JSON_SCALARS = st.one_of(TEXTS, st.integers(-1000, 1000).map(nodes.Int), st.booleans().map(nodes.Boolean))
SCALARS = {"Decimal": DECIMALS, "JSON": JSON_SCALARS, "String": TEXTS, "ID": TEXTS}


_STRATEGIES: dict[tuple[str, Mode], st.SearchStrategy[object]] = {}


def _operations(sdl: str, mode: Mode) -> st.SearchStrategy[object]:
    key = (sdl, mode)
    if key not in _STRATEGIES:
        _STRATEGIES[key] = st.one_of(
            queries(sdl, custom_scalars=SCALARS, mode=mode), mutations(sdl, custom_scalars=SCALARS, mode=mode)
        )
    return _STRATEGIES[key]


def _internal_errors(response: httpx.Response) -> list[Any]:
    try:
        body = response.json()
    except ValueError:
        return []
    errors = body.get("errors") or [] if isinstance(body, dict) else []
    return [error for error in errors if (error.get("extensions") or {}).get("code") == "INTERNAL_ERROR"]


async def _post(client: httpx.AsyncClient, path: str, headers: dict[str, str], query: object) -> httpx.Response:
    return await client.post(path, json={"query": query}, headers=headers)


DOORS = {"storefront": (STOREFRONT, STOREFRONT_SDL), "admin": (ADMIN, ADMIN_SDL)}


@pytest.mark.parametrize("door", list(DOORS))
@pytest.mark.parametrize("mode", [Mode.POSITIVE, Mode.NEGATIVE], ids=["valid", "invalid"])
@FUZZ
@given(data=st.data())
async def test_generated_operations_are_never_a_server_error(
    client: httpx.AsyncClient, demo: Store, door: str, mode: Mode, data: st.DataObject
) -> None:
    path, sdl = DOORS[door]
    query = data.draw(_operations(sdl, mode))

    response = await _post(client, path, demo.auth if door == "storefront" else secret(demo), query)

    assert response.status_code < 500, (query, response.text)
    assert not _internal_errors(response), (query, response.text)
