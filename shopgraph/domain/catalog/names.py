"""What names in the catalog look like: slugs and attribute names."""

from __future__ import annotations

import re

# A slug the catalog stores (products, categories); one made from a name by `slugify`.
SLUG = re.compile(r"^[a-z0-9]+(?:[-_.][a-z0-9]+)*$")
# A slug a storefront may look a product up by: anything that could name one, so that the rest is a 404.
PRODUCT_SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,199}$")
ATTRIBUTE_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:200]
