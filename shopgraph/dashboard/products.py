"""Products: search, create and edit every field, variants (added, edited, deleted) and their stock; low stock is
highlighted.

Each form is one call to the admin API's own catalog function, in one unit of work.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response

from shopgraph.dashboard.product_forms import attributes, attributes_text, options_text, product_given, whole_number
from shopgraph.dashboard.web import posted, redirect, render, runtime_of
from shopgraph.db.models import Variant
from shopgraph.domain.catalog import admin_categories, admin_products, admin_reads
from shopgraph.domain.catalog.admin_reads import ProductRecord
from shopgraph.domain.catalog.writes import PRODUCT_STATUSES
from shopgraph.domain.fields import not_found
from shopgraph.domain.stores.config import store_currency
from shopgraph.domain.stores.dashboard_sessions import SignedIn
from shopgraph.errors import DomainError, InvalidParameter
from shopgraph.money import to_decimal

PAGE_SIZE = 25


def is_low(stock: int | None, threshold: int | None) -> bool:
    return stock is not None and threshold is not None and stock <= threshold


def low_any(record: ProductRecord) -> bool:
    return is_low(record.product.stock, record.product.low_stock_threshold) or any(
        is_low(variant.stock, variant.low_stock_threshold) for variant in record.variants
    )


def _page_number(value: str | None) -> int:
    return int(value) if value and value.isdigit() and int(value) > 0 else 1


async def product_list(request: Request, me: SignedIn) -> Response:
    search = request.query_params.get("search") or None
    page = _page_number(request.query_params.get("page"))
    async with runtime_of(request).database.read() as session:
        found = await admin_reads.list_products(session, me.project_id, search=search, page=page, limit=PAGE_SIZE)
    return render(
        request,
        "products.html",
        me=me,
        found=found,
        search=search or "",
        low_any=low_any,
        page_count=(found.total + PAGE_SIZE - 1) // PAGE_SIZE,
    )


def _values(record: ProductRecord | None, currency: str) -> dict[str, str]:
    if record is None:
        return {"status": "active"}
    product = record.product
    return {
        "name": product.name,
        "slug": product.slug,
        "description": product.description,
        "price": str(to_decimal(product.price_minor, currency)),
        "compare_at_price": ""
        if product.compare_at_price_minor is None
        else str(to_decimal(product.compare_at_price_minor, currency)),
        "category_id": product.category_id or "",
        "images": "\n".join(product.images),
        "attributes": attributes_text(product),
        "status": product.status,
        "low_stock_threshold": "" if product.low_stock_threshold is None else str(product.low_stock_threshold),
        "stock": "" if product.stock is None else str(product.stock),
    }


async def _form_page(
    request: Request, me: SignedIn, product_id: str | None, *, error: DomainError | None = None, form: str = ""
) -> Response:
    async with runtime_of(request).database.read() as session:
        record = None
        if product_id is not None:
            try:
                record = await admin_reads.load_product(session, me.project_id, product_id)
            except DomainError:
                return render(request, "not_found.html", status=404, me=me, what="product")
        categories = await admin_categories.list_categories(session, me.project_id)
        currency = await store_currency(session, me.project_id)
    values = _values(record, currency)
    if error is not None and form == "product":
        values.update(posted(request))
    return render(
        request,
        "product.html",
        status=error.status if error else 200,
        me=me,
        record=record,
        values=values,
        categories=categories,
        statuses=PRODUCT_STATUSES,
        currency=currency,
        error=error,
        form=form,
        target=posted(request).get("variant_id", "") if error else "",
        posted_values=posted(request) if error else {},
        is_low=is_low,
        notice=request.query_params.get("done"),
    )


async def new_product(request: Request, me: SignedIn) -> Response:
    if request.method == "GET":
        return await _form_page(request, me, None)
    try:
        given = product_given(posted(request))
        if not given.get("slug"):
            given.pop("slug", None)  # made from the name
        async with runtime_of(request).database.write() as session:
            created = await admin_products.create_product(session, me.project_id, given)
    except DomainError as error:
        return await _form_page(request, me, None, error=error, form="product")
    return redirect(f"/products/{created.product.id}", done="created")


async def edit_product(request: Request, me: SignedIn) -> Response:
    product_id = request.path_params["product_id"]
    if request.method == "GET":
        return await _form_page(request, me, product_id)
    form = dict(posted(request))
    form.pop("stock", None)
    try:
        given = product_given(form)
        async with runtime_of(request).database.write() as session:
            await admin_products.update_product(session, me.project_id, product_id, given)
    except DomainError as error:
        return await _form_page(request, me, product_id, error=error, form="product")
    return redirect(f"/products/{product_id}", done="saved")


async def set_stock(request: Request, me: SignedIn) -> Response:
    product_id = request.path_params["product_id"]
    form = posted(request)
    variant_id = form.get("variant_id") or None
    stock = whole_number(form.get("stock", ""))
    try:
        if isinstance(stock, str):
            raise InvalidParameter("stock", "must be a whole number of at least 0, or empty for not tracked")
        async with runtime_of(request).database.write() as session:
            await admin_products.set_inventory(
                session,
                me.project_id,
                product_id=product_id,
                variant_id=variant_id,
                stock=stock,
            )
    except DomainError as error:
        return await _form_page(request, me, product_id, error=error, form="stock")
    return redirect(f"/products/{product_id}", done="stock saved")


async def new_variant(request: Request, me: SignedIn) -> Response:
    product_id = request.path_params["product_id"]
    form = posted(request)
    given: dict[str, object] = {
        "name": form.get("variant_name", "").strip(),
        "sku": form.get("variant_sku", "").strip(),
    }
    if form.get("variant_price", "").strip():
        given["price"] = form["variant_price"].strip()
    for field, name in (("stock", "variant_stock"), ("low_stock_threshold", "variant_low_stock_threshold")):
        if form.get(name, "").strip():
            given[field] = whole_number(form[name])
    try:
        if form.get("variant_options", "").strip():
            given["options"] = attributes(form["variant_options"])
        async with runtime_of(request).database.write() as session:
            await admin_products.create_variant(session, me.project_id, product_id, given)
    except DomainError as error:
        return await _form_page(request, me, product_id, error=error, form="variant")
    return redirect(f"/products/{product_id}", done="variant added")


def _variant_values(variant: Variant, currency: str) -> dict[str, str]:
    return {
        "variant_name": variant.name,
        "variant_sku": variant.sku,
        "variant_price": str(to_decimal(variant.price_minor, currency)),
        "variant_low_stock_threshold": "" if variant.low_stock_threshold is None else str(variant.low_stock_threshold),
        "variant_options": options_text(variant.options),
    }


def variant_given(form: dict[str, str]) -> dict[str, object]:
    """The variant form as the admin's variant fields; options are replaced as a whole."""
    return {
        "name": form.get("variant_name", "").strip(),
        "sku": form.get("variant_sku", "").strip(),
        "price": form.get("variant_price", "").strip(),
        "low_stock_threshold": whole_number(form.get("variant_low_stock_threshold", "")),
        "options": attributes(form.get("variant_options", ""), field="options"),
    }


