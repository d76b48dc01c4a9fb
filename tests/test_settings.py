"""Every SHOPGRAPH_ variable is read through one table: checked, named when wrong, documented in the README."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import pytest

from shopgraph.settings import VARIABLES, SettingError, Settings, check_no_unknown_variables

README = Path(__file__).parents[1] / "README.md"

BAD_VALUES = [
    ("SHOPGRAPH_DATABASE_URL", "postgres://shop@db/shop", "postgresql+asyncpg://"),
    ("SHOPGRAPH_DATABASE_URL", "postgresql://shop@db/shop", "postgresql+asyncpg://"),
    ("SHOPGRAPH_DATABASE_URL", "mysql+aiomysql://shop@db/shop", "not a driver"),
    ("SHOPGRAPH_DATABASE_URL", "not a url", "not a database URL"),
    ("SHOPGRAPH_GRAPHQL_MAX_DEPTH", "twelve", "'twelve' is not a whole number"),
    ("SHOPGRAPH_GRAPHQL_MAX_DEPTH", "0", "out of range"),
    ("SHOPGRAPH_CART_TTL_DAYS", "3.5", "not a whole number"),
    ("SHOPGRAPH_GRAPHQL_INTROSPECTION", "nope", "is not 1 or 0"),
    ("SHOPGRAPH_WORKER_INTERVAL_SECONDS", "-1", "greater than 0"),
    ("SHOPGRAPH_WEBHOOK_TIMEOUT_SECONDS", "ten", "not a number of seconds"),
    ("SHOPGRAPH_WEBHOOK_RETRY_SCHEDULE", "5,x,10", "not a list of seconds"),
    ("SHOPGRAPH_RATE_LIMIT", "lots", "not a rate"),
    ("SHOPGRAPH_SMTP_URL", "mail.example.com", "smtp"),
    ("SHOPGRAPH_REDIS_URL", "http://127.0.0.1:6379", "redis"),
    ("SHOPGRAPH_STRIPE_API_BASE", "127.0.0.1:12111", "http"),
    ("SHOPGRAPH_MAIL_FROM", "shop", "not an email address"),
    ("SHOPGRAPH_BASE_DOMAIN", "shop test", "not a host name"),
    ("SHOPGRAPH_LOG_LEVEL", "LOUD", "not one of DEBUG"),
    ("SHOPGRAPH_LOG_FORMAT", "xml", "not one of json, text"),
    ("SHOPGRAPH_METRICS_TOKEN", "short", "at least 16 characters"),
    ("SHOPGRAPH_PUBLIC_URL", "shop.example.com", "scheme http or https"),
    ("SHOPGRAPH_PUBLIC_URL", "ftp://shop.example.com", "scheme http or https"),
    ("SHOPGRAPH_PUBLIC_URL", "https://shop.example.com/?x=1", "without query"),
]


@pytest.mark.parametrize(("name", "value", "says"), BAD_VALUES, ids=[f"{n}={v}" for n, v, _ in BAD_VALUES])
def test_a_bad_value_is_refused_with_the_variables_name(name: str, value: str, says: str) -> None:
    # when
    with pytest.raises(SettingError) as refused:
        Settings.from_env({name: value})

    # then
    assert refused.value.variable == name
    assert str(refused.value).startswith(f"{name}: ")
    assert says in str(refused.value)
    assert "\n" not in str(refused.value)


def test_good_values_are_read_with_their_types() -> None:
    # when
    settings = Settings.from_env(
        {
            "SHOPGRAPH_GRAPHQL_MAX_DEPTH": " 8 ",
            "SHOPGRAPH_GRAPHQL_INTROSPECTION": "off",
            "SHOPGRAPH_WORKER_INTERVAL_SECONDS": "0.5",
            "SHOPGRAPH_WEBHOOK_RETRY_SCHEDULE": "1,2,3",
            "SHOPGRAPH_LOG_LEVEL": "debug",
            "SHOPGRAPH_BASE_DOMAIN": "Shop.Test.",
            "SHOPGRAPH_RATE_LIMIT": "off",
            "SHOPGRAPH_PUBLIC_URL": "https://shop.example.com/shop/",
        }
    )

    # then
    assert settings.graphql_max_depth == 8
    assert settings.graphql_introspection is False
    assert settings.worker_interval_seconds == 0.5
    assert settings.retry_schedule_seconds == (1, 2, 3)
    assert settings.log_level == "DEBUG"
    assert settings.base_domain == "shop.test"
    assert settings.public_url == "https://shop.example.com/shop"


def test_unset_and_empty_variables_keep_the_defaults() -> None:
    assert Settings.from_env({"SHOPGRAPH_GRAPHQL_MAX_DEPTH": ""}) == Settings()


def test_a_mistyped_name_is_refused_with_the_name_it_may_stand_for() -> None:
    # when
    with pytest.raises(SettingError) as refused:
        check_no_unknown_variables({"SHOPGRAPH_DATABSE_URL": "sqlite+aiosqlite:///x.db", "HOME": "/root"})

    # then
    assert "SHOPGRAPH_DATABSE_URL" in str(refused.value)
    assert "did you mean SHOPGRAPH_DATABASE_URL?" in str(refused.value)


def test_every_variable_names_a_setting_and_no_two_share_one() -> None:
    settings_fields = {field.name for field in fields(Settings)}
    assert {variable.field for variable in VARIABLES} <= settings_fields
    assert len({variable.field for variable in VARIABLES}) == len(VARIABLES)
    assert all(variable.name.startswith("SHOPGRAPH_") and variable.meaning for variable in VARIABLES)


def test_the_readme_documents_every_variable_and_no_other() -> None:
    # given
    section = README.read_text().split("## Configuration", 1)[1].split("\n## ", 1)[0]

    # when
    documented = re.findall(r"^\| `(SHOPGRAPH_[A-Z_]+)`", section, flags=re.MULTILINE)

    # then
    assert documented == [variable.name for variable in VARIABLES]


def test_secrets_are_the_secret_settings_and_url_passwords() -> None:
    # given
    settings = Settings(
        database_url="postgresql+asyncpg://shop:db-pass-1234@db/shop",
        smtp_url="smtp://mailer:p%40ss-5678@mail:587",
        metrics_token="metrics-token-0123456789",
    )

    # then
    assert {"db-pass-1234", "p%40ss-5678", "p@ss-5678", "metrics-token-0123456789"} <= set(settings.secrets())
    assert settings.database_url not in settings.secrets()
