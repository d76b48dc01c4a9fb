"""Categories in the dashboard: the tree, create, edit, and a refused move shown with its error."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from shopgraph.db.models import Category
from shopgraph.runtime import Runtime
from tests.dashboard.support import sign_in
from tests.support.factories import Store


async def _category(runtime: Runtime, store: Store, slug: str) -> Category:
    async with runtime.database.read() as session:
        found = await session.scalar(select(Category).where(Category.project_id == store.id, Category.slug == slug))
    assert found is not None
    return found


async def test_create_and_edit_a_category(client: httpx.AsyncClient, runtime: Runtime, demo: Store) -> None:
    csrf = await sign_in(client, demo)
    page = (await client.get("/dashboard/categories")).text
    assert "Kitchen" in page and "— " in page
    home = await _category(runtime, demo, "home")
    created = await client.post(
        "/dashboard/categories", data={"csrf_token": csrf, "name": "Candles", "parent_id": home.id, "position": "3"}
    )
    assert created.status_code == 303, created.text
    candles = await _category(runtime, demo, "candles")
    assert (candles.parent_id, candles.position) == (home.id, 3)
    edited = await client.post(
        f"/dashboard/categories/{candles.id}",
        data={"csrf_token": csrf, "name": "Candles & Scents", "slug": "candles", "parent_id": "", "position": "1"},
    )
    assert edited.status_code == 303
    candles = await _category(runtime, demo, "candles")
    assert (candles.name, candles.parent_id) == ("Candles & Scents", None)


async def test_a_category_cannot_become_its_own_ancestor(
    client: httpx.AsyncClient, runtime: Runtime, demo: Store
) -> None:
    csrf = await sign_in(client, demo)
    home = await _category(runtime, demo, "home")
    kitchen = await _category(runtime, demo, "kitchen")
    assert kitchen.parent_id == home.id
    refused = await client.post(
        f"/dashboard/categories/{home.id}",
        data={"csrf_token": csrf, "name": "Home", "slug": "home", "parent_id": kitchen.id},
    )
    assert refused.status_code in (400, 409) and f'id="category_error_{home.id}"' in refused.text
    assert (await _category(runtime, demo, "home")).parent_id == home.parent_id
