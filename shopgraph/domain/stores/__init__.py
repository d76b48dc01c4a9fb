"""Stores: projects, their API keys and who may act on them, settings, payment credentials."""
