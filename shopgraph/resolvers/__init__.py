"""The domain: projects, settings, catalog, carts, coupons; shared by the REST and GraphQL doors."""
