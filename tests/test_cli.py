from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from shopgraph.app import create_app
from shopgraph.db.engine import Database
from shopgraph.db.models import Project, ProjectDomain, StoreSettings
from shopgraph.settings import Settings
from tests.fakes.server import free_port
from tests.support.cli import (
    COMMAND_TIMEOUT_SECONDS,
    SHOPGRAPH,
    Cli,
    cli_in,
    shopgraph_environment,
    stop,
    succeeded,
)
from tests.support.databases import encryption_keys_for

SERVER_START_TIMEOUT_SECONDS = 60
AEROSTACK_PRODUCTS = "/api/v1/public/projects/demo/ecommerce/products"
AEROCALL_PRODUCTS = "/api/v1/ecommerce/products"
DEMO_CONFIG = "/api/v1/public/projects/demo/ecommerce/config"
ACTIVE_DEMO_PRODUCTS = 13


async def _read_settings(database_url: str, slug: str) -> dict[str, Any]:
    database = Database(database_url, encryption_keys_for(database_url))
    try:
        async with database.read() as session:
            project_id = await session.scalar(select(Project.id).where(Project.slug == slug))
            settings = await session.get(StoreSettings, project_id)
            assert settings is not None
            domains = (
                await session.scalars(select(ProjectDomain.domain).where(ProjectDomain.project_id == project_id))
            ).all()
    finally:
        await database.dispose()
    return {
        "tax_basis_points": settings.tax_basis_points,
        "shipping_enabled": settings.shipping_enabled,
        "payment_provider": settings.payment_provider,
        "flat_shipping_rate_minor": settings.flat_shipping_rate_minor,
        "cors_origins": list(settings.cors_origins),
        "domains": sorted(domains),
    }


def read_settings(database_url: str, slug: str) -> dict[str, Any]:
    return asyncio.run(_read_settings(database_url, slug))


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return cli_in(tmp_path)


@pytest.fixture(scope="module")
def configured_shop(tmp_path_factory: pytest.TempPathFactory) -> tuple[Cli, dict[str, str]]:
    shop_cli = cli_in(tmp_path_factory.mktemp("cli-shop"))
    created = json.loads(succeeded(shop_cli.run("project", "create", "shop", "--json")).stdout)
    succeeded(
        shop_cli.run(
            "project",
            "set",
            "shop",
            "tax_percentage=7.5",
            "shipping_enabled=true",
            "cors_origins=https://a.com,https://b.com",
            "domains=shop.example.com",
        )
    )
    return shop_cli, created


def test_project_create_prints_the_keys_as_json(configured_shop: tuple[Cli, dict[str, str]]) -> None:
    # given
    _shop_cli, created = configured_shop

    # then
    assert set(created) == {"slug", "public_key", "secret_key"}
    assert created["slug"] == "shop"
    assert created["public_key"].startswith("pk_")
    assert created["secret_key"].startswith("sk_")


def test_project_create_without_json_prints_both_keys(cli: Cli) -> None:
    # when
    result = succeeded(cli.run("project", "create", "plain-shop"))

    # then
    assert re.search(r"public key\s+pk_\S+", result.stdout)
    assert re.search(r"secret key\s+sk_\S+", result.stdout)


def test_creating_an_existing_slug_again_fails(configured_shop: tuple[Cli, dict[str, str]]) -> None:
    # given
    shop_cli, _created = configured_shop

    # when
    result = shop_cli.run("project", "create", "shop", "--json")

    # then
    assert result.returncode != 0
    assert "already exists" in result.stderr
    assert "shop" in result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("slug", ["Bad Slug!", "-leading-hyphen", "x" * 65])
def test_a_bad_slug_is_refused(cli: Cli, slug: str) -> None:
    # when
    result = cli.run("project", "create", slug, "--json")

    # then
    assert result.returncode != 0
    assert "slug" in result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr


def test_project_set_changes_the_settings(configured_shop: tuple[Cli, dict[str, str]]) -> None:
    # given
    shop_cli, _created = configured_shop

    # when
    settings = read_settings(shop_cli.database_url, "shop")

    # then
    assert settings["tax_basis_points"] == 750
    assert settings["shipping_enabled"] is True
    assert settings["cors_origins"] == ["https://a.com", "https://b.com"]
    assert settings["domains"] == ["shop.example.com"]


@pytest.mark.parametrize(
    ("assignment", "key"),
    [
        ("nope=1", "nope"),
        ("tax_percentage=abc", "tax_percentage"),
        ("tax_percentage=101", "tax_percentage"),
        ("payment_provider=paypal", "payment_provider"),
        ("flat_shipping_rate=-1", "flat_shipping_rate"),
        ("flat_shipping_rate=1e999999", "flat_shipping_rate"),
        ("free_shipping_threshold=9e99999999999", "free_shipping_threshold"),
        ("cors_origins=not-an-origin", "cors_origins"),
        ("domains=not a domain", "domains"),
        ("shipping_enabled", "shipping_enabled"),
    ],
)
def test_a_bad_setting_is_named_and_changes_nothing(
    configured_shop: tuple[Cli, dict[str, str]], assignment: str, key: str
) -> None:
    # given
    shop_cli, _created = configured_shop
    before = read_settings(shop_cli.database_url, "shop")

    # when
    result = shop_cli.run("project", "set", "shop", "shipping_enabled=false", "payment_provider=stripe", assignment)

    # then
    assert result.returncode != 0
    assert key in result.stderr
    assert "Traceback" not in result.stderr
    assert read_settings(shop_cli.database_url, "shop") == before


