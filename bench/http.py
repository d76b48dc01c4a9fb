"""A minimal HTTP/1.1 keep-alive client on asyncio streams, for the benchmark's Python clients.

httpx (which the project uses everywhere else) reached only about 250 requests/s against the bare app on one
loaded core here: below the write figures the benchmark has to be able to show. This client does only what
talking to uvicorn over loopback needs: one request at a time per connection, Content-Length or chunked
bodies, reconnecting after a failure.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

TIMEOUT_SECONDS = 30.0


class HTTPFailure(Exception):
    """The request could not be completed (connection refused or reset, timeout, malformed answer)."""


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class _ClosedBeforeAnswer(Exception):
    pass


class Connection:
    def __init__(self, base: str, headers: dict[str, str] | None = None) -> None:
        parts = urlsplit(base)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        fixed = {"Host": f"{self.host}:{self.port}", **(headers or {})}
        self._fixed = "".join(f"{name}: {value}\r\n" for name, value in fixed.items())
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def __aenter__(self) -> Connection:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        writer, self._reader, self._writer = self._writer, None, None
        if writer is not None:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()

    async def request(self, method: str, path: str, body: Any = None) -> Answer:
        """Sends one request (a JSON body when `body` is not None) and reads the whole answer.

        A kept-alive connection that the server closed while idle (uvicorn does after 5 s) fails before any
        answer; the request is then sent once more on a new connection, as browsers and HTTP libraries do.
        """
        for attempt in (1, 2):
            reused = self._writer is not None
            try:
                return await asyncio.wait_for(self._exchange(method, path, body), TIMEOUT_SECONDS)
            except _ClosedBeforeAnswer as error:
                await self.close()
                if not reused or attempt == 2:
                    raise HTTPFailure(f"{method} {path}: {error.__cause__!r}") from error
            except (TimeoutError, OSError, EOFError, ValueError) as error:
                await self.close()
                raise HTTPFailure(f"{method} {path}: {error!r}") from error
        raise AssertionError("unreachable")

    async def _exchange(self, method: str, path: str, body: Any) -> Answer:
        if self._writer is None:
            self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
        assert self._reader is not None
        payload = b"" if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
        head = f"{method} {path} HTTP/1.1\r\n{self._fixed}"
        if body is not None:
            head += f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n"
        try:
            self._writer.write(head.encode() + b"\r\n" + payload)
            status_line = await self._reader.readline()
            if not status_line:
                raise EOFError("connection closed")
        except (EOFError, ConnectionResetError, BrokenPipeError) as error:
            raise _ClosedBeforeAnswer from error
        status = int(status_line.split()[1])
        length, chunked, closing = 0, False, False
        while (line := await self._reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding":
                chunked = b"chunked" in value.lower()
            elif name == b"connection":
                closing = b"close" in value.lower()
        content = await self._chunks() if chunked else await self._reader.readexactly(length)
        if closing:
            await self.close()
        return Answer(status, content)

    async def _chunks(self) -> bytes:
        assert self._reader is not None
        parts = []
        while size := int((await self._reader.readline()).split(b";")[0], 16):
            parts.append(await self._reader.readexactly(size))
            await self._reader.readline()
        await self._reader.readline()
        return b"".join(parts)
