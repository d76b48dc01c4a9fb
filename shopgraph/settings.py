"""Process-wide settings, read once from the environment and checked before anything starts.

`VARIABLES` is the one list of `SHOPGRAPH_` variables: the reader that checks each, its meaning and whether its value
is a secret. `Settings.from_env` reads through it, `shopgraph --help` prints it, and a test holds the README's table
to it.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from urllib.parse import unquote, urlsplit

from shopgraph import setting_values as read

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./shopgraph.db"
DEFAULT_RETRY_SCHEDULE = (5, 30, 120, 600, 1800, 3600, 10800, 21600, 43200, 86400)
PREFIX = "SHOPGRAPH_"


class SettingError(ValueError):
    """A variable whose value cannot be used; the message names it and says what is wrong."""

    def __init__(self, variable: str, reason: str) -> None:
        super().__init__(f"{variable}: {reason}")
        self.variable = variable
        self.reason = reason


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    base_domain: str | None = None
    public_url: str | None = None
    stripe_api_base: str | None = None
    razorpay_api_base: str | None = None
    graphql_introspection: bool = True
    graphql_max_depth: int = 12
    graphql_max_aliases: int = 50
    graphql_max_tokens: int = 5000
    graphql_max_batch: int = 10
    max_body_bytes: int = 1024 * 1024
    max_query_string_bytes: int = 4096
    body_timeout_seconds: float = 30.0
    header_timeout_seconds: float = 10.0
    cart_ttl_days: int = 30
    run_worker: bool = True
    smtp_url: str | None = None
    mail_from: str = "shop@localhost"
    retry_schedule_seconds: tuple[int, ...] = DEFAULT_RETRY_SCHEDULE
    worker_interval_seconds: float = 2.0
    worker_lease_seconds: float = 60.0
    rate_limit: str | None = "1200/minute"
    failed_lookup_limit: str | None = "30/minute"
    redis_url: str | None = None
    allow_private_webhook_targets: bool = False
    webhook_timeout_seconds: float = 10.0
    webhook_concurrency: int = 100
    webhook_endpoint_concurrency: int = 10
    smtp_concurrency: int = 4
    webhook_circuit_failures: int = 5
    webhook_disable_after_hours: float = 72.0
    webhook_disable_after_failures: int = 20
    log_level: str = "INFO"
    log_format: str | None = None
    metrics_token: str | None = None
    encryption_keys: tuple[str, ...] = ()

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Every variable that is set is read and checked; the first bad one raises a SettingError."""
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for variable in VARIABLES:
            raw = env.get(variable.name)
            if raw is None or not raw.strip():
                continue
            try:
                values[variable.field] = variable.read(raw)
            except ValueError as exc:
                raise SettingError(variable.name, str(exc)) from None
        return cls(**values)  # type: ignore[arg-type]

    def secrets(self) -> list[str]:
        """The values no log line may show: secret settings whole, and the password of any URL."""
        found: list[str] = []
        for variable in VARIABLES:
            value = getattr(self, variable.field)
            if isinstance(value, tuple) and variable.secret:
                found.extend(part for part in value if isinstance(part, str) and part)
            elif isinstance(value, str) and value:
                found.extend([value] if variable.secret else _url_password(value))
        return found


@dataclass(frozen=True)
class Variable:
    name: str
    field: str
    read: read.Reader
    meaning: str
    default: str = "unset"
    secret: bool = False


