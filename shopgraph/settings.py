"""Process-wide settings, read once from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./shopgraph.db"


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    base_domain: str | None = None
    stripe_api_base: str | None = None
    razorpay_api_base: str | None = None
    graphql_introspection: bool = True
    graphql_max_depth: int = 12
    graphql_max_aliases: int = 50
    graphql_max_tokens: int = 5000
    graphql_max_batch: int = 10
    max_body_bytes: int = 1024 * 1024
    max_query_string_bytes: int = 4096
    cart_ttl_days: int = 30
    run_worker: bool = True
    sweep_interval_seconds: float = 60.0

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        return cls(
            database_url=env.get("SHOPGRAPH_DATABASE_URL") or DEFAULT_DATABASE_URL,
            base_domain=(env.get("SHOPGRAPH_BASE_DOMAIN") or "").strip().lower().strip(".") or None,
            stripe_api_base=env.get("SHOPGRAPH_STRIPE_API_BASE") or None,
            razorpay_api_base=env.get("SHOPGRAPH_RAZORPAY_API_BASE") or None,
            graphql_introspection=_flag(env.get("SHOPGRAPH_GRAPHQL_INTROSPECTION"), True),
            graphql_max_depth=int(env.get("SHOPGRAPH_GRAPHQL_MAX_DEPTH", 12)),
            graphql_max_aliases=int(env.get("SHOPGRAPH_GRAPHQL_MAX_ALIASES", 50)),
            graphql_max_tokens=int(env.get("SHOPGRAPH_GRAPHQL_MAX_TOKENS", 5000)),
            graphql_max_batch=int(env.get("SHOPGRAPH_GRAPHQL_MAX_BATCH", 10)),
            cart_ttl_days=int(env.get("SHOPGRAPH_CART_TTL_DAYS", 30)),
            run_worker=_flag(env.get("SHOPGRAPH_RUN_WORKER"), True),
            sweep_interval_seconds=float(env.get("SHOPGRAPH_SWEEP_INTERVAL_SECONDS", 60)),
        )
