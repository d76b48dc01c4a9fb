"""Browser tests: the real app over HTTP on loopback, driven in Debian's Chromium with Playwright's async API.

Fixtures:
- `live_server`: the app on the test's database (SQLite and PostgreSQL, like every test), served by uvicorn on a
  free loopback port, startup and shutdown included. Set data up with the usual async fixtures (`demo`,
  `runtime`, factories): they write to the same database.
- `browser`: one Chromium for the whole run. Where `/usr/bin/chromium` is missing the browser tests skip,
  saying why; under `CI=true` they fail instead.
- `page`: a fresh context and page whose base URL is the live server (`watched_page` opens one on another
  server, such as a `shopgraph serve` process). Every request to a host that is not
  loopback is aborted, and a test that made one, or whose page logged a console error or threw, fails.
  `page_watch.allow_console_error(pattern)` accepts an error a test expects.

Tests are `async def` and run on the session's event loop, where the browser lives (Playwright's sync API
would keep a loop running in the main thread and stop every async fixture after it).
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import AsyncIterator, Generator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import pytest_asyncio
from playwright.async_api import Browser, ConsoleMessage, Page, Route, async_playwright, expect
from starlette.applications import Starlette

from shopgraph.app import create_app
from shopgraph.settings import Settings
from tests.fakes.server import LoopbackServer

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
EXPECT_TIMEOUT_MS = 10_000
BROWSER_DIRECTORY = Path(__file__).resolve().parent
_LOCAL_SCHEMES = {"data", "blob", "about"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if BROWSER_DIRECTORY in item.path.parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.asyncio(loop_scope="session"), append=False)


def _is_loopback(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in _LOCAL_SCHEMES:
        return True
    host = parts.hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass
class PageWatch:
    """What a page did that a test must not let pass: requests leaving the machine, console errors, exceptions."""

    blocked: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    allowed: list[re.Pattern[str]] = field(default_factory=list)

    def allow_console_error(self, pattern: str) -> None:
        self.allowed.append(re.compile(pattern))

    def problems(self) -> list[str]:
        unexpected = [text for text in self.console_errors if not any(p.search(text) for p in self.allowed)]
        return [f"blocked a request off the machine: {url}" for url in self.blocked] + [
            f"console error: {text}" for text in unexpected
        ]


_WATCH = pytest.StashKey[PageWatch]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, object, object]:
    result = yield
    watch = item.stash.get(_WATCH, None)
    if watch is not None and (problems := watch.problems()):
        pytest.fail("the page misbehaved:\n" + "\n".join(problems), pytrace=False)
    return result


@dataclass(frozen=True)
class LiveServer:
    url: str
    app: Starlette


@pytest.fixture
def live_server(settings: Settings) -> Iterator[LiveServer]:
    app = create_app(settings)
    with LoopbackServer(app, lifespan="on") as server:
        yield LiveServer(server.url, app)


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def browser() -> AsyncIterator[Browser]:
    if not CHROMIUM.exists():  # noqa: ASYNC240 - once a run, before the browser starts
        reason = f"no Chromium at {CHROMIUM} (Debian package chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}: CI requires the browser tests", pytrace=False)
        pytest.skip(f"{reason}: browser tests skipped")
    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            await launched.close()


@pytest.fixture
def page_watch(request: pytest.FixtureRequest) -> PageWatch:
    watch = PageWatch()
    request.node.stash[_WATCH] = watch
    return watch


@asynccontextmanager
async def watched_page(browser: Browser, base_url: str, page_watch: PageWatch) -> AsyncIterator[Page]:
    """A fresh context and page on `base_url` that may reach loopback only, its console errors watched."""
    context = await browser.new_context(base_url=base_url)

    async def only_loopback(route: Route) -> None:
        if _is_loopback(route.request.url):
            await route.continue_()
        else:
            page_watch.blocked.append(route.request.url)
            await route.abort("blockedbyclient")

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            page_watch.console_errors.append(message.text)

    await context.route("**/*", only_loopback)
    opened = await context.new_page()
    opened.on("console", on_console)
    opened.on("pageerror", lambda error: page_watch.console_errors.append(f"uncaught {error}"))
    try:
        yield opened
    finally:
        await context.close()


@pytest_asyncio.fixture(loop_scope="session")
async def page(browser: Browser, live_server: LiveServer, page_watch: PageWatch) -> AsyncIterator[Page]:
    async with watched_page(browser, live_server.url, page_watch) as opened:
        yield opened
