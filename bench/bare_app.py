"""The ceiling: bare Starlette routes on the paths the benchmark loads, each returning bytes saved from shopgraph.

`BENCH_BARE_BODIES` names a JSON file mapping each response (`page`, `product`, `graphql_page`,
`graphql_product`, `graphql_filtered`, `cart`, `checkout`) to a file of its bytes. The app does what every
endpoint must (route, read the body of a POST) and nothing else.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

_FILES: dict[str, str] = json.loads(Path(os.environ["BENCH_BARE_BODIES"]).read_text())
BODIES = {name: Path(path).read_bytes() for name, path in _FILES.items()}
GRAPHQL_BY_OPERATION = (
    (b"query Product", "graphql_product"),
    (b"query Filtered", "graphql_filtered"),
    (b"query Page", "graphql_page"),
)
JSON = "application/json"


async def products(_request: Request) -> Response:
    return Response(BODIES["page"], media_type=JSON)


async def product(_request: Request) -> Response:
    return Response(BODIES["product"], media_type=JSON)


async def graphql(request: Request) -> Response:
    body = await request.body()
    for marker, name in GRAPHQL_BY_OPERATION:
        if marker in body:
            return Response(BODIES[name], media_type=JSON)
    return Response(b'{"errors":[{"message":"unknown operation"}]}', status_code=400, media_type=JSON)


async def cart_add(request: Request) -> Response:
    await request.body()
    return Response(BODIES["cart"], media_type=JSON)


async def checkout(request: Request) -> Response:
    await request.body()
    return Response(BODIES["checkout"], status_code=201, media_type=JSON)


async def healthz(_request: Request) -> Response:
    return Response(b'{"status":"ok"}', media_type=JSON)


app = Starlette(
    routes=[
        Route("/api/v1/ecommerce/products", products, methods=["GET"]),
        Route("/api/v1/ecommerce/products/{slug}", product, methods=["GET"]),
        Route("/api/v1/ecommerce/cart/{cart_id}/items", cart_add, methods=["POST"]),
        Route("/api/v1/ecommerce/checkout", checkout, methods=["POST"]),
        Route("/graphql", graphql, methods=["POST"]),
        Route("/healthz", healthz, methods=["GET"]),
    ]
)
