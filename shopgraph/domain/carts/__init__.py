"""Carts: lines priced from the catalog on every read, pricing (pure arithmetic), coupons and their checks."""
