"""GraphiQL (`/graphql`, `/admin/graphql`) and the API reference (`/docs`) over HTTP: open pages, guarded operations,
and every asset served by shopgraph itself."""

from __future__ import annotations

import html
import re

import httpx
import pytest

from tests.support.factories import Store

GRAPHQL_PATHS = ["/graphql", "/admin/graphql"]
BROWSER = {"Accept": "text/html,application/xhtml+xml,*/*"}
STORE_CONFIG = "{ storeConfig { defaultCurrency } }"
ASSET_REFERENCE = re.compile(r'(?:src|href)="([^"]+)"')
DEFAULT_QUERY = re.compile(r'data-default-query="([^"]*)"')


def key_for(path: str, store: Store) -> str:
    return store.secret_key if path.startswith("/admin") else store.public_key


@pytest.mark.parametrize("path", GRAPHQL_PATHS)
async def test_the_graphiql_page_needs_no_key(client: httpx.AsyncClient, demo: Store, path: str) -> None:
    # when
    response = await client.get(path, headers=BROWSER)

    # then
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert "graphiql.min.js" in response.text


@pytest.mark.parametrize("path", [*GRAPHQL_PATHS, "/docs"])
async def test_every_asset_a_page_loads_is_served_by_shopgraph(client: httpx.AsyncClient, path: str) -> None:
    # given
    page = await client.get(path, headers=BROWSER)

    # when
    references = [url for url in ASSET_REFERENCE.findall(page.text) if not url.startswith("data:")]
    responses = {url: await client.get(url) for url in references}

    # then
    assert len(references) >= 2
    assert all(url.startswith("/static/") for url in references), references
    assert {url: response.status_code for url, response in responses.items()} == dict.fromkeys(references, 200)


@pytest.mark.parametrize("path", GRAPHQL_PATHS)
async def test_a_query_without_a_key_is_refused(client: httpx.AsyncClient, demo: Store, path: str) -> None:
    # when
    posted = await client.post(path, json={"query": STORE_CONFIG})
    by_get = await client.get(path, params={"query": STORE_CONFIG}, headers=BROWSER)

    # then
    assert posted.status_code == by_get.status_code == 401
    assert posted.json()["code"] == "UNAUTHORIZED"


@pytest.mark.parametrize("path", GRAPHQL_PATHS)
async def test_the_query_graphiql_starts_with_runs(client: httpx.AsyncClient, demo: Store, path: str) -> None:
    # given
    page = await client.get(path, headers=BROWSER)
    match = DEFAULT_QUERY.search(page.text)
    assert match is not None
    query = html.unescape(match.group(1))

    # when
    auth = {"Authorization": f"Bearer {key_for(path, demo)}"}
    response = await client.post(path, json={"query": query}, headers=auth)

    # then
    assert response.status_code == 200
    assert "errors" not in response.json(), response.json()
    assert response.json()["data"]["storeConfig"]["defaultCurrency"] == "USD"


async def test_the_api_reference_needs_no_key_and_renders_the_openapi_document(client: httpx.AsyncClient) -> None:
    # when
    page = await client.get("/docs", headers=BROWSER)
    document = await client.get("/api/v1/openapi.json")

    # then
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert 'data-openapi-url="/api/v1/openapi.json"' in page.text
    assert "swagger-ui-bundle.js" in page.text
    assert document.status_code == 200 and "/api/v1/ecommerce/checkout" in document.json()["paths"]


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/static/vendor/react-18.3.1/umd/react.production.min.js", "text/javascript; charset=utf-8"),
        ("/static/vendor/graphiql-3.9.0/graphiql.min.css", "text/css; charset=utf-8"),
        ("/static/vendor/swagger-ui-dist-5.35.0/swagger-ui-bundle.js", "text/javascript; charset=utf-8"),
        ("/static/vendor/swagger-ui-dist-5.35.0/LICENSE", "text/plain; charset=utf-8"),
        ("/static/vendor/manifest.json", "application/json"),
        ("/static/explore/graphiql.js", "text/javascript; charset=utf-8"),
        ("/static/explore/explore.css", "text/css; charset=utf-8"),
    ],
)
async def test_static_files_have_their_content_type(client: httpx.AsyncClient, path: str, content_type: str) -> None:
    # when
    response = await client.get(path)

    # then
    assert response.status_code == 200
    assert response.headers["content-type"] == content_type
    assert response.headers["x-content-type-options"] == "nosniff"


async def test_vendored_files_are_cached_for_good_and_our_own_are_revalidated(client: httpx.AsyncClient) -> None:
    # when
    vendored = await client.get("/static/vendor/graphiql-3.9.0/graphiql.min.js")
    own = await client.get("/static/explore/graphiql.js")
    manifest = await client.get("/static/vendor/manifest.json")
    revalidated = await client.get("/static/explore/graphiql.js", headers={"If-None-Match": own.headers["etag"]})

    # then
    assert vendored.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert own.headers["cache-control"] == manifest.headers["cache-control"] == "no-cache"
    assert revalidated.status_code == 304


@pytest.mark.parametrize("path", ["/static/nope.js", "/static/%2e%2e/app.py", "/static/vendor/"])
async def test_what_is_not_a_static_file_is_a_json_404(client: httpx.AsyncClient, path: str) -> None:
    # when
    response = await client.get(path)

    # then
    assert response.status_code == 404
    assert response.json()["code"] == "NOT_FOUND"
