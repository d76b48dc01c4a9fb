"""Text a database cannot store: PostgreSQL refuses the NUL character in any text value.

Every door refuses it before it reaches the domain (a 400 naming where it was), so a value stored on SQLite is
one PostgreSQL could store too, and an `is_unstorable_text` error that still escapes is a 400, never a 500.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

NUL = "\x00"
UNSTORABLE_MESSAGE = "text must not contain a NUL character"
# PostgreSQL's "character not in repertoire" and "untranslatable character" (asyncpg and psycopg both carry it).
_UNSTORABLE_SQLSTATES = frozenset({"22021", "22P05"})


def nul_location(value: Any, where: str = "") -> str | None:
    """The path (`items[0].name`) of the first string holding a NUL in a decoded JSON value, keys included."""
    if isinstance(value, str):
        return (where or "value") if NUL in value else None
    if isinstance(value, Mapping):
        for key, item in value.items():
            path = f"{where}.{key}" if where else str(key)
            if isinstance(key, str) and NUL in key:
                return where or "body"
            found = nul_location(item, path)
            if found:
                return found
        return None
    if isinstance(value, list | tuple):
        for index, item in enumerate(value):
            found = nul_location(item, f"{where}[{index}]")
            if found:
                return found
    return None


def is_unstorable_text(error: BaseException) -> bool:
    """True when the database refused a text value somewhere in the chain of causes."""
    seen: BaseException | None = error
    while seen is not None:
        if str(getattr(seen, "sqlstate", "") or getattr(seen, "pgcode", "")) in _UNSTORABLE_SQLSTATES:
            return True
        seen = seen.__cause__ or seen.__context__
    return False
