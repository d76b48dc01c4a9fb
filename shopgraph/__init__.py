"""shopgraph: a self-hosted commerce API."""
