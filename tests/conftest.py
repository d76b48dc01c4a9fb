from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from shopgraph.app import create_app
from shopgraph.runtime import Runtime
from shopgraph.settings import Settings
from tests.support.databases import PostgresDatabase, SqliteTemplate, encryption_keys_for, selected_backends
from tests.support.factories import Store, make_store

pytest_plugins = ["tests.fakes.fixtures"]

BACKENDS = selected_backends()
# Tests marked so post their webhooks to the real HTTP receiver on loopback (`receiver`).
WEBHOOK_RECEIVER = "webhook_receiver"
FAST_RETRIES = (0, 0, 0, 0)


@pytest.fixture(scope="session")
def database_templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    templates: dict[str, object] = {}
    yield templates
    for template in templates.values():
        template.close()  # type: ignore[attr-defined]


@pytest.fixture(params=BACKENDS)
def database_template(
    request: pytest.FixtureRequest,
    database_templates: dict[str, object],
    tmp_path_factory: pytest.TempPathFactory,
) -> SqliteTemplate | PostgresDatabase:
    backend = request.param
    if backend not in database_templates:
        database_templates[backend] = (
            SqliteTemplate(tmp_path_factory.mktemp("sqlite-template")) if backend == "sqlite" else PostgresDatabase()
        )
    return database_templates[backend]  # type: ignore[return-value]


@pytest.fixture
async def database_url(database_template: SqliteTemplate | PostgresDatabase, tmp_path: Path) -> str:
    if isinstance(database_template, PostgresDatabase):
        await database_template.empty()
    return database_template.fresh(tmp_path)


@pytest.fixture
def settings(request: pytest.FixtureRequest, database_url: str) -> Settings:
    if request.node.get_closest_marker(WEBHOOK_RECEIVER) is None:
        return Settings(database_url=database_url, encryption_keys=encryption_keys_for(database_url))
    # Webhooks go to the loopback receiver, which has a private address; retries are immediate.
    return Settings(
        database_url=database_url,
        encryption_keys=encryption_keys_for(database_url),
        stripe_api_base=request.getfixturevalue("stripe_fake").url,
        allow_private_webhook_targets=True,
        retry_schedule_seconds=FAST_RETRIES,
        webhook_timeout_seconds=2.0,
    )


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[Starlette]:
    application = create_app(settings)
    yield application
    await application.state.runtime.close()


@pytest.fixture
def runtime(app: Starlette) -> Runtime:
    return app.state.runtime  # type: ignore[no-any-return]


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as http:
        yield http


@pytest.fixture
async def demo(runtime: Runtime) -> Store:
    return await make_store(runtime, "demo", demo=True)
