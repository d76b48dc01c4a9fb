"""The codes the catalog answers with."""

from __future__ import annotations

from enum import StrEnum


class CatalogErrorCode(StrEnum):
    PRODUCT_NOT_FOUND = "PRODUCT_NOT_FOUND"
    VARIANT_NOT_FOUND = "VARIANT_NOT_FOUND"
    SLUG_TAKEN = "SLUG_TAKEN"
    SKU_TAKEN = "SKU_TAKEN"
    INVALID_SKU = "INVALID_SKU"
    HAS_VARIANTS = "HAS_VARIANTS"
    CATEGORY_CYCLE = "CATEGORY_CYCLE"
    IMPORT_FILE_UNUSABLE = "IMPORT_FILE_UNUSABLE"
