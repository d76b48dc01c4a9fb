"""GraphiQL and the API reference work in a browser that can reach nothing but this server."""

from __future__ import annotations

import json
from urllib.parse import quote

from playwright.async_api import Page, expect

from tests.browser.conftest import PageWatch
from tests.support.factories import Store

STORE_CONFIG = "{ storeConfig { defaultCurrency } }"
ADMIN_COUPONS = "{ coupons { code } }"


def graphiql_url(path: str, key: str) -> str:
    """As `shopgraph serve --demo` prints it: the `headers` parameter fills GraphiQL's headers pane."""
    headers = json.dumps({"Authorization": f"Bearer {key}"}, separators=(",", ":"))
    return f"{path}?headers={quote(headers)}"


async def run_in_graphiql(page: Page, query: str) -> None:
    editor = page.locator(".graphiql-query-editor .CodeMirror")
    await expect(editor).to_be_visible()
    await editor.click()
    await page.keyboard.press("ControlOrMeta+A")
    await page.keyboard.press("Delete")
    await page.keyboard.type(query)
    await page.get_by_role("button", name="Execute query (Ctrl-Enter)").click()


async def test_graphiql_runs_a_storefront_query_with_the_public_key(page: Page, demo: Store) -> None:
    # given
    await page.goto(graphiql_url("/graphql", demo.public_key))

    # when
    await run_in_graphiql(page, STORE_CONFIG)

    # then
    await expect(page.locator(".graphiql-response")).to_contain_text('"defaultCurrency": "USD"')


async def test_admin_graphiql_runs_an_admin_query_with_the_secret_key(page: Page, demo: Store) -> None:
    # given
    await page.goto(graphiql_url("/admin/graphql", demo.secret_key))

    # when
    await run_in_graphiql(page, ADMIN_COUPONS)

    # then
    await expect(page.locator(".graphiql-response")).to_contain_text('"code": "SAVE10"')


async def test_graphiql_keeps_its_tabs_per_endpoint_but_never_the_key(
    page: Page, page_watch: PageWatch, demo: Store
) -> None:
    # given
    await page.goto(graphiql_url("/admin/graphql", demo.secret_key))
    await run_in_graphiql(page, ADMIN_COUPONS)
    await expect(page.locator(".graphiql-response")).to_contain_text('"code": "SAVE10"')

    # when: opened again, without the key in the URL
    page_watch.allow_console_error("status of 401")  # its schema introspection is refused without the key
    await page.goto("/admin/graphql")

    # then
    await expect(page.locator(".graphiql-query-editor")).to_contain_text("coupons")
    stored: dict[str, str] = await page.evaluate("Object.fromEntries(Object.entries(localStorage))")
    assert stored and all(key.startswith("shopgraph-admin:") for key in stored)
    assert demo.secret_key not in "".join(stored.values()), stored
    assert demo.secret_key not in await page.content()


async def test_the_api_reference_lists_checkout(page: Page) -> None:
    # when
    await page.goto("/docs")

    # then
    for path in ("/api/v1/ecommerce/checkout", "/api/v1/public/projects/{projectSlug}/ecommerce/checkout"):
        await expect(page.locator(f'.opblock-summary-path[data-path="{path}"]')).to_be_visible()


FETCH_A_FONT = "fetch('https://fonts.example.com/font.woff2').then(() => 'fetched', () => 'refused')"


async def test_the_page_fixture_blocks_and_reports_requests_off_the_machine(page: Page, page_watch: PageWatch) -> None:
    # given: a page of ours without a content security policy
    await page.goto("/healthz")

    # when
    outcome = await page.evaluate(FETCH_A_FONT)

    # then
    assert outcome == "refused"
    assert page_watch.blocked == ["https://fonts.example.com/font.woff2"]
    assert len(page_watch.problems()) == 2  # the blocked request, and the console error it caused
    page_watch.blocked.clear()
    page_watch.console_errors.clear()


async def test_the_explore_pages_refuse_to_load_from_elsewhere(page: Page, page_watch: PageWatch) -> None:
    # given
    await page.goto("/docs")

    # when
    outcome = await page.evaluate(FETCH_A_FONT)

    # then: the content security policy stops it in the browser, before any request
    assert outcome == "refused"
    assert page_watch.blocked == []
    assert any("Content Security Policy" in error for error in page_watch.console_errors)
    page_watch.console_errors.clear()
