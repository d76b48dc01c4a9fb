"""Webhook tests run against a real HTTP receiver on loopback, so private targets are allowed and retries are quick."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from shopgraph.settings import Settings
from tests.fakes.server import LoopbackServer
from tests.fakes.stripe_fake import StripeFake
from tests.webhooks.receiver import Receiver

FAST_RETRIES = (0, 0, 0, 0)


@pytest.fixture
def settings(database_url: str, stripe_fake: StripeFake) -> Settings:
    return Settings(
        database_url=database_url,
        stripe_api_base=stripe_fake.url,
        allow_private_webhook_targets=True,
        retry_schedule_seconds=FAST_RETRIES,
        webhook_timeout_seconds=2.0,
    )


@pytest.fixture(scope="session")
def receiver_server() -> Iterator[Receiver]:
    receiver = Receiver()
    with LoopbackServer(receiver.app) as server:
        receiver.url = f"{server.url}/hooks"
        yield receiver


@pytest.fixture
def receiver(receiver_server: Receiver) -> Receiver:
    """A receiver that answers 200 to everything, with no requests recorded yet."""
    receiver_server.reset()
    return receiver_server
