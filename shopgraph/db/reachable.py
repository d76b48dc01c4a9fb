"""Whether the configured database answers, said in one line when it does not."""

from __future__ import annotations

import asyncio
import socket
import sqlite3

from sqlalchemy import text
from sqlalchemy.engine import make_url

from shopgraph.db.engine import create_engine, is_sqlite

CONNECT_TIMEOUT_SECONDS = 10


class DatabaseUnreachable(Exception):
    pass


def shown_url(url: str) -> str:
    """The URL with its password masked, as messages may show it."""
    return make_url(url).render_as_string(hide_password=True)


def _reason(error: BaseException) -> str:
    if isinstance(error, socket.gaierror):
        return "its host name is not known"
    if isinstance(error, ConnectionRefusedError):
        return "the connection was refused (is the server running, on that port?)"
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    cause = getattr(error, "orig", None) or error.__cause__
    if cause is not None and cause is not error:
        return _reason(cause)
    lines = str(error).strip().splitlines()
    message = lines[0] if lines else type(error).__name__
    if "unable to open database file" in message:
        return f"{message} (does its folder exist, and may this user write there?)"
    return message


def _open_sqlite(url: str) -> None:
    # The standard library's driver: aiosqlite's thread would outlive a failed connect and print its traceback.
    connection = sqlite3.connect(make_url(url).database or "", timeout=CONNECT_TIMEOUT_SECONDS)
    try:
        connection.execute("SELECT 1")
    finally:
        connection.close()


async def _connect(url: str) -> None:
    engine = create_engine(url, connect_args={"timeout": CONNECT_TIMEOUT_SECONDS})
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    finally:
        await engine.dispose()


def check_reachable(url: str) -> None:
    """Connects once; raises DatabaseUnreachable with the reason, and the URL without its password."""
    try:
        if is_sqlite(url):
            _open_sqlite(url)
        else:
            asyncio.run(asyncio.wait_for(_connect(url), CONNECT_TIMEOUT_SECONDS + 1))
    except TimeoutError:
        raise DatabaseUnreachable(f"no answer from {shown_url(url)} within {CONNECT_TIMEOUT_SECONDS} seconds") from None
    except Exception as error:
        raise DatabaseUnreachable(f"cannot connect to {shown_url(url)}: {_reason(error)}") from None
