"""The HTTP door for a GraphQL schema: key check first, then Strawberry, with catalog results reused."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from cross_web import HTTPException
from graphql import FieldNode, GraphQLError, OperationDefinitionNode, OperationType, parse
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL

from shopgraph.db.state import ProjectState
from shopgraph.errors import DomainError
from shopgraph.explore import GraphiQLPage
from shopgraph.lru import LRU
from shopgraph.middleware import CORS_SCOPE_KEY, PROJECT_SCOPE_KEY, send_json_error
from shopgraph.runtime import Runtime
from shopgraph.schema.context import GraphQLContext
from shopgraph.schema.extensions import REFUSAL_SCOPE_KEY, STORAGE_FAULT_SCOPE_KEY

CLEAN_RESULT_SCOPE_KEY = "shopgraph.clean_result"
Authenticate = Callable[[Request, Runtime], Awaitable[ProjectState]]
_HTTP_CODES = {400: "BAD_REQUEST", 404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED", 415: "UNSUPPORTED_MEDIA_TYPE"}


def cacheable_document(query: str, root_fields: frozenset[str]) -> bool:
    """True when every operation is a query whose root fields all read only the catalog and the settings."""
    try:
        document = parse(query)
    except GraphQLError:
        return False
    for definition in document.definitions:
        if not isinstance(definition, OperationDefinitionNode):
            continue
        if definition.operation is not OperationType.QUERY:
            return False
        for selection in definition.selection_set.selections:
            if not isinstance(selection, FieldNode) or selection.name.value not in root_fields:
                return False
    return True


class ShopGraphQL(GraphQL[GraphQLContext, None]):
    """Strawberry's ASGI view, answering refusals in JSON and reusing the bytes of catalog-only answers.

    GraphiQL is our own page on vendored assets (Strawberry's loads them from a CDN).
    """

    def __init__(
        self,
        schema: Any,
        runtime: Runtime,
        *,
        graphiql: GraphiQLPage,
        cacheable_root_fields: frozenset[str] = frozenset(),
    ) -> None:
        super().__init__(schema, graphql_ide="graphiql", allow_queries_via_get=True)
        self.runtime = runtime
        self.graphiql = graphiql
        self.cacheable_root_fields = cacheable_root_fields
        self._cacheable_bodies: LRU[bytes, bool] = LRU(512)
        self._cacheable_queries: LRU[str, bool] = LRU(512)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, receive)
        if request.method == "POST" and not await self._is_operation_shaped(request):
            await send_json_error(send, 400, "BAD_REQUEST", "the body must be a JSON object, or a list of them")
            return
        key = await self._response_cache_key(request)
        snapshot = await self.runtime.cache.catalog(scope[PROJECT_SCOPE_KEY]) if key is not None else None
        if snapshot is not None and (cached := snapshot.rendered.get(key)) is not None:
            await Response(cached, media_type="application/json")(scope, receive, send)
            return
        try:
            response = await self.run(request)
        except HTTPException as error:
            code = _HTTP_CODES.get(error.status_code, "BAD_REQUEST")
            await send_json_error(send, error.status_code, code, error.reason)
            return
        if (fault := scope.get(STORAGE_FAULT_SCOPE_KEY)) is not None:
            raise fault
        if (refusal := scope.get(REFUSAL_SCOPE_KEY)) is not None:
            headers = [(name.encode(), value.encode()) for name, value in refusal.headers().items()]
            await send_json_error(send, refusal.status, refusal.code, refusal.message, headers)
            return
        if snapshot is not None and response.status_code == 200 and scope.get(CLEAN_RESULT_SCOPE_KEY):
            snapshot.rendered.put(key, bytes(response.body))
        await response(scope, receive, send)

    @staticmethod
    async def _is_operation_shaped(request: Request) -> bool:
        """A JSON body is one operation (an object) or a batch (a non-empty list of objects); forms are Strawberry's."""
        if "json" not in request.headers.get("content-type", ""):
            return True
        try:
            data = json.loads(await request.body())
        except ValueError:
            return True  # Strawberry answers malformed JSON with its own 400
        if isinstance(data, list):
            return bool(data) and all(isinstance(item, dict) for item in data)
        return isinstance(data, dict)

    async def _response_cache_key(self, request: Request) -> tuple[str, int, bytes] | None:
        """A key for a POSTed catalog-only query: the body itself, with the settings version it was answered at."""
        if request.method != "POST" or PROJECT_SCOPE_KEY not in request.scope:
            return None
        body = await request.body()
        cacheable = self._cacheable_bodies.get(body)
        if cacheable is None:
            cacheable = self._cacheable_bodies.put(body, self._is_cacheable_body(body))
        if not cacheable:
            return None
        request.scope[CLEAN_RESULT_SCOPE_KEY] = True
        return ("graphql", request.scope[PROJECT_SCOPE_KEY].settings_version, body)

    def _is_cacheable_body(self, body: bytes) -> bool:
        try:
            data = json.loads(body)
        except ValueError:
            return False
        query = data.get("query") if isinstance(data, dict) else None
        if not isinstance(query, str):
            return False
        # Keyed by the document, not the body: a query sent with ever new variables is parsed here once.
        cacheable = self._cacheable_queries.get(query)
        if cacheable is None:
            cacheable = self._cacheable_queries.put(query, cacheable_document(query, self.cacheable_root_fields))
        return cacheable

    async def render_graphql_ide(self, request: Request) -> Response:
        return self.graphiql.render(request)

    async def get_context(self, request: Any, response: Any) -> GraphQLContext:
        # GraphiQL's page is served without a project; every operation has one.
        return GraphQLContext(runtime=self.runtime, project=request.scope.get(PROJECT_SCOPE_KEY), request=request)

    async def execute_single(
        self,
        request: Any,
        request_adapter: Any,
        sub_response: Any,
        context: GraphQLContext,
        root_value: Any,
        request_data: Any,
    ) -> Any:
        result = await super().execute_single(
            request=request,
            request_adapter=request_adapter,
            sub_response=sub_response,
            context=context,
            root_value=root_value,
            request_data=request_data,
        )
        if result.errors:
            request.scope[CLEAN_RESULT_SCOPE_KEY] = False
        return result


class GraphQLDoor:
    """Refuses a request without a valid key with HTTP 401 before GraphQL sees it; the GraphiQL page needs none."""

    def __init__(self, view: ShopGraphQL, authenticate: Authenticate) -> None:
        self.view = view
        self.authenticate = authenticate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        if scope["type"] == "http" and not self._is_ide_request(request):
            try:
                state = await self.authenticate(request, self.view.runtime)
            except DomainError as error:
                await send_json_error(send, error.status, error.code, error.message, [(b"www-authenticate", b"Bearer")])
                return
            scope[PROJECT_SCOPE_KEY] = state
            scope[CORS_SCOPE_KEY] = (await self.view.runtime.cache.config(state)).cors_origins
        await self.view(scope, receive, send)

    @staticmethod
    def _is_ide_request(request: Request) -> bool:
        return (
            request.method == "GET"
            and "text/html" in request.headers.get("accept", "")
            and "query" not in request.query_params
        )
