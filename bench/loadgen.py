"""A small closed-loop HTTP load generator (asyncio + httpx), used when wrk is not available.

Prints one JSON object: requests, seconds, requests_per_second, p50_ms, p99_ms, errors, non_2xx.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import time
from dataclasses import dataclass, field

import httpx


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    non_2xx: int = 0


def percentile(ordered: list[float], share: float) -> float:
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


async def worker(args: argparse.Namespace, headers: dict[str, str], deadline: float, tally: Tally) -> None:
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    async with httpx.AsyncClient(limits=limits, timeout=5.0) as client:
        request = client.build_request(args.method, args.url, headers=headers, content=args.body)
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                response = await client.send(request)
            except httpx.HTTPError:
                tally.errors += 1
                continue
            tally.latencies.append(time.perf_counter() - started)
            if not 200 <= response.status_code < 300:
                tally.non_2xx += 1


def _split(header: str) -> tuple[str, str]:
    name, _, value = header.partition(":")
    return name.strip(), value.strip()


async def load(args: argparse.Namespace) -> dict[str, float | int]:
    headers = dict(_split(header) for header in args.header)
    tally = Tally()
    started = time.perf_counter()
    deadline = started + args.duration
    workers = [worker(args, headers, deadline, tally) for _ in range(args.connections)]
    await asyncio.wait_for(asyncio.gather(*workers), timeout=args.duration + 10)
    seconds = time.perf_counter() - started
    ordered = sorted(tally.latencies)
    return {
        "requests": len(ordered),
        "seconds": seconds,
        "requests_per_second": len(ordered) / seconds,
        "p50_ms": percentile(ordered, 0.50) * 1000,
        "p99_ms": percentile(ordered, 0.99) * 1000,
        "errors": tally.errors,
        "non_2xx": tally.non_2xx,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("url")
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--method", default="GET")
    parser.add_argument("--header", action="append", default=[], help="NAME: VALUE")
    parser.add_argument("--body", default=None)
    print(json.dumps(asyncio.run(load(parser.parse_args()))))


if __name__ == "__main__":
    main()
