"""Store settings through the admin API: typed, checked as a whole, and never showing a secret."""

from __future__ import annotations

import httpx

from shopgraph.runtime import Runtime
from tests.support.factories import Store, make_store
from tests.support.graphql import ADMIN, admin, refused, secret, succeeded

CONFIG_FIELDS = """
  defaultCurrency currencySymbol taxPercentage flatShippingRate { amount } freeShippingThreshold { amount }
  shippingEnabled paymentProvider stripeMode stripePublishableKey razorpayKeyId storefrontUrl corsOrigins domains
  pendingOrderTtlMinutes
  paymentKeysSet {
    stripeSecretKey stripePublishableKey stripeWebhookSecret razorpayKeyId razorpayKeySecret razorpayWebhookSecret
  }
"""
STORE_CONFIG = f"query {{ storeConfig {{ {CONFIG_FIELDS} }} }}"
UPDATE = f"""
mutation Update($input: StoreConfigInput!) {{
  storeConfigUpdate(input: $input) {{ storeConfig {{ {CONFIG_FIELDS} }} userErrors {{ field message code }} }}
}}
"""
STOREFRONT_CONFIG = "query { storeConfig { taxPercentage freeShippingThreshold { amount } paymentProvider } }"
STRIPE_SECRET = "sk_test_do_not_show_me"


async def test_settings_are_changed_with_typed_values_and_secrets_stay_hidden(
    client: httpx.AsyncClient, demo: Store
) -> None:
    # given
    await client.post("/graphql", json={"query": STOREFRONT_CONFIG}, headers=demo.auth)

    # when
    response = await client.post(
        ADMIN,
        json={
            "query": UPDATE,
            "variables": {
                "input": {
                    "taxPercentage": "7.25",
                    "flatShippingRate": "3.99",
                    "freeShippingThreshold": None,
                    "paymentProvider": "stripe",
                    "stripeMode": "payment_intent",
                    "stripeSecretKey": STRIPE_SECRET,
                    "stripePublishableKey": "pk_test_visible",
                    "storefrontUrl": "https://shop.example.com",
                    "corsOrigins": ["https://shop.example.com", "https://www.example.com"],
                    "domains": ["shop.example.com"],
                    "pendingOrderTtlMinutes": 30,
                }
            },
        },
        headers=secret(demo),
    )

    # then
    assert STRIPE_SECRET not in response.text
    payload = succeeded(response.json()["data"]["storeConfigUpdate"])
    assert payload["storeConfig"] == {
        "defaultCurrency": "USD",
        "currencySymbol": "$",
        "taxPercentage": "7.25",
        "flatShippingRate": {"amount": "3.99"},
        "freeShippingThreshold": None,
        "shippingEnabled": True,
        "paymentProvider": "stripe",
        "stripeMode": "payment_intent",
        "stripePublishableKey": "pk_test_visible",
        "razorpayKeyId": None,
        "storefrontUrl": "https://shop.example.com",
        "corsOrigins": ["https://shop.example.com", "https://www.example.com"],
        "domains": ["shop.example.com"],
        "pendingOrderTtlMinutes": 30,
        "paymentKeysSet": {
            "stripeSecretKey": True,
            "stripePublishableKey": True,
            "stripeWebhookSecret": False,
            "razorpayKeyId": False,
            "razorpayKeySecret": False,
            "razorpayWebhookSecret": False,
        },
    }
    assert (await admin(client, demo, STORE_CONFIG))["storeConfig"] == payload["storeConfig"]
    storefront = (await client.post("/graphql", json={"query": STOREFRONT_CONFIG}, headers=demo.auth)).json()
    assert storefront["data"]["storeConfig"] == {
        "taxPercentage": "7.25",
        "freeShippingThreshold": None,
        "paymentProvider": "stripe",
    }
    rest = (await client.get(demo.aerocall("/config"), headers=demo.auth)).json()
    assert (rest["tax_percentage"], rest["flat_shipping_rate"]) == (7.25, 3.99)


async def test_null_clears_an_optional_setting(client: httpx.AsyncClient, demo: Store) -> None:
    # given
    succeeded((await admin(client, demo, UPDATE, input={"stripeSecretKey": STRIPE_SECRET}))["storeConfigUpdate"])

    # when
    payload = succeeded((await admin(client, demo, UPDATE, input={"stripeSecretKey": None}))["storeConfigUpdate"])

    # then
    assert payload["storeConfig"]["paymentKeysSet"]["stripeSecretKey"] is False


async def test_one_bad_setting_refuses_them_all(client: httpx.AsyncClient, runtime: Runtime, demo: Store) -> None:
    # given
    other = await make_store(runtime, "other")
    succeeded((await admin(client, other, UPDATE, input={"domains": ["taken.example.com"]}))["storeConfigUpdate"])
    before = (await admin(client, demo, STORE_CONFIG))["storeConfig"]

    # when
    errors = [
        refused((await admin(client, demo, UPDATE, input=changes))["storeConfigUpdate"])
        for changes in (
            {"flatShippingRate": "9", "taxPercentage": "150"},
            {"flatShippingRate": "-1"},
            {"defaultCurrency": "dollars"},
            {"paymentProvider": "cash"},
            {"shippingEnabled": None},
            {"corsOrigins": ["not an origin"]},
            {"storefrontUrl": "ftp://shop.example.com"},
            {"pendingOrderTtlMinutes": 0},
            {"taxPercentage": "5", "domains": ["taken.example.com"]},
        )
    ]

    # then
    assert [(error["field"], error["code"]) for error in errors] == [
        ("taxPercentage", "INVALID_SETTING"),
        ("flatShippingRate", "INVALID_SETTING"),
        ("defaultCurrency", "INVALID_SETTING"),
        ("paymentProvider", "INVALID_SETTING"),
        ("shippingEnabled", "INVALID_SETTING"),
        ("corsOrigins", "INVALID_SETTING"),
        ("storefrontUrl", "INVALID_SETTING"),
        ("pendingOrderTtlMinutes", "INVALID_SETTING"),
        ("domains", "DOMAIN_TAKEN"),
    ]
    assert errors[0]["message"].startswith("taxPercentage: ")
    assert (await admin(client, demo, STORE_CONFIG))["storeConfig"] == before


async def test_the_contact_email_is_set_checked_and_cleared(client: httpx.AsyncClient, demo: Store) -> None:
    # given
    query = "mutation ($input: StoreConfigInput!) { storeConfigUpdate(input: $input) { storeConfig { contactEmail } "
    query += "userErrors { field message code } } }"

    # when
    set_ = succeeded(
        (await admin(client, demo, query, input={"contactEmail": "ops@shop.example.com"}))["storeConfigUpdate"]
    )
    bad = refused((await admin(client, demo, query, input={"contactEmail": "ops at shop"}))["storeConfigUpdate"])
    kept = (await admin(client, demo, "query { storeConfig { contactEmail } }"))["storeConfig"]
    cleared = succeeded((await admin(client, demo, query, input={"contactEmail": None}))["storeConfigUpdate"])

    # then
    assert set_["storeConfig"] == {"contactEmail": "ops@shop.example.com"}
    assert (bad["field"], bad["code"]) == ("contactEmail", "INVALID_SETTING") and "not an email address" in bad[
        "message"
    ]
    assert kept == {"contactEmail": "ops@shop.example.com"}
    assert cleared["storeConfig"] == {"contactEmail": None}
