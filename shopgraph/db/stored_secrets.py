"""The encrypted columns as a whole: the startup check that the keys open them, and re-encryption under the first
key (`shopgraph encryption rotate`). Both read the stored tokens as they are, through plain SQL."""

from __future__ import annotations

from sqlalchemy import text

from shopgraph.db.encryption import ENCRYPTED_COLUMNS, EncryptionKeyError, UnreadableSecret
from shopgraph.db.engine import Database


async def check_keys(database: Database) -> int:
    """Every stored secret must decrypt with the keys given; else an `EncryptionKeyError` before anything serves.
    Answers how many secrets are stored."""
    count = 0
    async with database.read() as session:
        for table, _key, columns in ENCRYPTED_COLUMNS:
            for column in columns:
                tokens = (await session.execute(text(f"SELECT {column} FROM {table} WHERE {column} IS NOT NULL"))).all()
                for (token,) in tokens:
                    count += 1
                    if not database.keyring.opens(token):
                        raise EncryptionKeyError(
                            f"the secrets stored in the database ({table}.{column}) do not decrypt with the keys of "
                            f"{database.keyring.source}; to change the key, list the new key first and the one they "
                            "were encrypted with after it, then run shopgraph encryption rotate"
                        )
    return count


async def reencrypt_all(database: Database) -> int:
    """Every stored secret encrypted again under the first key, in one unit of work; answers how many."""
    count = 0
    async with database.write() as session:
        for table, key, columns in ENCRYPTED_COLUMNS:
            listed = ", ".join(columns)
            rows = (await session.execute(text(f"SELECT {key}, {listed} FROM {table}"))).all()
            for row in rows:
                changed: dict[str, str] = {}
                for index, column in enumerate(columns, start=1):
                    if row[index] is None:
                        continue
                    try:
                        changed[column] = database.keyring.rotate(row[index])
                    except UnreadableSecret as error:
                        raise EncryptionKeyError(f"{table}.{column}: {error}") from None
                if changed:
                    assignments = ", ".join(f"{column} = :{column}" for column in changed)
                    await session.execute(
                        text(f"UPDATE {table} SET {assignments} WHERE {key} = :key"), {**changed, "key": row[0]}
                    )
                    count += len(changed)
    return count