VARIABLES: tuple[Variable, ...] = (
    Variable(
        "SHOPGRAPH_DATABASE_URL",
        "database_url",
        read.database_url,
        "an async SQLAlchemy URL: sqlite+aiosqlite:///path.db, or postgresql+asyncpg://user@host/db for production "
        "and for more than one process",
        default=DEFAULT_DATABASE_URL,
    ),
    Variable(
        "SHOPGRAPH_BASE_DOMAIN",
        "base_domain",
        read.host_name,
        "with shop.test, host demo.shop.test selects project demo on the /api/v1/ecommerce paths",
    ),
    Variable(
        "SHOPGRAPH_PUBLIC_URL",
        "public_url",
        read.public_url,
        "the address customers reach shopgraph at (https://shop.example.com): the base of hosted-page links such as "
        "checkout's default successUrl; unset: the request's scheme and host",
    ),
    Variable(
        "SHOPGRAPH_STRIPE_API_BASE",
        "stripe_api_base",
        read.url_with_scheme(("http", "https"), "http://127.0.0.1:12111"),
        "point the Stripe SDK at another server (stripe-mock, a fake): the host root",
        default="Stripe's",
    ),
    Variable(
        "SHOPGRAPH_RAZORPAY_API_BASE",
        "razorpay_api_base",
        read.url_with_scheme(("http", "https"), "http://127.0.0.1:9000"),
        "likewise for the Razorpay SDK (host root)",
        default="Razorpay's",
    ),
    Variable(
        "SHOPGRAPH_GRAPHQL_INTROSPECTION",
        "graphql_introspection",
        read.flag,
        "0 turns GraphQL introspection off",
        default="1",
    ),
    Variable(
        "SHOPGRAPH_GRAPHQL_MAX_DEPTH",
        "graphql_max_depth",
        read.whole_number(1),
        "deepest GraphQL selection",
        default="12",
    ),
    Variable(
        "SHOPGRAPH_GRAPHQL_MAX_ALIASES",
        "graphql_max_aliases",
        read.whole_number(1),
        "aliases in one GraphQL document",
        default="50",
    ),
    Variable(
        "SHOPGRAPH_GRAPHQL_MAX_TOKENS",
        "graphql_max_tokens",
        read.whole_number(1),
        "tokens in one GraphQL document",
        default="5000",
    ),
    Variable(
        "SHOPGRAPH_GRAPHQL_MAX_BATCH",
        "graphql_max_batch",
        read.whole_number(1),
        "operations in one batched GraphQL request",
        default="10",
    ),
    Variable(
        "SHOPGRAPH_CART_TTL_DAYS",
        "cart_ttl_days",
        read.whole_number(1),
        "carts untouched this long are removed",
        default="30",
    ),
    Variable(
        "SHOPGRAPH_RUN_WORKER",
        "run_worker",
        read.flag,
        "0: this API process runs no delivery worker (what `serve --no-worker` sets)",
        default="1",
    ),
    Variable(
        "SHOPGRAPH_SMTP_URL",
        "smtp_url",
        read.url_with_scheme(("smtp", "smtps"), "smtp://user:pass@host:587"),
        "where order emails are sent; unset: they are logged",
    ),
    Variable(
        "SHOPGRAPH_MAIL_FROM", "mail_from", read.email_address, "sender of order emails", default="shop@localhost"
    ),
    Variable(
        "SHOPGRAPH_WEBHOOK_RETRY_SCHEDULE",
        "retry_schedule_seconds",
        read.retry_schedule,
        "seconds between delivery attempts (emails and merchant webhooks), plus up to 20 % jitter; after the last, "
        "the delivery is failed",
        default=",".join(map(str, DEFAULT_RETRY_SCHEDULE)),
    ),
    Variable(
        "SHOPGRAPH_WORKER_INTERVAL_SECONDS",
        "worker_interval_seconds",
        read.seconds,
        "how often the worker looks for due work when nothing wakes it (new work wakes it at once; retries fall due)",
        default="2",
    ),
    Variable(
        "SHOPGRAPH_WORKER_LEASE_SECONDS",
        "worker_lease_seconds",
        read.seconds,
        "how long a claimed delivery stays with its worker; after a crash it is retried once this runs out",
        default="60",
    ),
    Variable(
        "SHOPGRAPH_WEBHOOK_TIMEOUT_SECONDS",
        "webhook_timeout_seconds",
        read.seconds,
        "how long a merchant's server has to answer a webhook",
        default="10",
    ),
    Variable(
        "SHOPGRAPH_WEBHOOK_CONCURRENCY",
        "webhook_concurrency",
        read.whole_number(1, 10_000),
        "webhook sends in flight at once, per worker process, over all endpoints",
        default="100",
    ),
    Variable(
        "SHOPGRAPH_WEBHOOK_ENDPOINT_CONCURRENCY",
        "webhook_endpoint_concurrency",
        read.whole_number(1, 1000),
        "webhook sends in flight at once to one endpoint, over all worker processes",
        default="10",
    ),
    Variable(
        "SHOPGRAPH_SMTP_CONCURRENCY",
        "smtp_concurrency",
        read.whole_number(1, 100),
        "emails sent at once to one SMTP server, per worker process",
        default="4",
    ),
    Variable(
        "SHOPGRAPH_WEBHOOK_CIRCUIT_FAILURES",
        "webhook_circuit_failures",
        read.whole_number(1, 1000),
        "failed attempts in a row after which an endpoint is backed off (10 s, doubling up to 10 minutes), then "
        "tried one delivery at a time until one succeeds",
        default="5",
    ),
    Variable(
        "SHOPGRAPH_WEBHOOK_DISABLE_AFTER_HOURS",
        "webhook_disable_after_hours",
        read.hours_at_least(24),
        "an endpoint whose every attempt has failed for this long (and at least "
        "SHOPGRAPH_WEBHOOK_DISABLE_AFTER_FAILURES times) is disabled, and the store's contact_email told",
        default="72",
    ),
    Variable(
        "SHOPGRAPH_WEBHOOK_DISABLE_AFTER_FAILURES",
        "webhook_disable_after_failures",
        read.whole_number(1, 100_000),
        "failed attempts in a row an endpoint must also have had before it is disabled",
        default="20",
    ),
    Variable(
        "SHOPGRAPH_HEADER_TIMEOUT_SECONDS",
        "header_timeout_seconds",
        read.seconds,
        "how long a client has to send a request's headers, from its connection or its first byte; slower: 408 "
        "and the connection is closed",
        default="10",
    ),
    Variable(
        "SHOPGRAPH_BODY_TIMEOUT_SECONDS",
        "body_timeout_seconds",
        read.seconds,
        "how long a client has to send a whole request body; slower: 408 and the connection is closed",
        default="30",
    ),
    Variable(
        "SHOPGRAPH_RATE_LIMIT",
        "rate_limit",
        read.rate_limit,
        "requests per client address (20/second, off, ...); over it: 429 with Retry-After",
        default="1200/minute",
    ),
    Variable(
        "SHOPGRAPH_FAILED_LOOKUP_LIMIT",
        "failed_lookup_limit",
        read.rate_limit,
        "failed key checks and order lookups per client address, and order lookups per customer email; over it: "
        "429 with Retry-After for the window",
        default="30/minute",
    ),
    Variable(
        "SHOPGRAPH_REDIS_URL",
        "redis_url",
        read.url_with_scheme(("redis", "rediss", "unix"), "redis://127.0.0.1:6379"),
        "shares the rate-limit counters between processes and machines; unset: kept in memory, per process",
    ),
    Variable(
        "SHOPGRAPH_ALLOW_PRIVATE_WEBHOOK_TARGETS",
        "allow_private_webhook_targets",
        read.flag,
        "1 lets merchant webhooks reach loopback and private addresses (development and tests only)",
        default="0",
    ),
    Variable(
        "SHOPGRAPH_LOG_LEVEL",
        "log_level",
        read.choice(read.LOG_LEVELS, upper=True),
        "DEBUG, INFO, WARNING, ERROR: the least severe lines written; INFO has one line per request",
        default="INFO",
    ),
    Variable(
        "SHOPGRAPH_LOG_FORMAT",
        "log_format",
        read.choice(read.LOG_FORMATS),
        "json (one object a line) or text",
        default="json, or text on a terminal",
    ),
    Variable(
        "SHOPGRAPH_METRICS_TOKEN",
        "metrics_token",
        read.token,
        "lets clients other than loopback read /metrics with Authorization: Bearer <token> (16 characters or more)",
        secret=True,
    ),
    Variable(
        "SHOPGRAPH_ENCRYPTION_KEY",
        "encryption_keys",
        read.encryption_keys,
        "Fernet keys, comma-separated, that encrypt provider and webhook secrets in the database: the first "
        "encrypts, all decrypt (rotation); required with PostgreSQL",
        default="SQLite: a key file beside the database",
        secret=True,
    ),
)

_FIELDS = {field.name for field in fields(Settings)}
assert all(variable.field in _FIELDS for variable in VARIABLES)
# Tools around shopgraph (its test suite, deploy scripts) may use the prefix for their own variables.
_FOREIGN_PREFIXES = ("SHOPGRAPH_TEST_",)


def check_no_unknown_variables(environ: Mapping[str, str] | None = None) -> None:
    """A mistyped name would silently leave its setting at the default: a `SHOPGRAPH_` name we do not know is an
    error, with the name it may stand for."""
    env = os.environ if environ is None else environ
    known = [variable.name for variable in VARIABLES]
    for name in sorted(env):
        if not name.startswith(PREFIX) or name in known or name.startswith(_FOREIGN_PREFIXES):
            continue
        close = difflib.get_close_matches(name, known, n=1)
        hint = f"did you mean {close[0]}?" if close else "see shopgraph --help for the variables"
        raise SettingError(name, f"not a shopgraph setting; {hint}")


def _url_password(value: str) -> list[str]:
    try:
        password = urlsplit(value).password
    except ValueError:
        return []
    return [password, unquote(password)] if password else []
