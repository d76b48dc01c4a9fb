"""A document sent again, with other variables, is not parsed, validated or walked again."""

from __future__ import annotations

import uuid

import httpx
import pytest
import strawberry.schema.schema as strawberry_schema

import shopgraph.schema.extensions as extensions
import shopgraph.schema.view as view
from tests.support.calls import count_calls
from tests.support.factories import Store
from tests.support.graphql import data_of, execute

SLUGS = ("classic-tee", "ceramic-mug", "wool-beanie", "canvas-tote")


def product_query() -> str:
    # An alias no other test sends, so the first request of this test is the document's first anywhere.
    return f"query Product($slug: String!) {{ p{uuid.uuid4().hex}: product(slug: $slug) {{ slug name }} }}"


async def test_a_document_is_validated_and_checked_once_whatever_its_variables(
    client: httpx.AsyncClient, demo: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given
    validations = count_calls(monkeypatch, strawberry_schema, "validate", strawberry_schema.validate)
    cache_checks = count_calls(monkeypatch, view, "parse", view.parse)
    nul_walks = count_calls(monkeypatch, extensions, "visit", extensions.visit)
    query = product_query()

    # when
    answers = [await execute(client, demo, query, {"slug": slug}) for slug in SLUGS]

    # then
    assert [next(iter(data_of(answer).values()))["slug"] for answer in answers] == list(SLUGS)
    assert len(validations) == 1
    assert len(cache_checks) == 1
    assert len(nul_walks) == 0


async def test_a_refused_document_is_refused_every_time_it_is_sent(client: httpx.AsyncClient, demo: Store) -> None:
    # given
    too_deep = "{ categories { " + "children { " * 12 + "id" + " }" * 12 + " } }"

    # when
    answers = [await execute(client, demo, too_deep) for _ in range(3)]

    # then
    for answer in answers:
        body = answer.json()
        assert body["data"] is None
        assert "depth" in body["errors"][0]["message"]


async def test_a_nul_escaped_in_a_literal_is_still_found(client: httpx.AsyncClient, demo: Store) -> None:
    # when
    answer = await execute(client, demo, '{ product(slug: "tee\\u0000") { id } }')

    # then
    assert answer.json()["errors"][0]["extensions"]["code"] == "INVALID_INPUT"
