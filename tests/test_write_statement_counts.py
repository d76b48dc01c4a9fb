"""The statements of a cart add and of a checkout, pinned one by one, through both doors and on both databases.

Each write holds SQLite's single writer for as long as its statements take, so every statement here is one the
operation needs: nothing read again that the transaction already has, no SELECT before an UPDATE that can say
what it changed, the order's lines in one batch, a manual payment written with the order."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from sqlalchemy import event

from shopgraph.runtime import Runtime
from tests.support.factories import Store, checkout_body, make_product, make_store
from tests.support.graphql import gql

ADD_ITEM = """
mutation Add($cartId: ID!, $productId: ID!) {
  cartAddItem(cartId: $cartId, productId: $productId, quantity: 1) { cart { id } userErrors { code } }
}
"""
CHECKOUT = """
mutation Checkout($input: CheckoutInput!) {
  checkout(input: $input) { order { id } payment { provider } userErrors { code } }
}
"""
GRAPHQL_ADDRESS = {"line1": "123 Main St", "city": "Springfield", "postalCode": "12345", "country": "US"}
_VERB_TABLE = re.compile(r"^\s*(SELECT|INSERT INTO|UPDATE|DELETE FROM)\s*(?:.*?\bFROM\s+)?(\w+)?", re.S)
# The catalog's own bookkeeping of what an order changed is the catalog's to count (its version, its change log).
_CATALOG_BOOKKEEPING = re.compile(r"^UPDATE projects SET catalog_version|catalog_changes")


def _kind(statement: str) -> str:
    match = _VERB_TABLE.match(statement)
    assert match is not None, statement
    verb, table = match.groups()
    if verb in ("INSERT INTO", "UPDATE", "DELETE FROM"):
        table = statement.split()[2] if verb != "UPDATE" else statement.split()[1]
    return f"{verb.split()[0]} {table}"


class Statements:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.kinds: list[str] = []
        self.bookkeeping = 0
        self.total = 0

    def add_up(self) -> bool:
        """Every statement the database counted is listed, but for the key lookup around SQLAlchemy on SQLite."""
        return self.total == len(self.kinds) + self.bookkeeping + (1 if self.runtime.database.is_sqlite else 0)


@contextmanager
def statements(runtime: Runtime) -> Iterator[Statements]:
    """The SQLAlchemy statements by kind, and the total the database counts (which includes the key lookup that
    goes around SQLAlchemy on SQLite)."""
    seen = Statements(runtime)
    engine = runtime.database.engine.sync_engine

    def record(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        if _CATALOG_BOOKKEEPING.search(statement):
            seen.bookkeeping += 1
        else:
            seen.kinds.append(_kind(statement))

    before = runtime.database.statements
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)
        seen.total = runtime.database.statements - before


def _begin(runtime: Runtime) -> list[str]:
    """The request's key lookup, which on SQLite runs around SQLAlchemy, as does the write's BEGIN IMMEDIATE (tried
    on the driver until the write lock is free, `db/inline_sqlite.py`); asyncpg's BEGIN is no cursor statement."""
    return [] if runtime.database.is_sqlite else ["SELECT api_keys"]


async def _store_with_cart(client: httpx.AsyncClient, runtime: Runtime, cart_id: str) -> tuple[Store, list[str]]:
    store = await make_store(runtime, "counted")
    products = [await make_product(runtime, store, f"Thing {index}", stock=100) for index in range(4)]
    for product in products[:2]:
        response = await client.post(
            store.aerocall(f"/cart/{cart_id}/items"), json={"productId": product, "quantity": 1}, headers=store.auth
        )
        assert response.status_code == 200, response.text
    return store, products


CART_ADD = [
    "SELECT products",  # the product and its variants: price, stock, whether it can be bought
    "INSERT carts",  # ... ON CONFLICT DO UPDATE ... RETURNING updated_at, coupon_id
    "INSERT cart_items",  # ... ON CONFLICT DO UPDATE quantity = quantity + ... RETURNING quantity
    "SELECT cart_items",  # the lines priced from the catalog, for the answer
]


