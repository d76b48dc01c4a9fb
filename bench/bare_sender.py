"""The ceiling for `bench.deliveries`' `backlog`: a bare httpx client posting order.created-sized events to the
receiver, as many in flight as the worker's per-endpoint limit, with no database and no signing.

.venv/bin/python -m bench.bare_sender URL COUNT IN_FLIGHT
"""

from __future__ import annotations

import asyncio
import json
import sys

import httpx

PADDING = "x" * 1200


def event(number: int) -> bytes:
    order = {"id": f"bare_{number}", "status": "pending", "notes": PADDING}
    return json.dumps({"id": f"evt_bare_{number}", "type": "order.created", "data": {"order": order}}).encode()


async def send_all(url: str, count: int, in_flight: int) -> None:
    numbers = iter(range(count))

    async def sender(client: httpx.AsyncClient) -> None:
        for number in numbers:
            response = await client.post(url, content=event(number), headers={"Content-Type": "application/json"})
            response.raise_for_status()

    async with httpx.AsyncClient(timeout=10, trust_env=False) as client:
        await asyncio.gather(*(sender(client) for _ in range(in_flight)))


if __name__ == "__main__":
    asyncio.run(send_all(sys.argv[1], int(sys.argv[2]), int(sys.argv[3])))
