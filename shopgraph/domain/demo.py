"""The demo store: settings, a two-level category tree, products with variants and attributes, coupons."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from shopgraph.db.models import Coupon, CouponType, ProductStatus
from shopgraph.domain.catalog.snapshot import bump_catalog_version
from shopgraph.domain.catalog.writes import add_category, add_product
from shopgraph.domain.stores.settings import update_store_settings
from shopgraph.ids import new_id, now_ms
from shopgraph.payments import Provider

DEMO_SETTINGS = {
    "default_currency": "USD",
    "tax_percentage": "10",
    "flat_shipping_rate": "5",
    "free_shipping_threshold": "100",
    "shipping_enabled": "true",
    "payment_provider": Provider.MANUAL,
}

CATEGORIES: dict[str, list[str]] = {
    "Apparel": ["T-Shirts", "Hoodies"],
    "Home": ["Kitchen", "Decor"],
    "Accessories": ["Bags", "Hats"],
}


def _sizes(sku: str, sizes: list[str], price: int, stock: int) -> list[dict[str, Any]]:
    return [
        {"name": size, "sku": f"{sku}-{size}", "price_minor": price, "stock": stock, "options": {"size": size}}
        for size in sizes
    ]


PRODUCTS: list[dict[str, Any]] = [
    {
        "name": "Classic Tee",
        "category": "T-Shirts",
        "price_minor": 2500,
        "description": "A soft everyday cotton t-shirt.",
        "attributes": {"color": "white", "material": "cotton"},
        "variants": _sizes("TEE-CLASSIC", ["S", "M", "L"], 2500, 40),
    },
    {
        "name": "Graphic Tee",
        "category": "T-Shirts",
        "price_minor": 2999,
        "compare_at_price_minor": 3499,
        "description": "Screen-printed mountain graphic on organic cotton.",
        "attributes": {"color": "black", "material": "cotton"},
        "variants": _sizes("TEE-GRAPHIC", ["S", "M", "L"], 2999, 25),
    },
    {
        "name": "Zip Hoodie",
        "category": "Hoodies",
        "price_minor": 5900,
        "description": "Heavyweight fleece hoodie with a full zip.",
        "attributes": {"color": "grey", "material": "fleece"},
        "variants": _sizes("HOODIE-ZIP", ["M", "L", "XL"], 5900, 12),
    },
    {
        "name": "Pullover Hoodie",
        "category": "Hoodies",
        "price_minor": 5400,
        "stock": 8,
        "description": "Classic pullover hoodie with a kangaroo pocket.",
        "attributes": {"color": "navy"},
    },
    {
        "name": "Ceramic Mug",
        "category": "Kitchen",
        "price_minor": 1450,
        "stock": 120,
        "low_stock_threshold": 10,
        "description": "A 350 ml stoneware mug, dishwasher safe.",
        "attributes": {"color": "white", "material": "ceramic"},
    },
    {
        "name": "Chef Knife",
        "category": "Kitchen",
        "price_minor": 8900,
        "stock": 3,
        "low_stock_threshold": 5,
        "description": "An eight-inch forged steel chef knife.",
        "attributes": {"material": "steel"},
    },
    {
        "name": "Cutting Board",
        "category": "Kitchen",
        "price_minor": 3500,
        "stock": 0,
        "description": "End-grain walnut cutting board.",
        "attributes": {"material": "walnut"},
    },
    {
        "name": "Linen Pillow",
        "category": "Decor",
        "price_minor": 3200,
        "stock": 30,
        "description": "Stonewashed linen pillow cover.",
        "attributes": {"color": "sand", "material": "linen"},
    },
    {
        "name": "Scented Candle",
        "category": "Decor",
        "price_minor": 1800,
        "stock": 60,
        "description": "Soy wax candle with cedar and fig.",
        "attributes": {"material": "soy wax"},
    },
    {
        "name": "Wall Print",
        "category": "Decor",
        "price_minor": 4500,
        "description": "A museum-quality print, printed to order.",
        "attributes": {"color": "blue"},
    },
    {
        "name": "Canvas Tote",
        "category": "Bags",
        "price_minor": 2200,
        "stock": 75,
        "description": "A sturdy canvas tote bag.",
        "attributes": {"color": "natural", "material": "canvas"},
    },
    {
        "name": "Leather Backpack",
        "category": "Bags",
        "price_minor": 14900,
        "description": "Full-grain leather backpack with a laptop sleeve.",
        "attributes": {"color": "brown", "material": "leather"},
        "variants": [
            {"name": "Brown", "sku": "BACKPACK-BROWN", "price_minor": 14900, "stock": 6, "options": {"color": "brown"}},
            {"name": "Black", "sku": "BACKPACK-BLACK", "price_minor": 15900, "stock": 4, "options": {"color": "black"}},
        ],
    },
    {
        "name": "Wool Beanie",
        "category": "Hats",
        "price_minor": 1900,
        "stock": 50,
        "description": "A ribbed merino wool beanie.",
        "attributes": {"color": "red", "material": "wool"},
    },
    {
        "name": "Prototype Sneaker",
        "category": "Apparel",
        "price_minor": 12000,
        "stock": 5,
        "status": ProductStatus.DRAFT,
        "description": "Not yet for sale.",
        "attributes": {"material": "mesh"},
    },
]

DAY_MS = 24 * 60 * 60 * 1000
DEMO_IMAGE = "/static/store/demo-product.svg"


async def load_demo_catalog(session: AsyncSession, project_id: str) -> None:
    await update_store_settings(session, project_id, DEMO_SETTINGS)
    category_ids: dict[str, str] = {}
    for position, (parent, children) in enumerate(CATEGORIES.items()):
        root = await add_category(session, project_id, name=parent, position=position)
        category_ids[parent] = root.id
        for child_position, child in enumerate(children):
            category = await add_category(session, project_id, name=child, parent_id=root.id, position=child_position)
            category_ids[child] = category.id
    started = now_ms()
    for index, spec in enumerate(PRODUCTS):
        fields = {key: value for key, value in spec.items() if key != "category"}
        slug = fields["name"].lower().replace(" ", "-")
        await add_product(
            session,
            project_id,
            slug=slug,
            category_id=category_ids[spec["category"]],
            # Served by shopgraph itself, so the demo store works with no internet.
            images=[DEMO_IMAGE],
            created_at=started - index * 60_000,
            **fields,
        )
    yesterday = now_ms() - DAY_MS
    session.add_all(
        [
            Coupon(
                id=new_id("cpn"),
                project_id=project_id,
                code="SAVE10",
                type=CouponType.PERCENTAGE,
                percent_basis_points=1000,
            ),
            Coupon(id=new_id("cpn"), project_id=project_id, code="FLAT5", type=CouponType.FIXED, amount_minor=500),
            Coupon(id=new_id("cpn"), project_id=project_id, code="FREESHIP", type=CouponType.FREE_SHIPPING),
            Coupon(
                id=new_id("cpn"),
                project_id=project_id,
                code="EXPIRED",
                type=CouponType.PERCENTAGE,
                percent_basis_points=1500,
                starts_at=yesterday - 30 * DAY_MS,
                ends_at=yesterday,
            ),
        ]
    )
    await bump_catalog_version(session, project_id)
