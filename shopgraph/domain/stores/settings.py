"""Store settings: `KEY=VALUE` changes validated and applied, from `shopgraph project set` and from the admin API.

The admin's typed changes go through the same rules, so both paths accept the same values.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph import money
from shopgraph.db.models import Project, ProjectDomain, StoreSettings
from shopgraph.domain.error_codes import ErrorCode
from shopgraph.domain.fields import EMAIL, camel, is_http_url
from shopgraph.domain.stores.access import could_be_custom_domain
from shopgraph.domain.stores.config import AdminStoreConfig, read_store_config
from shopgraph.domain.stores.error_codes import StoreErrorCode
from shopgraph.errors import Conflict, DomainError, InvalidInput
from shopgraph.payments import PROVIDER_NAMES, STRIPE_MODES


def _text(limit: int = 255) -> Callable[[str, StoreSettings], Any]:
    def parse(raw: str, _current: StoreSettings) -> str | None:
        value = raw.strip()
        if len(value) > limit:
            raise ValueError(f"at most {limit} characters")
        return value or None

    return parse


def _choice(options: tuple[str, ...]) -> Callable[[str, StoreSettings], str]:
    def parse(raw: str, _current: StoreSettings) -> str:
        value = raw.strip().lower()
        if value not in options:
            raise ValueError(f"must be one of {', '.join(options)}")
        return value

    return parse


def _boolean(raw: str, _current: StoreSettings) -> bool:
    value = raw.strip().lower()
    if value in {"true", "1", "yes", "on"}:
        return True
    if value in {"false", "0", "no", "off"}:
        return False
    raise ValueError("must be true or false")


def _currency(raw: str, _current: StoreSettings) -> str:
    value = raw.strip().upper()
    if not money.is_currency_code(value):
        raise ValueError(f"{raw.strip()!r} is not an ISO 4217 currency code such as USD, EUR or JPY")
    return value


def _provider_key(*prefixes: str) -> Callable[[str, StoreSettings], str | None]:
    """A provider's key as its dashboard shows it (`sk_live_...`); empty clears it."""

    def parse(raw: str, _current: StoreSettings) -> str | None:
        value = raw.strip()
        if not value:
            return None
        body = next((value[len(prefix) :] for prefix in prefixes if value.startswith(prefix)), None)
        if not body or not body.replace("_", "").isalnum() or not body.isascii() or len(value) > 255:
            raise ValueError(
                f"must be a key starting with {' or '.join(prefixes)} as the provider's dashboard shows it"
            )
        return value

    return parse


def _secret_text(raw: str, _current: StoreSettings) -> str | None:
    value = raw.strip()
    if len(value) > 255 or any(char.isspace() for char in value):
        raise ValueError("must be the secret as the provider shows it: no spaces, at most 255 characters")
    return value or None


def _percentage(raw: str, _current: StoreSettings) -> int:
    try:
        value = Decimal(raw.strip())
    except InvalidOperation as exc:
        raise ValueError("must be a number between 0 and 100") from exc
    if not value.is_finite() or not 0 <= value <= 100:
        raise ValueError("must be a number between 0 and 100")
    basis_points = value * 100
    if basis_points != basis_points.to_integral_value():
        raise ValueError("at most two decimal places")
    return int(basis_points)


def _amount(optional: bool) -> Callable[[str, StoreSettings], int | None]:
    def parse(raw: str, current: StoreSettings) -> int | None:
        if optional and raw.strip().lower() in {"", "none", "null"}:
            return None
        try:
            minor = money.parse_amount(raw, current.default_currency)
        except ValueError as exc:
            raise ValueError(f"must be an amount in {current.default_currency}: {exc}") from exc
        if minor < 0:
            raise ValueError("must not be negative")
        return minor

    return parse


def _url(raw: str, _current: StoreSettings) -> str | None:
    value = raw.strip()
    if not value:
        return None
    if not is_http_url(value):
        raise ValueError("must be an http(s) URL")
    return value


def _contact_email(raw: str, _current: StoreSettings) -> str | None:
    value = raw.strip()
    if not value:
        return None
    if len(value) > 254 or not EMAIL.match(value):
        raise ValueError(f"{value!r} is not an email address")
    return value


