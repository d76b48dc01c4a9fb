"""Order emails: never reported sent when they were not; the Emails page shows each with its state and content."""

from __future__ import annotations

import logging

import httpx
import pytest

from shopgraph.delivery import emails as email_delivery
from shopgraph.delivery.emails import deliver_due_emails
from shopgraph.runtime import Runtime
from shopgraph.settings import Settings
from tests.dashboard.support import sign_in
from tests.schema.admin.test_orders import cash_on_delivery_order
from tests.support.factories import Store


async def test_without_smtp_an_email_is_kept_as_not_sent_warned_once_and_shown_with_its_content(
    client: httpx.AsyncClient,
    runtime: Runtime,
    settings: Settings,
    demo: Store,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(email_delivery, "_warned_no_smtp", False)
    assert settings.smtp_url is None
    first = await cash_on_delivery_order(client, demo, email="ann@example.com")
    with caplog.at_level(logging.INFO, logger="shopgraph.mail"):
        assert await deliver_due_emails(runtime.database, settings) == 0
        await cash_on_delivery_order(client, demo, email="bob@example.com")
        assert await deliver_due_emails(runtime.database, settings) == 0
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING and "SHOPGRAPH_SMTP_URL" in r.getMessage()]
    assert len(warnings) == 1

    await sign_in(client, demo)
    page = await client.get("/dashboard/emails")
    assert page.status_code == 200
    assert page.text.count("not sent: no SMTP configured") == 2 and ">sent<" not in page.text
    assert first["order_number"] in page.text
    email_id = page.text.split('href="/dashboard/emails/', 1)[1].split('"', 1)[0]
    detail = await client.get(f"/dashboard/emails/{email_id}")
    assert detail.status_code == 200 and "not sent: no SMTP configured" in detail.text
    assert "Ceramic Mug" in detail.text and "Total" in detail.text
    assert (await client.get("/dashboard/emails/msg_nothing")).status_code == 404
