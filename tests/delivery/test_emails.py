"""Order confirmation emails: one per order, sent by the worker from the outbox, retried until the server answers."""

from __future__ import annotations

from dataclasses import replace

import httpx
import pytest
from sqlalchemy import select, update

from shopgraph.db.models import OutboxMessage
from shopgraph.runtime import Runtime
from shopgraph.settings import Settings
from tests.fakes.smtp_server import SmtpServer, free_port
from tests.support.databases import encryption_keys_for
from tests.support.factories import Store
from tests.support.outbox import run_worker
from tests.support.payments import checkout_one_mug


@pytest.fixture
def settings(database_url: str, smtp_server: SmtpServer) -> Settings:
    return Settings(
        database_url=database_url,
        encryption_keys=encryption_keys_for(database_url),
        smtp_url=smtp_server.url(),
        retry_schedule_seconds=(0, 0, 0),
    )


async def email_state(runtime: Runtime) -> list[tuple[str, int]]:
    async with runtime.database.read() as session:
        rows = await session.execute(
            select(OutboxMessage.status, OutboxMessage.attempts).where(
                OutboxMessage.topic == "email.order_confirmation"
            )
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


async def test_cash_on_delivery_sends_one_confirmation_with_the_order(
    client: httpx.AsyncClient, runtime: Runtime, settings: Settings, demo: Store, smtp_server: SmtpServer
) -> None:
    # given
    await checkout_one_mug(client, demo, customerName="Ann Lee")

    # when
    await run_worker(settings, runtime)
    await run_worker(settings, runtime)

    # then
    assert len(smtp_server.received) == 1
    message = smtp_server.received[0].message
    assert message["To"] == "Ann Lee <ann@example.com>" or "ann@example.com" in message["To"]
    assert "ORD-001" in message["Subject"]
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    for part in (text, html):
        assert "Ceramic Mug" in part and "$36.90" in part and "123 Main St" in part
    assert "Pay on delivery" in text
    assert await email_state(runtime) == [("delivered", 1)]


async def test_an_unreachable_smtp_server_is_retried_and_the_email_is_not_lost(
    client: httpx.AsyncClient, runtime: Runtime, settings: Settings, demo: Store, smtp_server: SmtpServer
) -> None:
    # given: the SMTP server is unreachable for the first attempt
    await checkout_one_mug(client, demo)
    unreachable = Settings(
        database_url=settings.database_url,
        encryption_keys=encryption_keys_for(settings.database_url),
        smtp_url=f"smtp://127.0.0.1:{free_port()}",
        retry_schedule_seconds=(0, 0, 0),
    )

    # when
    await run_worker(unreachable, runtime)
    after_failure = await email_state(runtime)
    await run_worker(settings, runtime)

    # then
    assert after_failure == [("pending", 1)]
    assert await email_state(runtime) == [("delivered", 2)]
    assert len(smtp_server.received) == 1


async def test_an_email_that_keeps_failing_is_marked_failed_after_the_schedule(
    client: httpx.AsyncClient, runtime: Runtime, settings: Settings, demo: Store
) -> None:
    # given
    await checkout_one_mug(client, demo)
    unreachable = Settings(
        database_url=settings.database_url,
        encryption_keys=encryption_keys_for(settings.database_url),
        smtp_url=f"smtp://127.0.0.1:{free_port()}",
        retry_schedule_seconds=(0, 0),
    )

    # when
    for _ in range(4):
        await run_worker(unreachable, runtime)

    # then
    assert await email_state(runtime) == [("failed", 3)]


async def test_a_message_whose_lease_ran_out_is_delivered_by_the_next_worker(
    client: httpx.AsyncClient, runtime: Runtime, settings: Settings, demo: Store, smtp_server: SmtpServer
) -> None:
    # given: a worker claimed the email and died before sending it (its lease has run out)
    await checkout_one_mug(client, demo)
    async with runtime.database.write() as session:
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.topic == "email.order_confirmation")
            .values(attempts=1, locked_until=1)
        )

    # when
    await run_worker(settings, runtime)

    # then
    assert len(smtp_server.received) == 1
    assert await email_state(runtime) == [("delivered", 2)]


async def test_emails_go_out_several_at_a_time_but_never_more_than_the_limit_per_server(
    client: httpx.AsyncClient, runtime: Runtime, settings: Settings, demo: Store, smtp_server: SmtpServer
) -> None:
    # given: six orders, and a mail server that takes a while over every message
    for number in range(6):
        await checkout_one_mug(client, demo, cart_id=f"cart-{number}")
    smtp_server.inbox.delay_seconds = 0.3

    # when
    await run_worker(replace(settings, smtp_concurrency=3), runtime)

    # then
    assert len(smtp_server.received) == 6
    assert smtp_server.inbox.most_in_flight == 3
    assert await email_state(runtime) == [("delivered", 1)] * 6
