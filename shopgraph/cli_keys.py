"""`shopgraph key list|create|revoke`: a project's API keys from the command line."""

from __future__ import annotations

import argparse
import asyncio
import json
from datetime import UTC, datetime

from shopgraph.db.engine import Database
from shopgraph.db.models import ApiKey
from shopgraph.domain.stores.keys import create_key, list_keys, revoke_key
from shopgraph.domain.stores.projects import project_by_slug
from shopgraph.settings import Settings


def add_key_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    key = commands.add_parser("key", help="list, create and revoke a project's API keys")
    key_commands = key.add_subparsers(dest="key_command", required=True, metavar="COMMAND")
    listing = key_commands.add_parser("list", help="every key of the project (never the keys themselves)")
    listing.add_argument("slug", help="the project")
    listing.add_argument("--json", action="store_true", help="print a JSON array")
    create = key_commands.add_parser("create", help="a new key, printed once")
    create.add_argument("slug", help="the project")
    create.add_argument("--kind", required=True, choices=["public", "secret"], help="pk_ (storefronts) or sk_ (admin)")
    create.add_argument("--label", help="what the key is for, shown in key lists")
    create.add_argument(
        "--expires-in-days", type=int, metavar="N", help="the key stops working N days from now (1 to 3650)"
    )
    create.add_argument("--json", action="store_true", help='print {"id", "kind", "key"}')
    revoke = key_commands.add_parser("revoke", help="stop a key working, at once or after a grace period")
    revoke.add_argument("slug", help="the project")
    revoke.add_argument("key_id", metavar="KEY_ID", help="the key's id (key_...), from `shopgraph key list`")
    revoke.add_argument(
        "--grace-seconds", type=int, default=0, metavar="N", help="keep it working N more seconds (default: 0)"
    )


def _time(ms: int | None) -> str:
    return "-" if ms is None else datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%d %H:%M:%SZ")


def _record(key: ApiKey) -> dict[str, object]:
    return {
        "id": key.id,
        "kind": key.kind,
        "label": key.label,
        "prefix": key.display_prefix[:10],
        "created_at": key.created_at,
        "last_used_at": key.last_used_at,
        "revoked_at": key.revoked_at,
        "expires_at": key.expires_at,
    }


async def _run(args: argparse.Namespace, settings: Settings) -> str:
    database = Database(settings.database_url, settings.encryption_keys)
    try:
        async with database.write() as session:
            project = await project_by_slug(session, args.slug)
            if args.key_command == "list":
                keys = await list_keys(session, project.id)
                if args.json:
                    return json.dumps([_record(key) for key in keys])
                lines = [
                    f"{'id':<32} {'kind':<7} {'prefix':<11} {'last used':<21} {'revoked':<21} {'expires':<21} label"
                ]
                lines += [
                    f"{key.id:<32} {key.kind:<7} {key.display_prefix[:10]:<11} {_time(key.last_used_at):<21} "
                    f"{_time(key.revoked_at):<21} {_time(key.expires_at):<21} {key.label or ''}"
                    for key in keys
                ]
                return "\n".join(lines)
            if args.key_command == "create":
                row, key = await create_key(session, project.id, args.kind, args.label, args.expires_in_days)
                if args.json:
                    return json.dumps({"id": row.id, "kind": row.kind, "key": key})
                expiry = "" if row.expires_at is None else f"; it stops working at {_time(row.expires_at)}"
                return f"{row.kind} key {row.id} created{expiry}\n  {key}   (shown only now)"
            revoked = await revoke_key(session, project.id, args.key_id, args.grace_seconds)
            return f"key {revoked.id} revoked; it stops working at {_time(revoked.revoked_at)}"
    finally:
        await database.dispose()


def run_key_command(args: argparse.Namespace, settings: Settings) -> int:
    print(asyncio.run(_run(args, settings)))
    return 0
