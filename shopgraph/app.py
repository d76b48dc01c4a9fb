"""The ASGI application: REST compatibility layer, GraphQL, health."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Match, Mount, Route
from starlette.types import Scope

from shopgraph.assets import STATIC_PREFIX, StaticAssets
from shopgraph.dashboard import dashboard_mount
from shopgraph.dashboard.admin_graphql import has_session_cookie, project_of_session
from shopgraph.db.faults import RETRY_AFTER_SECONDS, can_write
from shopgraph.db.state import ProjectState
from shopgraph.db.stored_secrets import check_keys
from shopgraph.delivery.outbox import count_pending
from shopgraph.delivery.worker import Worker
from shopgraph.domain.stores.access import project_from_host_or_key, require_secret
from shopgraph.errors import DomainError
from shopgraph.explore import ADMIN_GRAPHIQL, STOREFRONT_GRAPHIQL, api_reference
from shopgraph.middleware import Cors, RequestGuard
from shopgraph.observe import metrics
from shopgraph.observe.requests import RequestObserver
from shopgraph.observe.routes import TemplatedMount
from shopgraph.rate_limits import FailureBrake, RateLimit, RequestLimiter, parse_limit
from shopgraph.rest_compat.context import presented_key
from shopgraph.rest_compat.preflight import preflight_origins
from shopgraph.rest_compat.responses import domain_error_response, error_response, json_response
from shopgraph.rest_compat.routes import rest_routes
from shopgraph.runtime import Runtime
from shopgraph.schema import admin, storefront
from shopgraph.schema.build import build_schema
from shopgraph.schema.view import GraphQLDoor, ShopGraphQL
from shopgraph.settings import Settings
from shopgraph.storefront import storefront_routes

log = logging.getLogger("shopgraph")

_HTTP_CODES = {404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED", 400: "BAD_REQUEST", 413: "PAYLOAD_TOO_LARGE"}


async def _storefront_project(request: Request, runtime: Runtime) -> ProjectState:
    return await project_from_host_or_key(
        runtime.state, request.headers.get("host"), runtime.settings.base_domain, presented_key(request)
    )


async def _admin_project(request: Request, runtime: Runtime) -> ProjectState:
    if presented_key(request) is None and has_session_cookie(request):
        return await project_of_session(request, runtime)
    return require_secret(await _storefront_project(request, runtime))


async def healthz(_request: Request) -> Response:
    return json_response({"status": "ok"})


async def readyz(request: Request) -> Response:
    """Ready when the database takes a write (rolled back): a read-only, full or unreachable one is not ready."""
    runtime: Runtime = request.app.state.runtime
    try:
        writable = await can_write(runtime.database)
    except Exception as error:
        log.warning("database not ready: %s", type(error).__name__)
        writable = False
    if not writable:
        return error_response(
            503,
            "DATABASE_UNAVAILABLE",
            "the database is not reachable or does not accept writes",
            {"retry-after": str(RETRY_AFTER_SECONDS)},
        )
    return json_response({"status": "ready"})


async def metrics_page(request: Request) -> Response:
    """Prometheus text format, for loopback clients or with the metrics token; to anyone else it does not exist."""
    runtime: Runtime = request.app.state.runtime
    client = request.client.host if request.client else None
    if not metrics.may_read(client, request.headers.get("authorization"), runtime.settings.metrics_token):
        return error_response(404, "NOT_FOUND", "Not Found")
    backlog = await count_pending(runtime.database)
    body = metrics.exposition(
        metrics.DeliveryGauges(
            outbox_pending=backlog.pending,
            webhook_deliveries_pending=backlog.webhook_deliveries,
            webhook_endpoints_backed_off=backlog.endpoints_backed_off,
            webhook_endpoints_disabled=backlog.endpoints_disabled,
        )
    )
    return Response(body, media_type=metrics.CONTENT_TYPE)


async def _domain_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)
    return domain_error_response(exc)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    message = exc.detail if isinstance(exc.detail, str) else "request refused"
    headers = {name: value for name, value in (exc.headers or {}).items() if name.lower() != "allow"}
    if exc.status_code == 405:
        # The routing above left the matched mount's path in root_path: start again from the application's.
        scope = {**request.scope, "root_path": request.scope.get("app_root_path", ""), "path_params": {}}
        headers["allow"] = ", ".join(sorted(_allowed_methods(request.app.router.routes, scope)))
    return error_response(exc.status_code, _HTTP_CODES.get(exc.status_code, "HTTP_ERROR"), message, headers)


def _allowed_methods(routes: Sequence[BaseRoute], scope: Scope) -> set[str]:
    """Every method some route takes at this path: Starlette's own `Allow` names only the first route's."""
    methods: set[str] = set()
    for route in routes:
        match, child = route.matches(scope)
        if match is Match.NONE:
            continue
        if isinstance(route, Mount):
            methods |= _allowed_methods(route.routes, {**scope, **child})
        elif isinstance(route, Route) and route.methods:
            methods |= route.methods
    return methods


def _limiter(settings: Settings, value: str | None) -> RequestLimiter | None:
    limit = parse_limit(value)
    return None if limit is None else RequestLimiter(limit, settings.redis_url)


def create_app(settings: Settings | None = None, *, runtime: Runtime | None = None) -> Starlette:
    settings = settings or Settings.from_env()
    runtime = runtime or Runtime.start(settings)
    storefront_view = ShopGraphQL(
        build_schema(settings, storefront.Query, storefront.Mutation),
        runtime,
        graphiql=STOREFRONT_GRAPHIQL,
        cacheable_root_fields=storefront.CACHEABLE_ROOT_FIELDS,
    )
    admin_view = ShopGraphQL(
        build_schema(settings, admin.AdminQuery, admin.AdminMutation),
        runtime,
        graphiql=ADMIN_GRAPHIQL,
        cacheable_root_fields=admin.CACHEABLE_ROOT_FIELDS,
    )

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        # Keys that do not open the stored secrets stop the start, rather than fail payments one request at a time.
        await check_keys(runtime.database)
        tasks = [asyncio.create_task(runtime.state.listen(), name="project states: LISTEN")]
        if settings.run_worker:
            tasks.append(asyncio.create_task(Worker(settings, runtime.database).run_forever(), name="worker"))
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await runtime.close()

    app = Starlette(
        routes=[
            Route("/healthz", healthz, methods=["GET"]),
            Route("/readyz", readyz, methods=["GET"]),
            *rest_routes(),
            Route("/graphql", GraphQLDoor(storefront_view, _storefront_project)),
            Route("/admin/graphql", GraphQLDoor(admin_view, _admin_project)),
            Route("/docs", api_reference, methods=["GET"]),
            Route("/metrics", metrics_page, methods=["GET"]),
            dashboard_mount(settings),
            *storefront_routes(),
            TemplatedMount(STATIC_PREFIX, app=StaticAssets(), name="static"),
        ],
        middleware=[
            Middleware(RequestObserver),
            Middleware(
                RequestGuard,
                max_body_bytes=settings.max_body_bytes,
                max_query_string_bytes=settings.max_query_string_bytes,
                body_timeout=settings.body_timeout_seconds,
            ),
            Middleware(Cors, origins_for=preflight_origins(runtime)),
            Middleware(RateLimit, limiter=_limiter(settings, settings.rate_limit)),
            Middleware(FailureBrake, limiter=runtime.failures),
        ],
        exception_handlers={DomainError: _domain_error, HTTPException: _http_error},
        lifespan=lifespan,
    )
    app.state.runtime = runtime
    return app
