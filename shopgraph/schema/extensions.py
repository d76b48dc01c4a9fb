"""Errors: domain errors keep their message and gain `extensions.code`; anything else is logged and masked."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from graphql import GraphQLError, OperationDefinitionNode, StringValueNode, Visitor, visit
from strawberry.extensions import SchemaExtension

from shopgraph.db.faults import is_storage_fault
from shopgraph.errors import DomainError, TooManyAttempts
from shopgraph.unstorable_text import NUL, UNSTORABLE_MESSAGE, is_unstorable_text, nul_location

log = logging.getLogger("shopgraph.graphql")

MASKED_MESSAGE = "Unexpected error."
STORAGE_FAULT_SCOPE_KEY = "shopgraph.storage_fault"
REFUSAL_SCOPE_KEY = "shopgraph.refusal"


class DomainErrors(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is None or not result.errors:
            return
        faults = [e.original_error for e in result.errors if e.original_error and is_storage_fault(e.original_error)]
        request = getattr(self.execution_context.context, "request", None)
        if faults and request is not None:
            # The HTTP door answers 503 with Retry-After rather than a masked error in a 200.
            request.scope[STORAGE_FAULT_SCOPE_KEY] = faults[0]
        refusals = [e.original_error for e in result.errors if isinstance(e.original_error, TooManyAttempts)]
        if refusals and request is not None:
            # Likewise a 429 with Retry-After, as REST answers, rather than an error inside a 200.
            request.scope[REFUSAL_SCOPE_KEY] = refusals[0]
        result.errors = [self._render(error) for error in result.errors]

    @staticmethod
    def _render(error: GraphQLError) -> GraphQLError:
        original = error.original_error
        if original is None or isinstance(original, GraphQLError):
            # No resolver ran: a request error such as a variable GraphQL could not coerce, whose message is the answer.
            return error
        if is_unstorable_text(original):
            return GraphQLError(
                UNSTORABLE_MESSAGE, nodes=error.nodes, path=error.path, extensions={"code": "INVALID_INPUT"}
            )
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


class _NulLiterals(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[StringValueNode] = []

    def enter_string_value(self, node: StringValueNode, *_: object) -> None:
        if NUL in node.value:
            self.found.append(node)


def _may_hold_nul(query: str) -> bool:
    # A literal holds a NUL only if the text has one, raw or as a unicode escape; most documents have neither, and
    # walking the document costs more than the rest of its validation once that is cached.
    return NUL in query or "\\u" in query


class NoNulText(SchemaExtension):
    """Text holding a NUL, in a literal or a variable, is refused before anything runs: PostgreSQL cannot store it."""

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        errors: list[GraphQLError] = []
        if context.graphql_document is not None and _may_hold_nul(context.query or ""):
            literals = _NulLiterals()
            visit(context.graphql_document, literals)
            errors += [
                GraphQLError(UNSTORABLE_MESSAGE, nodes=[node], extensions={"code": "INVALID_INPUT"})
                for node in literals.found
            ]
        where = nul_location(context.variables or {})
        if where:
            errors.append(
                GraphQLError(
                    f"variables.{where}: {UNSTORABLE_MESSAGE}", extensions={"code": "INVALID_INPUT", "field": where}
                )
            )
        if errors:
            context.pre_execution_errors = [*(context.pre_execution_errors or []), *errors]
        yield
