"""Pytest fixtures for the loopback fakes: one server per fake for the whole session, fresh state per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.razorpay_fake import RazorpayFake
from tests.fakes.receiver import Receiver
from tests.fakes.server import LoopbackServer
from tests.fakes.smtp_server import SmtpServer
from tests.fakes.stripe_fake import StripeFake


@pytest.fixture(scope="session")
def stripe_fake_server() -> Iterator[StripeFake]:
    fake = StripeFake()
    with LoopbackServer(fake.app) as server:
        fake.url = server.url
        yield fake


@pytest.fixture
def stripe_fake(stripe_fake_server: StripeFake) -> StripeFake:
    """A Stripe fake with no requests, objects or failures yet; `.url` is the base for `SHOPGRAPH_STRIPE_API_BASE`."""
    stripe_fake_server.reset()
    return stripe_fake_server


@pytest.fixture(scope="session")
def razorpay_fake_server() -> Iterator[RazorpayFake]:
    fake = RazorpayFake()
    with LoopbackServer(fake.app) as server:
        fake.url = server.url
        yield fake


@pytest.fixture
def razorpay_fake(razorpay_fake_server: RazorpayFake) -> RazorpayFake:
    """A Razorpay fake with no requests, orders or failures yet, accepting `FAKE_KEY_ID` / `FAKE_KEY_SECRET`."""
    razorpay_fake_server.reset()
    return razorpay_fake_server


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A real SMTP server (aiosmtpd) on loopback that keeps every message it receives."""
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def receiver_server() -> Iterator[Receiver]:
    receiver = Receiver()
    with LoopbackServer(receiver.app) as server:
        receiver.url = f"{server.url}/hooks"
        yield receiver


@pytest.fixture
def receiver(receiver_server: Receiver) -> Receiver:
    """A merchant's webhook receiver that answers 200 to everything, with no requests recorded yet."""
    receiver_server.reset()
    return receiver_server
