"""Strawberry's field and mutation decorators with a description, typed so that a resolver keeps its signature.

Strawberry types `strawberry.field(description=...)` as returning Any, which strict mypy refuses as a decorator.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import strawberry

Resolver = TypeVar("Resolver", bound=Callable[..., Any])


def field(description: str) -> Callable[[Resolver], Resolver]:
    decorator: Callable[[Resolver], Resolver] = strawberry.field(description=description)
    return decorator


def mutation(description: str) -> Callable[[Resolver], Resolver]:
    decorator: Callable[[Resolver], Resolver] = strawberry.mutation(description=description)
    return decorator
