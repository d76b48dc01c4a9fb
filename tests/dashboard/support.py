"""Driving the dashboard over plain HTTP: signing in, reading a page's CSRF token, posting its forms."""

from __future__ import annotations

import re

import httpx

from tests.support.factories import Store

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


async def sign_in(client: httpx.AsyncClient, store: Store) -> str:
    """Signs the client in with the store's secret key; returns the page's CSRF token."""
    response = await client.post("/dashboard/login", data={"secret_key": store.secret_key})
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/dashboard/orders"
    return await csrf_of(client, "/dashboard/orders")


async def csrf_of(client: httpx.AsyncClient, path: str) -> str:
    page = await client.get(path)
    assert page.status_code == 200, page.text
    found = CSRF.search(page.text)
    assert found is not None, page.text
    return found.group(1)