def test_project_set_of_an_unknown_project_fails(configured_shop: tuple[Cli, dict[str, str]]) -> None:
    # given
    shop_cli, _created = configured_shop

    # when
    result = shop_cli.run("project", "set", "no-such-shop", "tax_percentage=5")

    # then
    assert result.returncode != 0
    assert "no-such-shop" in result.stderr


def test_migrate_creates_and_upgrades_the_database(cli: Cli) -> None:
    # when
    first = cli.run("migrate")
    again = cli.run("migrate")

    # then
    assert first.returncode == again.returncode == 0, first.stderr + again.stderr
    assert (cli.working_directory / "shopgraph.db").is_file()


def test_python_dash_m_runs_the_command() -> None:
    # when
    result = subprocess.run(
        [sys.executable, "-m", "shopgraph.cli", "--help"],
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT_SECONDS,
        check=False,
    )

    # then
    assert result.returncode == 0
    assert "serve" in result.stdout


@dataclass(frozen=True)
class RunningServer:
    base_url: str
    working_directory: Path
    output: str

    @property
    def public_key(self) -> str:
        match = re.search(r"public key\s+(pk_\S+)", self.output)
        assert match, self.output
        return match.group(1)

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.public_key}"}


def wait_until_healthy(process: subprocess.Popen[bytes], base_url: str, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"shopgraph serve exited with {process.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    pytest.fail(f"shopgraph serve did not answer within {SERVER_START_TIMEOUT_SECONDS}s:\n{log.read_text()}")


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    working_directory = tmp_path_factory.mktemp("serve")
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    stdout_path = working_directory.parent / f"{working_directory.name}-stdout.txt"
    stderr_path = working_directory.parent / f"{working_directory.name}-stderr.txt"
    with stdout_path.open("wb") as stdout, stderr_path.open("wb") as stderr:
        process = subprocess.Popen(
            [str(SHOPGRAPH), "serve", "--demo", "--port", str(port)],
            cwd=working_directory,
            env=shopgraph_environment(database_url=None),
            stdout=stdout,
            stderr=stderr,
        )
        try:
            wait_until_healthy(process, base_url, stderr_path)
            yield RunningServer(base_url, working_directory, stdout_path.read_text())
        finally:
            stop(process)


def test_serve_demo_creates_the_database_in_the_working_directory(demo_server: RunningServer) -> None:
    assert (demo_server.working_directory / "shopgraph.db").is_file()


def test_serve_demo_prints_the_public_key_and_the_urls(demo_server: RunningServer) -> None:
    # given
    output = demo_server.output
    key = demo_server.public_key

    # then
    assert key.startswith("pk_")
    assert f"{demo_server.base_url}/graphql" in output
    assert f"{demo_server.base_url}{AEROSTACK_PRODUCTS}" in output
    assert f"{demo_server.base_url}{AEROCALL_PRODUCTS}" in output
    assert f"{demo_server.base_url}/api/v1/openapi.json" in output
    assert f"{demo_server.base_url}/dashboard/login" in output
    assert "token=sk_" not in output


@pytest.mark.parametrize("path", [AEROCALL_PRODUCTS, AEROSTACK_PRODUCTS], ids=["aerocall", "aerostack"])
def test_the_served_demo_lists_products_with_the_printed_key(demo_server: RunningServer, path: str) -> None:
    # when
    response = httpx.get(
        f"{demo_server.base_url}{path}",
        headers=demo_server.auth,
        timeout=10,
    )

    # then
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] == ACTIVE_DEMO_PRODUCTS
    assert len(body["products"]) == ACTIVE_DEMO_PRODUCTS


def test_the_printed_urls_open_in_a_browser(demo_server: RunningServer) -> None:
    # given
    listed = "\n".join(line for line in demo_server.output.splitlines() if "curl" not in line)
    urls = re.findall(r"http://127\.0\.0\.1:\d+/\S+", listed)

    # when: opened as a browser does, with no header but what the URL carries
    browser = {"Accept": "text/html,application/xhtml+xml,*/*"}
    statuses = {url: httpx.get(url, headers=browser, timeout=10).status_code for url in urls}

    # then
    assert len(urls) >= 4
    assert set(statuses.values()) == {200}, statuses


def test_the_running_server_sees_project_set_without_a_restart(demo_server: RunningServer) -> None:
    # given
    serving_cli = Cli(
        f"sqlite+aiosqlite:///{demo_server.working_directory / 'shopgraph.db'}", demo_server.working_directory
    )
    config_url = f"{demo_server.base_url}{DEMO_CONFIG}"
    before = httpx.get(config_url, timeout=10).json()

    # when
    succeeded(serving_cli.run("project", "set", "demo", "tax_percentage=20"))
    after = httpx.get(config_url, timeout=10).json()

    # then
    assert before["tax_percentage"] == 10
    assert after["tax_percentage"] == 20


@pytest.fixture
async def demo_app_client(cli: Cli) -> AsyncIterator[httpx.AsyncClient]:
    succeeded(cli.run("project", "create", "demo", "--demo", "--json"))
    app = create_app(Settings(database_url=cli.database_url, encryption_keys=encryption_keys_for(cli.database_url)))
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
            yield client
    finally:
        await app.state.runtime.close()


async def test_an_app_in_process_sees_project_set_on_its_next_request(
    cli: Cli, demo_app_client: httpx.AsyncClient
) -> None:
    # given
    before = (await demo_app_client.get(DEMO_CONFIG)).json()

    # when
    returncode, stderr = await cli.run_async("project", "set", "demo", "tax_percentage=20", "shipping_enabled=false")
    after = (await demo_app_client.get(DEMO_CONFIG)).json()

    # then
    assert returncode == 0, stderr
    assert (before["tax_percentage"], before["shipping_enabled"]) == (10, True)
    assert (after["tax_percentage"], after["shipping_enabled"]) == (20, False)
