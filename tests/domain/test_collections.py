"""A large catalog's snapshot is left out of the cycle collector's full collections, which would walk all of it."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from shopgraph.db.state import BY_SLUG
from shopgraph.domain import cache as cache_module
from shopgraph.runtime import Runtime
from tests.support.factories import Store


@pytest.fixture
def nothing_frozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()


def tracked(value: object) -> bool:
    """Whether the collector's collections (the permanent generation aside) walk `value`."""
    return any(item is value for item in gc.get_objects())


async def test_a_large_catalogs_snapshot_is_frozen_when_built(
    runtime: Runtime, demo: Store, monkeypatch: pytest.MonkeyPatch, nothing_frozen: None
) -> None:
    # given
    monkeypatch.setattr(cache_module, "FROZEN_FROM_PRODUCTS", 5)
    state = await runtime.state.fetch(BY_SLUG, demo.slug)
    assert state is not None

    # when
    snapshot = await runtime.cache.catalog(state)

    # then
    view = next(iter(snapshot.products_by_id.values()))
    assert gc.get_freeze_count() > 0
    assert not tracked(view)


async def test_a_small_catalogs_snapshot_is_left_to_the_collector(
    runtime: Runtime, demo: Store, nothing_frozen: None
) -> None:
    # given
    state = await runtime.state.fetch(BY_SLUG, demo.slug)
    assert state is not None

    # when
    snapshot = await runtime.cache.catalog(state)

    # then
    assert gc.get_freeze_count() == 0
    assert tracked(next(iter(snapshot.products_by_id.values())))
