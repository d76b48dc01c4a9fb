"""Errors: domain errors keep their message and gain `extensions.code`; anything else is logged and masked."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from shopgraph.errors import DomainError

log = logging.getLogger("shopgraph.graphql")

MASKED_MESSAGE = "Unexpected error."


class DomainErrors(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is None or not result.errors:
            return
        result.errors = [self._render(error) for error in result.errors]

    @staticmethod
    def _render(error: GraphQLError) -> GraphQLError:
        original = error.original_error
        if original is None:
            return error
        if isinstance(original, DomainError):
            extensions = {"code": original.code}
            if original.field:
                extensions["field"] = original.field
            return GraphQLError(original.message, nodes=error.nodes, path=error.path, extensions=extensions)
        log.error("unexpected GraphQL failure at %s", error.path, exc_info=original)
        return GraphQLError(MASKED_MESSAGE, nodes=error.nodes, path=error.path, extensions={"code": "INTERNAL_ERROR"})
