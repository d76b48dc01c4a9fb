from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.smtp_server import SMTP_LOGIN, SMTP_PASSWORD, SmtpServer


@pytest.fixture
def smtp_server_with_auth() -> Iterator[SmtpServer]:
    server = SmtpServer(credentials=(SMTP_LOGIN, SMTP_PASSWORD))
    server.start()
    yield server
    server.stop()