def _origins(raw: str, _current: StoreSettings) -> list[str]:
    origins = []
    for item in filter(None, (part.strip() for part in raw.split(","))):
        parts = urlsplit(item)
        if parts.scheme not in {"http", "https"} or not parts.netloc or parts.path not in {"", "/"}:
            raise ValueError(f"{item!r} is not an origin such as https://shop.example.com")
        origins.append(f"{parts.scheme}://{parts.netloc}".lower())
    return origins


def _minutes(raw: str, _current: StoreSettings) -> int:
    try:
        value = int(raw.strip())
    except ValueError as exc:
        raise ValueError("must be a whole number of minutes") from exc
    if not 1 <= value <= 7 * 24 * 60:
        raise ValueError("must be between 1 and 10080 minutes")
    return value


def parse_domains(raw: str) -> list[str]:
    domains = []
    for item in filter(None, (part.strip().lower().rstrip(".") for part in raw.split(","))):
        labels = item.split(".")
        valid = (
            len(item) <= 253
            and len(labels) >= 2
            and all(
                0 < len(label) <= 63
                and label.replace("-", "").isalnum()
                and label.isascii()
                and not label.startswith("-")
                and not label.endswith("-")
                for label in labels
            )
        )
        if not valid or not could_be_custom_domain(item):
            raise ValueError(f"{item!r} is not a host name such as shop.example.com")
        domains.append(item)
    return domains


Parse = Callable[[str, StoreSettings], Any]
_STRIPE_SECRET = _provider_key("sk_test_", "sk_live_", "rk_test_", "rk_live_")
_STRIPE_PUBLISHABLE = _provider_key("pk_test_", "pk_live_")

# key: (column, parse, meaning); `project set --help` lists the meanings.
_SETTINGS: dict[str, tuple[str, Parse, str]] = {
    "default_currency": ("default_currency", _currency, "ISO 4217 code of the store's prices (USD, EUR, JPY, ...)"),
    "tax_percentage": ("tax_basis_points", _percentage, "tax on the discounted subtotal, 0 to 100, e.g. 7.5"),
    "flat_shipping_rate": ("flat_shipping_rate_minor", _amount(optional=False), "shipping charged per order"),
    "free_shipping_threshold": (
        "free_shipping_threshold_minor",
        _amount(optional=True),
        "discounted subtotal from which shipping is free; empty: never",
    ),
    "shipping_enabled": ("shipping_enabled", _boolean, "true or false: whether orders are shipped"),
    "payment_provider": ("payment_provider", _choice(PROVIDER_NAMES), f"one of {', '.join(PROVIDER_NAMES)}"),
    "stripe_secret_key": ("stripe_secret_key", _STRIPE_SECRET, "Stripe secret or restricted key: sk_live_..., rk_..."),
    "stripe_publishable_key": ("stripe_publishable_key", _STRIPE_PUBLISHABLE, "Stripe publishable key: pk_live_..."),
    "stripe_webhook_secret": (
        "stripe_webhook_secret",
        _provider_key("whsec_"),
        "signing secret of the Stripe webhook endpoint: whsec_...",
    ),
    "stripe_mode": ("stripe_mode", _choice(STRIPE_MODES), f"one of {', '.join(STRIPE_MODES)}; unset: by path family"),
    "razorpay_key_id": ("razorpay_key_id", _provider_key("rzp_test_", "rzp_live_"), "Razorpay key id: rzp_live_..."),
    "razorpay_key_secret": ("razorpay_key_secret", _secret_text, "Razorpay key secret"),
    "razorpay_webhook_secret": ("razorpay_webhook_secret", _secret_text, "secret of the Razorpay webhook"),
    "storefront_url": ("storefront_url", _url, "the shop's site; Stripe Checkout returns there by default"),
    "contact_email": (
        "contact_email",
        _contact_email,
        "where the store's operational notices go (a webhook endpoint disabled, ...)",
    ),
    "cors_origins": ("cors_origins", _origins, "origins allowed to call from a browser: https://a.com,https://b.com"),
    "pending_order_ttl_minutes": (
        "pending_order_ttl_minutes",
        _minutes,
        "minutes an unpaid online order is kept before it is cancelled (default 60)",
    ),
}
_COLUMNS: dict[str, tuple[str, Parse]] = {key: (column, parse) for key, (column, parse, _) in _SETTINGS.items()}
SETTING_MEANINGS: dict[str, str] = {
    **{key: meaning for key, (_column, _parse, meaning) in _SETTINGS.items()},
    "domains": "the store's own host names: shop.example.com,...",
}
SETTING_KEYS = (*_COLUMNS, "domains")


