"""Readers for the values of `SHOPGRAPH_` variables: each turns the text into a typed value or says what is wrong."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from email.utils import parseaddr
from urllib.parse import urlsplit

from cryptography.fernet import Fernet
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from shopgraph.rate_limits import parse_limit

Reader = Callable[[str], object]

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
LOG_FORMATS = ("json", "text")
MIN_TOKEN_CHARS = 16

# Drivers shopgraph runs on, and what to write instead of the URLs people paste from elsewhere.
ASYNC_DRIVERS = {"sqlite+aiosqlite": None, "postgresql+asyncpg": "asyncpg"}
_DRIVER_HINTS = {
    "postgres": "postgresql+asyncpg",
    "postgresql": "postgresql+asyncpg",
    "postgresql+psycopg2": "postgresql+asyncpg",
    "postgresql+psycopg": "postgresql+asyncpg",
    "sqlite": "sqlite+aiosqlite",
    "sqlite+pysqlite": "sqlite+aiosqlite",
}


def flag(raw: str) -> bool:
    value = raw.strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ValueError(f"{raw!r} is not 1 or 0 (true/false, yes/no, on/off)")


def whole_number(minimum: int = 1, maximum: int | None = None) -> Reader:
    def read(raw: str) -> int:
        try:
            value = int(raw.strip())
        except ValueError:
            raise ValueError(f"{raw!r} is not a whole number") from None
        if value < minimum or (maximum is not None and value > maximum):
            upper = f" to {maximum}" if maximum is not None else " or more"
            raise ValueError(f"{value} is out of range: give {minimum}{upper}")
        return value

    return read


def seconds(raw: str) -> float:
    try:
        value = float(raw.strip())
    except ValueError:
        raise ValueError(f"{raw!r} is not a number of seconds") from None
    if not value > 0 or value == float("inf"):
        raise ValueError(f"{raw!r}: give a number of seconds greater than 0")
    return value


def hours_at_least(minimum: float) -> Reader:
    def read(raw: str) -> float:
        try:
            value = float(raw.strip())
        except ValueError:
            raise ValueError(f"{raw!r} is not a number of hours") from None
        if not minimum <= value < float("inf"):
            raise ValueError(f"{raw!r}: give a number of hours of at least {minimum:g}")
        return value

    return read


def retry_schedule(raw: str) -> tuple[int, ...]:
    try:
        values = tuple(int(part) for part in raw.split(",") if part.strip())
    except ValueError:
        raise ValueError(f"{raw!r} is not a list of seconds like 5,30,120") from None
    if not values or any(value < 0 for value in values):
        raise ValueError("give one or more non-negative numbers of seconds, like 5,30,120")
    return values


def choice(options: tuple[str, ...], *, upper: bool = False) -> Reader:
    def read(raw: str) -> str:
        value = raw.strip().upper() if upper else raw.strip().lower()
        if value not in options:
            raise ValueError(f"{raw!r} is not one of {', '.join(options)}")
        return value

    return read


def text(raw: str) -> str:
    return raw.strip()


def host_name(raw: str) -> str:
    value = raw.strip().lower().strip(".")
    labels = value.split(".")
    if not value or any(not label or not label.replace("-", "").isalnum() or not label.isascii() for label in labels):
        raise ValueError(f"{raw!r} is not a host name such as shop.example.com")
    return value


def url_with_scheme(schemes: tuple[str, ...], example: str) -> Reader:
    def read(raw: str) -> str:
        value = raw.strip()
        try:
            parts = urlsplit(value)
            parts.port  # noqa: B018 - reading it checks it
        except ValueError as exc:
            raise ValueError(f"not a URL such as {example}: {exc}") from None
        if parts.scheme not in schemes or not (parts.hostname or parts.path):
            raise ValueError(f"not a URL such as {example} (scheme {' or '.join(schemes)})")
        return value

    return read


def public_url(raw: str) -> str:
    """The address customers reach shopgraph at: http(s), a host, at most a path prefix; no trailing slash."""
    value = raw.strip()
    example = "https://shop.example.com"
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - reading it checks it
    except ValueError as exc:
        raise ValueError(f"not a URL such as {example}: {exc}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not a URL such as {example} (scheme http or https, and a host)")
    if parts.query or parts.fragment or parts.username or parts.password:
        raise ValueError(f"a URL such as {example}, without query, fragment or credentials")
    return value.rstrip("/")


def email_address(raw: str) -> str:
    value = raw.strip()
    _name, address = parseaddr(value)
    local, _, domain = address.rpartition("@")
    if not local or "." not in domain:
        raise ValueError(f"{raw!r} is not an email address such as shop@example.com")
    return value


def rate_limit(raw: str) -> str:
    try:
        parse_limit(raw)
    except ValueError:
        raise ValueError(f"{raw!r} is not a rate such as 1200/minute or 20/second (or off)") from None
    return raw.strip()


def token(raw: str) -> str:
    value = raw.strip()
    if len(value) < MIN_TOKEN_CHARS or any(char.isspace() for char in value):
        raise ValueError(f"give at least {MIN_TOKEN_CHARS} characters without spaces")
    return value


def database_url(raw: str) -> str:
    """An async SQLAlchemy URL of a database shopgraph runs on, with a hint for the usual slips."""
    value = raw.strip()
    try:
        url = make_url(value)
    except ArgumentError:
        raise ValueError("not a database URL such as postgresql+asyncpg://user@host/shop") from None
    driver = url.drivername
    if driver not in ASYNC_DRIVERS:
        hint = _DRIVER_HINTS.get(driver)
        instead = f"{hint}://..." if hint else "postgresql+asyncpg://... or sqlite+aiosqlite:///path.db"
        raise ValueError(f"{driver}:// is not a driver shopgraph runs on; write {instead}")
    module = ASYNC_DRIVERS[driver]
    if module is not None and importlib.util.find_spec(module) is None:
        raise ValueError(f"{driver} needs the {module} package: pip install 'shopgraph[postgres]'")
    if driver.startswith("sqlite") and not url.database:
        raise ValueError("give the database file, such as sqlite+aiosqlite:///./shopgraph.db")
    return value


def encryption_keys(raw: str) -> tuple[str, ...]:
    """Fernet keys (32 url-safe base64 bytes each), comma-separated: the first encrypts, every one decrypts."""
    keys = tuple(part.strip() for part in raw.split(",") if part.strip())
    if not keys:
        raise ValueError("give at least one key (shopgraph encryption new-key prints one)")
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except (ValueError, TypeError):
            raise ValueError(
                f"key {position} is not a Fernet key (44 characters of url-safe base64); "
                "shopgraph encryption new-key prints one"
            ) from None
    if len(set(keys)) != len(keys):
        raise ValueError("a key is listed twice")
    return keys
