"""`shopgraph encryption new-key|rotate`: the key that encrypts provider and webhook secrets in the database."""

from __future__ import annotations

import argparse
import asyncio

from shopgraph.db.encryption import key_file_of, keyring_for, new_key, write_key_file
from shopgraph.db.engine import Database
from shopgraph.db.stored_secrets import check_keys, reencrypt_all
from shopgraph.settings import Settings


def add_encryption_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    encryption = commands.add_parser(
        "encryption", help="the key that encrypts provider and webhook secrets in the database"
    )
    encryption_commands = encryption.add_subparsers(dest="encryption_command", required=True, metavar="COMMAND")
    encryption_commands.add_parser("new-key", help="print a new key for SHOPGRAPH_ENCRYPTION_KEY")
    encryption_commands.add_parser(
        "rotate",
        help="encrypt every stored secret again under the first key",
        description="Encrypts every stored secret again under the first key of SHOPGRAPH_ENCRYPTION_KEY; once it "
        "has run, the other keys can be taken out of the variable. Without the variable (a SQLite database's key "
        "file), a new key is made first and is the only one left in the file afterwards.",
    )


async def _rotate(settings: Settings) -> str:
    key_file = None if settings.encryption_keys else key_file_of(settings.database_url)
    if key_file is not None:
        old = keyring_for(settings.database_url)
        # New first, the old kept until every secret is re-encrypted: a failure in between leaves a file that opens
        # all of them.
        write_key_file(key_file, [new_key(), *old.keys])
    database = Database(settings.database_url, settings.encryption_keys)
    try:
        await check_keys(database)
        count = await reencrypt_all(database)
    finally:
        await database.dispose()
    if key_file is not None:
        write_key_file(key_file, database.keyring.keys[:1])
        return f"{count} stored secrets encrypted again under a new key in {key_file}"
    return f"{count} stored secrets encrypted again under the first key of SHOPGRAPH_ENCRYPTION_KEY"


async def check_stored_secrets(settings: Settings) -> None:
    database = Database(settings.database_url, settings.encryption_keys)
    try:
        await check_keys(database)
    finally:
        await database.dispose()


def run_encryption_command(args: argparse.Namespace, settings: Settings) -> int:
    if args.encryption_command == "new-key":
        print(new_key())
        return 0
    print(asyncio.run(_rotate(settings)))
    return 0