async def _variant_of(session: AsyncSession, me: SignedIn, product_id: str, variant_id: str) -> Variant:
    variant = await admin_reads.variant_in_store(session, me.project_id, variant_id)
    if variant.product_id != product_id:
        raise not_found("variant of this product", "id")
    return variant


async def _variant_page(
    request: Request, me: SignedIn, product_id: str, variant_id: str, *, error: DomainError | None = None
) -> Response:
    try:
        async with runtime_of(request).database.read() as session:
            variant = await _variant_of(session, me, product_id, variant_id)
            record = await admin_reads.load_product(session, me.project_id, product_id)
    except DomainError:
        return render(request, "not_found.html", status=404, me=me, what="variant")
    values = _variant_values(variant, record.currency)
    if error is not None:
        values.update(posted(request))
    return render(
        request,
        "variant.html",
        status=error.status if error else 200,
        me=me,
        record=record,
        variant=variant,
        values=values,
        error=error,
        notice=request.query_params.get("done"),
    )


async def edit_variant(request: Request, me: SignedIn) -> Response:
    product_id, variant_id = request.path_params["product_id"], request.path_params["variant_id"]
    if request.method == "GET":
        return await _variant_page(request, me, product_id, variant_id)
    try:
        given = variant_given(posted(request))
        async with runtime_of(request).database.write() as session:
            await _variant_of(session, me, product_id, variant_id)
            await admin_products.update_variant(session, me.project_id, variant_id, given)
    except DomainError as error:
        return await _variant_page(request, me, product_id, variant_id, error=error)
    return redirect(f"/products/{product_id}/variants/{variant_id}", done="variant saved")


async def delete_variant(request: Request, me: SignedIn) -> Response:
    product_id, variant_id = request.path_params["product_id"], request.path_params["variant_id"]
    try:
        async with runtime_of(request).database.write() as session:
            await _variant_of(session, me, product_id, variant_id)
            await admin_products.delete_variant(session, me.project_id, variant_id)
    except DomainError as error:
        return await _form_page(request, me, product_id, error=error, form="delete")
    return redirect(f"/products/{product_id}", done="variant deleted")
