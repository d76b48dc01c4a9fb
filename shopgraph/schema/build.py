"""Schemas with the limits every GraphQL door enforces."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.extensions import (
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig

from shopgraph.schema.extensions import DomainErrors, NoNulText, OneOperation
from shopgraph.settings import Settings


class Schema(strawberry.Schema):
    def process_errors(self, errors: Any, execution_context: Any = None) -> None:
        # The DomainErrors extension logs what is unexpected; a user's mistake is not worth a traceback.
        return None


def build_schema(settings: Settings, query: type, mutation: type | None = None) -> strawberry.Schema:
    extensions: list[Any] = [
        lambda: MaxTokensLimiter(max_token_count=settings.graphql_max_tokens),
        ParserCache,
        lambda: QueryDepthLimiter(max_depth=settings.graphql_max_depth),
        lambda: MaxAliasesLimiter(max_alias_count=settings.graphql_max_aliases),
        ValidationCache,
        OneOperation,
        NoNulText,
        DomainErrors,
    ]
    if not settings.graphql_introspection:
        extensions.append(DisableIntrospection)
    return Schema(
        query=query,
        mutation=mutation,
        extensions=extensions,
        config=StrawberryConfig(batching_config={"max_operations": settings.graphql_max_batch}),
    )