async def test_a_cart_add_costs_four_statements_through_either_door(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    # given
    store, products = await _store_with_cart(client, runtime, "c")

    # when
    with statements(runtime) as rest:
        response = await client.post(
            store.aerocall("/cart/c/items"), json={"productId": products[2], "quantity": 1}, headers=store.auth
        )
    with statements(runtime) as graphql:
        added = await gql(client, store, ADD_ITEM, cartId="c", productId=products[3])

    # then
    assert response.status_code == 200, response.text
    assert len(response.json()["items"]) == 3
    assert added["cartAddItem"]["userErrors"] == []
    for seen in (rest, graphql):
        assert seen.kinds == _begin(runtime) + CART_ADD
        assert seen.bookkeeping == 0
        assert seen.add_up()


def _checkout_statements(runtime: Runtime, lines: int) -> list[str]:
    # On PostgreSQL each outbox row also wakes the workers of other processes, with a NOTIFY in its transaction.
    wake = ["SELECT pg_notify"] if not runtime.database.is_sqlite else []
    return [
        "SELECT store_settings",  # the provider's credentials, the storefront URL, the order lifetime
        "SELECT projects",  # the order-link secret: no successUrl given, so the hosted order page is the default
        "SELECT carts",  # the cart and its lines priced from the catalog, in one statement
        *["UPDATE products"] * lines,  # stock taken: conditional, RETURNING the low-stock flag
        "INSERT order_counters",  # the next number: ON CONFLICT DO UPDATE ... RETURNING
        "INSERT orders",  # with the manual payment already in it
        "INSERT order_items",  # every line in one batch
        "INSERT outbox_messages",  # order.created
        *wake,
        "DELETE cart_items",
        "UPDATE carts",
        "INSERT outbox_messages",  # the confirmation email
        *wake,
    ]


async def test_a_cash_on_delivery_checkout_is_one_transaction_of_one_statement_per_step(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    # given
    store, products = await _store_with_cart(client, runtime, "rest")
    for product in products[:3]:
        response = await client.post(
            store.aerocall("/cart/gql/items"), json={"productId": product, "quantity": 1}, headers=store.auth
        )
        assert response.status_code == 200, response.text

    # when
    with statements(runtime) as rest:
        response = await client.post(store.aerocall("/checkout"), json=checkout_body("rest"), headers=store.auth)
    with statements(runtime) as graphql:
        placed = await gql(
            client,
            store,
            CHECKOUT,
            input={"cartId": "gql", "email": "bo@example.com", "shippingAddress": GRAPHQL_ADDRESS},
        )

    # then
    assert response.status_code in (200, 201), response.text
    assert response.json()["payment"]["provider"] == "manual"
    assert placed["checkout"]["userErrors"] == []
    assert placed["checkout"]["payment"]["provider"] == "manual"
    assert rest.kinds == _begin(runtime) + _checkout_statements(runtime, 2)
    assert graphql.kinds == _begin(runtime) + _checkout_statements(runtime, 3)
    for seen in (rest, graphql):
        assert seen.bookkeeping >= 1  # the catalog learns of the stock taken
        assert seen.add_up()


async def test_no_statement_of_a_cart_or_a_checkout_scans_a_table(client: httpx.AsyncClient, runtime: Runtime) -> None:
    if not runtime.database.is_sqlite:
        pytest.skip("the query plans checked are SQLite's; PostgreSQL plans by its statistics")
    # given: other carts' lines, which a statement that scans would read
    store, products = await _store_with_cart(client, runtime, "other")
    recorded: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, executemany: bool) -> None:
        recorded.append((statement, parameters[0] if executemany else parameters))

    engine = runtime.database.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        # when: a cart is filled, read, and checked out
        for product in products[:2]:
            added = await client.post(
                store.aerocall("/cart/mine/items"), json={"productId": product, "quantity": 1}, headers=store.auth
            )
            assert added.status_code == 200, added.text
        read = await client.get(store.aerocall("/cart/mine"), headers=store.auth)
        placed = await client.post(store.aerocall("/checkout"), json=checkout_body("mine"), headers=store.auth)
    finally:
        event.remove(engine, "before_cursor_execute", record)

    # then: every table is searched by an index
    assert read.status_code == 200 and len(read.json()["items"]) == 2, read.text
    assert placed.status_code in (200, 201), placed.text
    assert len(recorded) >= 15
    with runtime.database.read_here() as connection:
        for statement, parameters in recorded:
            plan = [row[-1] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)]
            scans = [step for step in plan if step.startswith(("SCAN", "MATERIALIZE")) and step != "SCAN CONSTANT ROW"]
            assert scans == [], (statement, plan)
