"""Page links under the dashboard's lists: one macro for orders, products and deliveries, keeping the filters."""

from __future__ import annotations

import re

import httpx
import pytest

from shopgraph.dashboard import orders, products
from shopgraph.dashboard.web import page_window, templates
from tests.dashboard.support import sign_in
from tests.schema.admin.test_orders import cash_on_delivery_order
from tests.support.factories import Store

PAGE_LINK = re.compile(r'<a href="([^"]+)"(?: rel="(prev|next)")?>([^<]+)</a>')


def links(html: str) -> list[tuple[str, str]]:
    """(text, href) of each link in the page links, `&amp;` read as `&`."""
    nav = re.search(r'<nav aria-label="Pages" class="pages">(.*?)</nav>', html, re.S)
    assert nav is not None, html
    return [(text, href.replace("&amp;", "&")) for href, _rel, text in PAGE_LINK.findall(nav.group(1))]


def current(html: str) -> str:
    found = re.search(r'<span aria-current="page">(\d+)</span>', html)
    assert found is not None
    return found.group(1)


@pytest.mark.parametrize(
    ("page", "count", "window"),
    [
        (1, 1, [1]),
        (1, 3, [1, 2, 3]),
        (1, 10, [1, 2, 3, None, 10]),
        (10, 400, [1, None, 8, 9, 10, 11, 12, None, 400]),
        (399, 400, [1, None, 397, 398, 399, 400]),
        (4, 7, [1, 2, 3, 4, 5, 6, 7]),
        (99, 5, [1, None, 5]),
    ],
)
def test_the_window_of_page_numbers(page: int, count: int, window: list[int | None]) -> None:
    assert page_window(page, count) == window


def test_the_macro_keeps_the_filters_and_links_previous_and_next() -> None:
    macro = templates().get_template("_pages.html").module.pages  # type: ignore[attr-defined]
    html = str(macro("/dashboard/products", 2, 3, {"search": "a b&c"}))
    assert current(html) == "2"
    assert links(html) == [
        ("Previous", "/dashboard/products?page=1&search=a%20b%26c"),
        ("1", "/dashboard/products?page=1&search=a%20b%26c"),
        ("3", "/dashboard/products?page=3&search=a%20b%26c"),
        ("Next", "/dashboard/products?page=3&search=a%20b%26c"),
    ]
    assert str(macro("/dashboard/products", 1, 1, {})).strip() == ""
    past_the_end = str(macro("/dashboard/orders", 9, 3, {}))
    assert ("Previous", "/dashboard/orders?page=3") in links(past_the_end) and "Next" not in past_the_end


async def test_orders_are_paged_with_their_filters(
    client: httpx.AsyncClient, demo: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    for email in ("ann@example.com", "bob@example.com", "cy@example.com"):
        await cash_on_delivery_order(client, demo, email=email)
    monkeypatch.setattr(orders, "PAGE_SIZE", 1)
    await sign_in(client, demo)

    first = (await client.get("/dashboard/orders", params={"status": "processing"})).text
    assert current(first) == "1"
    assert ("Next", "/dashboard/orders?page=2&status=processing&email=") in links(first)

    second = await client.get("/dashboard/orders", params={"page": "2", "status": "processing"})
    assert second.status_code == 200 and current(second.text) == "2"
    assert ("Previous", "/dashboard/orders?page=1&status=processing&email=") in links(second.text)
    assert len(re.findall(r">ORD-\d+</a>", second.text)) == 1

    one = (await client.get("/dashboard/orders", params={"email": "bob@example.com"})).text
    assert 'aria-label="Pages"' not in one


async def test_products_are_paged_with_their_search(
    client: httpx.AsyncClient, demo: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(products, "PAGE_SIZE", 1)
    await sign_in(client, demo)
    found = (await client.get("/dashboard/products", params={"search": "tee"})).text
    assert current(found) == "1"
    assert ("Next", "/dashboard/products?page=2&search=tee") in links(found)
    count = max(int(text) for text, _href in links(found) if text.isdigit())
    last = (await client.get("/dashboard/products", params={"search": "tee", "page": str(count)})).text
    assert current(last) == str(count) and 'rel="next"' not in last
    assert ("Previous", f"/dashboard/products?page={count - 1}&search=tee") in links(last)
