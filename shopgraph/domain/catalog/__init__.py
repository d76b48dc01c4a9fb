"""The catalog: the snapshot storefronts read, its writes (shared and admin), categories, stock and imports."""
