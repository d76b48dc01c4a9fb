"""The benchmark's synthetic catalog: products, variants and categories generated from an index, deterministically.

The same generator feeds the bulk seed (rows for `shopgraph.db.models`) and the import file (CSV rows), so both
describe one kind of store: a two-level category tree, three sizes per product, `color` and `material`
attributes, names and descriptions made of a few dozen words that `q` can search for.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ADJECTIVES = ("classic", "soft", "rugged", "slim", "vintage", "urban", "cozy", "light", "bold", "everyday")
MATERIALS = ("cotton", "linen", "wool", "denim", "leather", "silk", "canvas", "bamboo")
NOUNS = ("shirt", "jacket", "scarf", "mug", "bag", "hat", "sock", "lamp", "towel", "blanket")
COLORS = ("red", "blue", "green", "black", "white", "grey", "navy", "olive")
DEPARTMENTS = ("Apparel", "Home", "Kitchen", "Outdoor", "Travel", "Gifts")
AISLES = ("New", "Classics", "Sale", "Essentials", "Premium")
SIZES = ("S", "M", "L")
VARIANTS_EACH = len(SIZES)
PLENTY = 1_000_000
"""Stock of a tracked, in-stock variant: more than any run can sell, so no write ever fails for want of stock."""


@dataclass(frozen=True)
class VariantSpec:
    name: str
    sku: str
    price_minor: int
    stock: int | None
    size: str


@dataclass(frozen=True)
class ProductSpec:
    index: int
    slug: str
    name: str
    description: str
    price_minor: int
    compare_at_price_minor: int | None
    department: int
    aisle: int
    color: str
    material: str
    images: tuple[str, ...]
    variants: tuple[VariantSpec, ...]

    @property
    def sellable(self) -> bool:
        return any(variant.stock is None or variant.stock > 0 for variant in self.variants)


def _mix(index: int, salt: int) -> int:
    """A cheap, well-spread hash of the index (a random generator per product would triple the seeding time)."""
    value = (index * 0x9E3779B1 + salt * 0x85EBCA77) & 0xFFFFFFFF
    value ^= value >> 15
    value = (value * 0x2C1B3C6D) & 0xFFFFFFFF
    return value ^ (value >> 12)


def product_spec(index: int) -> ProductSpec:
    """Product number `index`: one in ten is sold out, one in ten has untracked stock, the rest plenty."""
    adjective = ADJECTIVES[_mix(index, 1) % len(ADJECTIVES)]
    material = MATERIALS[_mix(index, 2) % len(MATERIALS)]
    noun = NOUNS[_mix(index, 3) % len(NOUNS)]
    color = COLORS[_mix(index, 4) % len(COLORS)]
    price = 500 + _mix(index, 5) % 49_500
    stock: int | None = PLENTY
    if index % 10 == 3:
        stock = 0
    elif index % 10 == 7:
        stock = None
    variants = tuple(
        VariantSpec(
            name=size,
            sku=f"B{index:06d}-{size}",
            price_minor=price + (200 if size == "L" else 0),
            stock=stock,
            size=size,
        )
        for size in SIZES
    )
    return ProductSpec(
        index=index,
        slug=f"{adjective}-{material}-{noun}-{index}",
        name=f"{adjective.title()} {material.title()} {noun.title()} {index}",
        description=(
            f"A {adjective} {noun} in {color} {material}, number {index} of the benchmark catalog. "
            f"Made to last, easy to care for, and sized {', '.join(SIZES)}."
        ),
        price_minor=price,
        compare_at_price_minor=price * 5 // 4 if index % 3 == 0 else None,
        department=index % len(DEPARTMENTS),
        aisle=(index // len(DEPARTMENTS)) % len(AISLES),
        color=color,
        material=material,
        images=(f"https://img.example.com/bench/{index}-1.jpg", f"https://img.example.com/bench/{index}-2.jpg"),
        variants=variants,
    )


@dataclass
class SeededCatalog:
    """What the load targets need to know about a seeded store."""

    slug: str
    public_key: str
    secret_key: str
    products: int
    product_slugs: list[str] = field(default_factory=list)
    sellable: list[tuple[str, str]] = field(default_factory=list)
    """(product id, variant id) of products that are in stock or untracked."""
    stock_variants: list[tuple[str, str]] = field(default_factory=list)
    """(product slug, variant id) of tracked variants whose stock the stock-change scenario sets."""
    root_category_ids: list[str] = field(default_factory=list)
    leaf_category_ids: list[str] = field(default_factory=list)
