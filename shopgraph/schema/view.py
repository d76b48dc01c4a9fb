"""The HTTP door for a GraphQL schema: key check first, then Strawberry, with catalog results reused."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from cross_web import HTTPException
from graphql import FieldNode, GraphQLError, OperationDefinitionNode, OperationType, parse
from starlette.requests import Request
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.http.typevars import Context

from shopgraph.db.state import ProjectState
from shopgraph.errors import DomainError
from shopgraph.lru import LRU
from shopgraph.middleware import CORS_SCOPE_KEY, send_json_error
from shopgraph.runtime import Runtime
from shopgraph.schema.context import GraphQLContext

PROJECT_SCOPE_KEY = "shopgraph.project"
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
    def __init__(self, schema: Any, runtime: Runtime, *, cacheable_root_fields: frozenset[str] = frozenset()) -> None:
        super().__init__(schema, graphql_ide="graphiql", allow_queries_via_get=True)
        self.runtime = runtime
        self.cacheable_root_fields = cacheable_root_fields
        self._cacheable: LRU[str, bool] = LRU(512)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """As Strawberry's, but a refused HTTP request (a malformed body, too many operations) gets JSON."""
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        try:
            response = await self.run(Request(scope, receive))
        except HTTPException as error:
            code = _HTTP_CODES.get(error.status_code, "BAD_REQUEST")
            await send_json_error(send, error.status_code, code, error.reason)
            return
        await response(scope, receive, send)

    async def get_context(self, request: Any, response: Any) -> GraphQLContext:
        # GraphiQL's page is served without a project; every operation has one.
        return GraphQLContext(runtime=self.runtime, project=request.scope.get(PROJECT_SCOPE_KEY), request=request)

    def _is_cacheable(self, query: str | None) -> bool:
        if not query or not self.cacheable_root_fields:
            return False
        known = self._cacheable.get(query)
        if known is None:
            known = self._cacheable.put(query, cacheable_document(query, self.cacheable_root_fields))
        return known

    async def execute_single(
        self,
        request: Any,
        request_adapter: Any,
        sub_response: Any,
        context: Context,
        root_value: Any,
        request_data: Any,
    ) -> Any:
        execute = super().execute_single
        arguments = dict(
            request=request,
            request_adapter=request_adapter,
            sub_response=sub_response,
            context=context,
            root_value=root_value,
            request_data=request_data,
        )
        if request_adapter.method != "POST" or not self._is_cacheable(request_data.query):
            return await execute(**arguments)
        snapshot = await context.catalog()
        key = (
            "graphql",
            context.project.settings_version,
            request_data.query,
            request_data.operation_name,
            json.dumps(request_data.variables, sort_keys=True, default=str),
        )
        result = snapshot.rendered.get(key)
        if result is None:
            result = await execute(**arguments)
            if not result.errors:
                snapshot.rendered.put(key, result)
        return result


class GraphQLDoor:
    """Refuses a request without a valid key with HTTP 401 before GraphQL sees it; GraphiQL needs no key."""

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
