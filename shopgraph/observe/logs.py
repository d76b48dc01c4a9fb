"""Logging for every shopgraph process: the standard `logging` module, JSON lines through python-json-logger (its
orjson serializer, twice as fast as the standard library's) or plain text, every line passed through the redactor.

uvicorn, SQLAlchemy, Alembic, httpx and the payment SDKs all log through `logging`, so one handler and one formatter
cover their lines and ours alike, and `serve` hands the same configuration to uvicorn for each of its processes.
"""

from __future__ import annotations

import logging
import logging.config
import sys
import time
from collections.abc import Iterable
from typing import Any, TextIO

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.orjson import OrjsonFormatter

from shopgraph.observe.redaction import Redactor
from shopgraph.settings import Settings

ACCESS_LOGGER = "shopgraph.access"
TEXT_FORMAT = "%(asctime)s %(levelname)-7s %(name)s %(message)s"
JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s"
JSON_NAMES = {"asctime": "time", "levelname": "level", "name": "logger"}
# Libraries that are chatty below WARNING (SQLAlchemy logs every statement at INFO); DEBUG lets them all speak.
CHATTY_LIBRARIES = ("sqlalchemy", "aiosqlite", "alembic", "asyncio", "httpx", "httpcore", "stripe", "urllib3")


def _lean_records() -> None:
    """Each record would otherwise walk the stack for its caller and look up the thread and process names."""
    logging._srcfile = None
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False


class _UtcTimes(logging.Formatter):
    """ISO 8601 times in UTC with milliseconds; the seconds part is formatted once a second."""

    _second = -1
    _formatted = ""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        second = int(record.created)
        if second != self._second:
            self._second, self._formatted = second, time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))
        return f"{self._formatted}.{int(record.msecs):03d}Z"


# A request's line is built from what the server decided (route template, method from a fixed set, status, the
# project's slug, its own request id), never from the path or headers, so it skips the redactor's scans.


class TextFormatter(_UtcTimes):
    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__(TEXT_FORMAT)
        self.redact = Redactor(secrets)
        _lean_records()

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        request_id = getattr(record, "request_id", None)
        if request_id is not None:
            line += f" project={getattr(record, 'project', None) or '-'} request_id={request_id}"
        return line if record.name == ACCESS_LOGGER else self.redact(line)


class JsonFormatter(_UtcTimes, OrjsonFormatter):
    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__(JSON_FIELDS, rename_fields=JSON_NAMES, reserved_attrs=[*RESERVED_ATTRS, "color_message"])
        self.redact = Redactor(secrets)
        _lean_records()

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        return line if record.name == ACCESS_LOGGER else self.redact(line)


class HideValues(logging.Filter):
    """At DEBUG, SQLAlchemy logs result rows and aiosqlite every call with its arguments, provider secrets among
    them; the values are dropped (the engine's hide_parameters covers the statements' own lines)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno > logging.DEBUG:
            return True
        if record.name.startswith("sqlalchemy.engine") and isinstance(record.msg, str) and record.msg.startswith("Row"):
            record.msg, record.args = "Row (values hidden)", None
        elif record.name == "aiosqlite" and record.args:
            record.args = tuple("(values hidden)" for _ in record.args)
        return True


def log_format(settings: Settings) -> str:
    if settings.log_format:
        return settings.log_format
    return "text" if sys.stderr.isatty() else "json"


def logging_config(settings: Settings, *, level: str | None = None, stream: TextIO | None = None) -> dict[str, Any]:
    """A `logging.config.dictConfig` for this process, and for each process uvicorn starts."""
    level = level or settings.log_level
    formatter = JsonFormatter if log_format(settings) == "json" else TextFormatter
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"shopgraph": {"()": formatter, "secrets": settings.secrets()}},
        "filters": {"hide_values": {"()": HideValues}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "shopgraph",
                "filters": ["hide_values"],
                "stream": stream if stream is not None else "ext://sys.stderr",
            }
        },
        "root": {"level": level, "handlers": ["stderr"]},
        "loggers": {
            "uvicorn": {"handlers": [], "propagate": True, "level": level},
            "uvicorn.error": {"handlers": [], "propagate": True},
            # One line per request comes from shopgraph itself (shopgraph.access).
            "uvicorn.access": {"handlers": [], "propagate": False, "level": "WARNING"},
            **{
                name: {"level": "NOTSET" if level == "DEBUG" else "WARNING", "handlers": [], "propagate": True}
                for name in CHATTY_LIBRARIES
            },
        },
    }


def configure_logging(settings: Settings, *, level: str | None = None, stream: TextIO | None = None) -> None:
    logging.config.dictConfig(logging_config(settings, level=level, stream=stream))
