"""Events: the outbox, merchant events written to it, and the webhook endpoints that receive them."""
