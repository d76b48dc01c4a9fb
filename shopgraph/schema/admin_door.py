"""The admin GraphQL door: like the storefront's, but GraphiQL too needs the secret key."""

from __future__ import annotations

from starlette.requests import Request

from shopgraph.schema.view import GraphQLDoor


class AdminGraphQLDoor(GraphQLDoor):
    @staticmethod
    def _is_ide_request(request: Request) -> bool:
        return False
