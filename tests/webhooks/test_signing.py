"""Secrets and signatures, checked against an independent HMAC and the `standardwebhooks` library."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from shopgraph.ids import new_webhook_secret as new_secret
from shopgraph.webhooks import body_signature, signature_headers

BODY = b'{"id":"evt_1","type":"order.paid","created_at":1700000000000,"project":"demo","data":{}}'


def test_a_secret_is_whsec_and_32_random_bytes_in_base64() -> None:
    # when
    first, second = new_secret(), new_secret()

    # then
    assert first.startswith("whsec_") and first != second
    assert len(base64.b64decode(first.removeprefix("whsec_"), validate=True)) == 32


def test_the_body_signature_is_the_hex_hmac_of_the_raw_body_keyed_with_the_whole_secret_string() -> None:
    secret = new_secret()

    assert body_signature(secret, BODY) == "sha256=" + hmac.new(secret.encode(), BODY, hashlib.sha256).hexdigest()


def test_the_headers_carry_the_event_and_verify_with_standard_webhooks() -> None:
    # given
    secret = new_secret()
    now = int(time.time())

    # when
    headers = signature_headers([secret], event_id="evt_1", event_type="order.paid", timestamp=now, body=BODY)

    # then
    assert headers["Content-Type"] == "application/json"
    assert headers["X-Webhook-Event"] == "order.paid"
    assert headers["X-Webhook-Id"] == headers["webhook-id"] == "evt_1"
    assert headers["X-Webhook-Timestamp"] == headers["webhook-timestamp"] == str(now)
    assert headers["X-Webhook-Signature"] == body_signature(secret, BODY)
    assert Webhook(secret).verify(BODY, headers)["type"] == "order.paid"


def test_during_a_rotation_both_secrets_sign_and_either_verifies() -> None:
    # given
    new, old = new_secret(), new_secret()

    # when
    headers = signature_headers(
        [new, old], event_id="evt_1", event_type="order.paid", timestamp=int(time.time()), body=BODY
    )

    # then
    assert headers["X-Webhook-Signature"] == f"{body_signature(new, BODY)},{body_signature(old, BODY)}"
    assert len(headers["webhook-signature"].split(" ")) == 2
    for secret in (new, old):
        Webhook(secret).verify(BODY, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(new_secret()).verify(BODY, headers)


def test_an_altered_body_does_not_verify() -> None:
    secret = new_secret()
    headers = signature_headers(
        [secret], event_id="evt_1", event_type="order.paid", timestamp=int(time.time()), body=BODY
    )

    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(BODY.replace(b"demo", b"evil"), headers)
