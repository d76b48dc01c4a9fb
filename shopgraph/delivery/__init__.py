"""The worker's package: the jobs that consume the outbox (order emails, fan-out of merchant events, webhook
deliveries) and the periodic sweeps, run in rounds by `Worker`."""
