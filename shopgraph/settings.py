"""Process-wide settings, read once from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./shopgraph.db"


DEFAULT_RETRY_SCHEDULE = (5, 30, 120, 600, 1800, 3600, 10800, 21600, 43200, 86400)


def _schedule(value: str | None) -> tuple[int, ...]:
    if not value:
        return DEFAULT_RETRY_SCHEDULE
    try:
        seconds = tuple(int(part) for part in value.split(",") if part.strip())
    except ValueError as exc:
        raise ValueError(f"SHOPGRAPH_WEBHOOK_RETRY_SCHEDULE: {value!r} is not a list of seconds like 5,30,120") from exc
    if not seconds or any(second < 0 for second in seconds):
        raise ValueError("SHOPGRAPH_WEBHOOK_RETRY_SCHEDULE: give one or more non-negative numbers of seconds")
    return seconds


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
    smtp_url: str | None = None
    mail_from: str = "shop@localhost"
    retry_schedule_seconds: tuple[int, ...] = DEFAULT_RETRY_SCHEDULE
    worker_interval_seconds: float = 2.0
    worker_lease_seconds: float = 60.0
    rate_limit: str | None = "1200/minute"
    redis_url: str | None = None
    allow_private_webhook_targets: bool = False
    webhook_timeout_seconds: float = 10.0

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
            smtp_url=env.get("SHOPGRAPH_SMTP_URL") or None,
            mail_from=env.get("SHOPGRAPH_MAIL_FROM") or "shop@localhost",
            retry_schedule_seconds=_schedule(env.get("SHOPGRAPH_WEBHOOK_RETRY_SCHEDULE")),
            worker_interval_seconds=float(env.get("SHOPGRAPH_WORKER_INTERVAL_SECONDS", 2)),
            worker_lease_seconds=float(env.get("SHOPGRAPH_WORKER_LEASE_SECONDS", 60)),
            rate_limit=env.get("SHOPGRAPH_RATE_LIMIT", "1200/minute"),
            redis_url=env.get("SHOPGRAPH_REDIS_URL") or None,
            allow_private_webhook_targets=_flag(env.get("SHOPGRAPH_ALLOW_PRIVATE_WEBHOOK_TARGETS"), False),
            webhook_timeout_seconds=float(env.get("SHOPGRAPH_WEBHOOK_TIMEOUT_SECONDS", 10)),
        )
