"""Delivery of outbox messages: claiming due messages, sending them, retrying with backoff."""
