"""Errors: domain errors keep their message and gain `extensions.code`; anything else is logged and masked."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from graphql import GraphQLError, OperationDefinitionNode
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
        if original is None or isinstance(original, GraphQLError) or error.path is None:
            # No resolver ran: a request error such as a variable GraphQL could not coerce, whose message is the answer.
            return error
        if isinstance(original, DomainError):
            extensions = {"code": original.code}
            if original.field:
                extensions["field"] = original.field
            return GraphQLError(original.message, nodes=error.nodes, path=error.path, extensions=extensions)
        log.error("unexpected GraphQL failure at %s", error.path, exc_info=original)
        return GraphQLError(MASKED_MESSAGE, nodes=error.nodes, path=error.path, extensions={"code": "INTERNAL_ERROR"})


class OneOperation(SchemaExtension):
    """A document of several operations needs `operationName`, as the GraphQL spec says (Strawberry runs the first)."""

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None and context._provided_operation_name is None:
            operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
            if len(operations) > 1:
                error = GraphQLError("Must provide operation name if query contains multiple operations.")
                context.pre_execution_errors = [*(context.pre_execution_errors or []), error]
        yield
