"""What tests share: databases, factories, the GraphQL callers, the outbox and worker, payment and webhook set-ups.

Each test builds what it needs with these; no test depends on another's leftovers.
"""
