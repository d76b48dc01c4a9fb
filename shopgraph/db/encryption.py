"""Secrets at rest: provider credentials and webhook signing secrets are stored as Fernet tokens.

Fernet (from `cryptography`) is AES-128-CBC with an HMAC-SHA256 over the whole token: a token changed in the
database does not decrypt to something else, it fails. `MultiFernet` holds several keys: the first encrypts, each
of them decrypts, so a key can be replaced while the rows still carry the old one (`shopgraph encryption rotate`
re-encrypts them under the first).

The keys come from `SHOPGRAPH_ENCRYPTION_KEY` (comma-separated). Without it, a SQLite database file gets a key file
beside it (`shop.db` -> `shop.db.key`, mode 0600), created on first use; PostgreSQL needs the variable.

The column type `EncryptedText` encrypts each value as it is bound and decrypts it as it is read, so the ORM's rows
hold plain text and statements (and the driver's own DEBUG lines) carry only tokens. The keyring is the engine's:
`Database` installs it on its engine's dialect.
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import Text
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.types import TypeDecorator

VARIABLE = "SHOPGRAPH_ENCRYPTION_KEY"
KEY_FILE_SUFFIX = ".key"

# Every column that holds a secret, as (table, key column, secret columns): the migration that encrypts them, the
# startup check and the rotation walk this list.
ENCRYPTED_COLUMNS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "store_settings",
        "project_id",
        ("stripe_secret_key", "stripe_webhook_secret", "razorpay_key_secret", "razorpay_webhook_secret"),
    ),
    ("webhook_endpoints", "id", ("secret", "previous_secret")),
)


class EncryptionKeyError(ValueError):
    """No key to use, a key that is not a Fernet key, or stored secrets none of the keys opens; the message names
    the variable, as a `SettingError`'s does."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"{VARIABLE}: {reason}")
        self.variable = VARIABLE
        self.reason = reason


class UnreadableSecret(Exception):
    """A stored token that none of the keys decrypts."""


def new_key() -> str:
    return Fernet.generate_key().decode("ascii")


class Keyring:
    """The keys of one database; `source` says where they came from, for messages."""

    def __init__(self, keys: Sequence[str], source: str) -> None:
        if not keys:
            raise EncryptionKeyError("no key given")
        self.keys = tuple(keys)
        self.source = source
        self._cipher = MultiFernet([Fernet(key) for key in self.keys])

    def encrypt(self, plain: str) -> str:
        return self._cipher.encrypt(plain.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str:
        try:
            return self._cipher.decrypt(token.encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeError):
            raise UnreadableSecret(f"a stored secret does not decrypt with the keys of {self.source}") from None

    def rotate(self, token: str) -> str:
        """The same secret as a token of the first key (a new token even when it already was)."""
        try:
            return self._cipher.rotate(token.encode("ascii")).decode("ascii")
        except (InvalidToken, UnicodeError):
            raise UnreadableSecret(f"a stored secret does not decrypt with the keys of {self.source}") from None

    def opens(self, token: str) -> bool:
        try:
            self.decrypt(token)
        except UnreadableSecret:
            return False
        return True


def key_file_of(url: str) -> Path | None:
    """Where a SQLite database file keeps its key; None for an in-memory database and for PostgreSQL."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        return None
    return Path(database).with_name(Path(database).name + KEY_FILE_SUFFIX)


def _read_or_create_key_file(path: Path) -> str:
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(descriptor, "w") as key_file:
            key_file.write(new_key() + "\n")
    try:
        raw = path.read_text()
    except OSError as error:
        raise EncryptionKeyError(f"cannot read the key file {path}: {error.strerror}") from None
    keys = [line.strip() for line in raw.splitlines() if line.strip()]
    if not keys:
        raise EncryptionKeyError(f"the key file {path} is empty")
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except (ValueError, TypeError):
            raise EncryptionKeyError(f"line {position} of the key file {path} is not a Fernet key") from None
    return ",".join(keys)


def write_key_file(path: Path, keys: Sequence[str]) -> None:
    """Replaces the key file in one step (a new file of mode 0600, renamed over the old): one key a line, the first
    encrypts."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.new")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as key_file:
        key_file.write("".join(f"{key}\n" for key in keys))
        key_file.flush()
        os.fsync(key_file.fileno())
    os.replace(temporary, path)


def keyring_for(url: str, keys: Sequence[str] = ()) -> Keyring:
    """The given keys; else the key file next to a SQLite file (made now if missing); else, for an in-memory
    database, a key that lives as long as the process, like the data. PostgreSQL without keys is an error."""
    if keys:
        return Keyring(keys, VARIABLE)
    path = key_file_of(url)
    if path is not None:
        return Keyring(_read_or_create_key_file(path).split(","), str(path))
    if make_url(url).get_backend_name() == "sqlite":
        return Keyring([new_key()], "an in-memory database's own key")
    raise EncryptionKeyError(
        "not set; PostgreSQL needs a key to encrypt provider and webhook secrets "
        "(shopgraph encryption new-key prints one)"
    )


_KEYRINGS: weakref.WeakKeyDictionary[Dialect, Keyring] = weakref.WeakKeyDictionary()


def install_keyring(dialect: Dialect, keyring: Keyring) -> None:
    _KEYRINGS[dialect] = keyring


def keyring_of(dialect: Dialect) -> Keyring:
    keyring = _KEYRINGS.get(dialect)
    if keyring is None:
        raise EncryptionKeyError("this engine has no keyring: open the database through shopgraph.db.Database")
    return keyring


class EncryptedText(TypeDecorator[str]):
    """Text stored as a Fernet token of the engine's keyring."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return keyring_of(dialect).encrypt(str(value))

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return keyring_of(dialect).decrypt(value)