async def update_store_settings(session: AsyncSession, project_id: str, changes: Mapping[str, str]) -> None:
    """Validates every change first, then applies them all; a bad key or value changes nothing."""
    current = await session.get(StoreSettings, project_id)
    if current is None:
        raise InvalidInput("unknown project", code=ErrorCode.NOT_FOUND, status=404)
    # The currency is applied first so that amounts given alongside it are read in the new currency.
    ordered = sorted(changes.items(), key=lambda item: item[0] != "default_currency")
    values: dict[str, Any] = {}
    domains: list[str] | None = None
    for key, raw in ordered:
        if key == "domains":
            try:
                domains = parse_domains(raw)
            except ValueError as exc:
                raise InvalidInput(f"domains: {exc}", code=StoreErrorCode.INVALID_SETTING, field=key) from exc
            continue
        if key not in _COLUMNS:
            raise InvalidInput(
                f"unknown setting {key!r}; known settings: {', '.join(SETTING_KEYS)}",
                code=StoreErrorCode.UNKNOWN_SETTING,
                field=key,
            )
        column, parse = _COLUMNS[key]
        try:
            values[column] = parse(raw, current)
        except ValueError as exc:
            raise InvalidInput(f"{key}: {exc}", code=StoreErrorCode.INVALID_SETTING, field=key) from exc
        if column == "default_currency":
            current.default_currency = values[column]
    if domains is not None:
        await _replace_domains(session, project_id, domains)
    for column, value in values.items():
        setattr(current, column, value)
    versions: dict[str, Any] = {"settings_version": Project.settings_version + 1}
    if "default_currency" in values:
        # Product prices are shown in the store's currency, so the catalog snapshot is rebuilt too.
        versions["catalog_version"] = Project.catalog_version + 1
    await session.execute(update(Project).where(Project.id == project_id).values(**versions))


async def _replace_domains(session: AsyncSession, project_id: str, domains: list[str]) -> None:
    taken = (
        await session.scalars(
            select(ProjectDomain.domain).where(
                ProjectDomain.domain.in_(domains), ProjectDomain.project_id != project_id
            )
        )
    ).all()
    if taken:
        raise Conflict(
            f"domains: {', '.join(taken)} already belongs to another project", code=StoreErrorCode.DOMAIN_TAKEN
        )
    await session.execute(delete(ProjectDomain).where(ProjectDomain.project_id == project_id))
    session.add_all(ProjectDomain(domain=domain, project_id=project_id) for domain in dict.fromkeys(domains))


def setting_text(value: object) -> str:
    """A typed value as `project set` would take it; null clears an optional setting."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, list | tuple):
        return ",".join(str(item) for item in value)
    return str(value)


def _named_as_given(error: DomainError) -> DomainError:
    """The settings rules name `tax_percentage`; the caller wrote `taxPercentage`."""
    key = error.field or ("domains" if error.code == StoreErrorCode.DOMAIN_TAKEN else None)
    if key is None:
        return error
    message = camel(key) + error.message[len(key) :] if error.message.startswith(key) else error.message
    return DomainError(message, code=error.code, status=error.status, field=camel(key), extra=error.extra)


async def update_store_config(session: AsyncSession, project_id: str, given: Mapping[str, object]) -> AdminStoreConfig:
    """Typed changes from the admin API; every change is checked before any is applied, a bad one changes nothing."""
    try:
        await update_store_settings(session, project_id, {key: setting_text(value) for key, value in given.items()})
    except DomainError as error:
        raise _named_as_given(error) from error
    await session.flush()
    return await read_store_config(session, project_id)
