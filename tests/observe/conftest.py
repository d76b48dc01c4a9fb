from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from shopgraph.observe.logs import configure_logging
from shopgraph.settings import Settings


class CapturedLogs:
    def __init__(self) -> None:
        self.stream = io.StringIO()

    def start(self, settings: Settings, level: str = "INFO") -> None:
        configure_logging(settings, level=level, stream=self.stream)

    @property
    def text(self) -> str:
        return self.stream.getvalue()

    @property
    def lines(self) -> list[str]:
        return self.text.splitlines()


@pytest.fixture
def captured_logs() -> Iterator[CapturedLogs]:
    """Our logging configuration writing to a buffer; the root logger and the libraries' levels put back after."""
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    names = ["uvicorn", "uvicorn.error", "uvicorn.access", "sqlalchemy", "aiosqlite", "alembic", "asyncio", "httpx",
             "httpcore", "stripe", "urllib3"]  # fmt: skip
    saved = {name: logging.getLogger(name).level for name in names}
    captured = CapturedLogs()
    yield captured
    root.handlers[:] = saved_handlers
    root.setLevel(saved_level)
    for name, level in saved.items():
        logging.getLogger(name).setLevel(level)
