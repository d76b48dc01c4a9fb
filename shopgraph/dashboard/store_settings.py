"""Settings: the `/config` fields, the payment provider and its keys, storefront URL, CORS origins and domains.

Provider secrets are write-only: the page says whether each is set, never its value; an empty secret field leaves
it as it is, and `Clear` removes it. Only the fields that changed are sent, in one call to the admin API's own
settings function, which checks every change before applying any.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from shopgraph.dashboard.web import posted, redirect, render, runtime_of
from shopgraph.domain.stores import settings as store_settings
from shopgraph.domain.stores.config import AdminStoreConfig, read_store_config
from shopgraph.domain.stores.dashboard_sessions import SignedIn
from shopgraph.errors import DomainError
from shopgraph.money import to_decimal
from shopgraph.payments import PROVIDER_NAMES, STRIPE_MODES

SECRETS = ("stripe_secret_key", "stripe_webhook_secret", "razorpay_key_secret", "razorpay_webhook_secret")
PLAIN = (
    "default_currency",
    "tax_percentage",
    "flat_shipping_rate",
    "free_shipping_threshold",
    "shipping_enabled",
    "payment_provider",
    "stripe_publishable_key",
    "stripe_mode",
    "razorpay_key_id",
    "storefront_url",
    "contact_email",
    "cors_origins",
    "domains",
    "pending_order_ttl_minutes",
)


def current_values(found: AdminStoreConfig) -> dict[str, str]:
    config = found.config
    currency = config.default_currency
    threshold = config.free_shipping_threshold_minor
    return {
        "default_currency": currency,
        "tax_percentage": format(config.tax_percentage, "f"),
        "flat_shipping_rate": str(to_decimal(config.flat_shipping_rate_minor, currency)),
        "free_shipping_threshold": "" if threshold is None else str(to_decimal(threshold, currency)),
        "shipping_enabled": "true" if config.shipping_enabled else "false",
        "payment_provider": config.payment_provider,
        "stripe_publishable_key": config.stripe_publishable_key or "",
        "stripe_mode": found.stripe_mode or "",
        "razorpay_key_id": config.razorpay_key_id or "",
        "storefront_url": found.storefront_url or "",
        "contact_email": found.contact_email or "",
        "cors_origins": ",".join(config.cors_origins),
        "domains": ",".join(found.domains),
        "pending_order_ttl_minutes": str(found.pending_order_ttl_minutes),
    }


def changes(form: dict[str, str], current: dict[str, str]) -> dict[str, object]:
    submitted = dict(form)
    submitted["shipping_enabled"] = "true" if form.get("shipping_enabled") == "on" else "false"
    changed: dict[str, object] = {
        name: submitted[name].strip()
        for name in PLAIN
        if name in submitted and submitted[name].strip() != current.get(name, "")
    }
    for name in SECRETS:
        if form.get(f"clear:{name}") == "on":
            changed[name] = ""
        elif form.get(name, "").strip():
            changed[name] = form[name].strip()
    return changed


async def _page(request: Request, me: SignedIn, *, error: DomainError | None = None) -> Response:
    async with runtime_of(request).database.read() as session:
        found = await read_store_config(session, me.project_id)
    values = current_values(found)
    if error is not None:
        form = posted(request)
        values.update({name: form[name] for name in PLAIN if name in form})
        values["shipping_enabled"] = "true" if form.get("shipping_enabled") == "on" else "false"
    return render(
        request,
        "settings.html",
        status=error.status if error else 200,
        me=me,
        values=values,
        secrets_set={name: found.payment_keys_set.get(name, False) for name in SECRETS},
        providers=PROVIDER_NAMES,
        stripe_modes=STRIPE_MODES,
        error=error,
        notice=request.query_params.get("done"),
    )


async def settings_page(request: Request, me: SignedIn) -> Response:
    if request.method == "GET":
        return await _page(request, me)
    runtime = runtime_of(request)
    async with runtime.database.read() as session:
        current = current_values(await read_store_config(session, me.project_id))
    changed = changes(posted(request), current)
    if changed:
        try:
            async with runtime.database.write() as session:
                await store_settings.update_store_config(session, me.project_id, changed)
        except DomainError as error:
            return await _page(request, me, error=error)
    return redirect("/settings", done="saved" if changed else "nothing changed")
