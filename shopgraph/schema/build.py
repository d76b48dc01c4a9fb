"""Schemas with the limits every GraphQL door enforces."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import ASTValidationRule
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaxTokensLimiter,
    ParserCache,
    ValidationCache,
)
from strawberry.extensions.max_aliases import create_validator as max_aliases_rule
from strawberry.extensions.query_depth_limiter import create_validator as query_depth_rule
from strawberry.schema.config import StrawberryConfig

from shopgraph.schema.extensions import DomainErrors, NoNulText, OneOperation
from shopgraph.settings import Settings


class Schema(strawberry.Schema):
    def process_errors(self, errors: Any, execution_context: Any = None) -> None:
        # The DomainErrors extension logs what is unexpected; a user's mistake is not worth a traceback.
        return None


def build_schema(settings: Settings, query: type, mutation: type | None = None) -> strawberry.Schema:
    # The limits' rules are made once: `QueryDepthLimiter` and `MaxAliasesLimiter` make a new rule class per
    # request, and a new class in the rules is a new key to `ValidationCache`, so every document was validated again.
    limit_rules: list[type[ASTValidationRule]] = [
        query_depth_rule(settings.graphql_max_depth, should_ignore=None),
        max_aliases_rule(settings.graphql_max_aliases),
    ]
    extensions: list[Any] = [
        lambda: MaxTokensLimiter(max_token_count=settings.graphql_max_tokens),
        ParserCache,
        lambda: AddValidationRules(limit_rules),
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
