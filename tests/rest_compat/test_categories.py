from __future__ import annotations

import httpx

from shopgraph.runtime import Runtime
from tests.support.factories import Store, make_category, make_store


async def test_categories_are_a_tree_ordered_by_position(client: httpx.AsyncClient, demo: Store) -> None:
    # when
    response = await client.get(demo.aerostack("/categories"), headers=demo.auth)

    # then
    tree = response.json()["categories"]
    assert [category["slug"] for category in tree] == ["apparel", "home", "accessories"]
    apparel = tree[0]
    assert [child["slug"] for child in apparel["children"]] == ["t-shirts", "hoodies"]
    assert apparel["children"][0]["parent_id"] == apparel["id"]
    assert set(apparel) == {"id", "name", "slug", "description", "parent_id", "position", "children"}


async def test_siblings_with_equal_position_are_ordered_by_name(client: httpx.AsyncClient, runtime: Runtime) -> None:
    # given
    store = await make_store(runtime, "plain")
    root = await make_category(runtime, store, "Root")
    for name in ("Zebra", "Apple", "Mango"):
        await make_category(runtime, store, name, parent_id=root)

    # when
    tree = (await client.get(store.aerocall("/categories"), headers=store.auth)).json()["categories"]

    # then
    assert [child["name"] for child in tree[0]["children"]] == ["Apple", "Mango", "Zebra"]
