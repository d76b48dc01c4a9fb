"""The `shopgraph` command."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import socket
import sys
from collections.abc import Sequence
from importlib.metadata import version
from pathlib import Path
from urllib.parse import quote

from shopgraph.cli_encryption import add_encryption_commands, check_stored_secrets, run_encryption_command
from shopgraph.cli_help import environment_help, table
from shopgraph.cli_import import import_file, print_import_summary
from shopgraph.cli_keys import add_key_commands, run_key_command
from shopgraph.db.backup import BackupRefused, backup_sqlite
from shopgraph.db.encryption import EncryptionKeyError
from shopgraph.db.engine import Database
from shopgraph.db.migrate import upgrade_database
from shopgraph.db.reachable import DatabaseUnreachable, check_reachable
from shopgraph.delivery.worker import Worker
from shopgraph.domain.demo import load_demo_catalog
from shopgraph.domain.stores.keys import issue_keys
from shopgraph.domain.stores.projects import CreatedProject, create_project, project_by_slug
from shopgraph.domain.stores.settings import SETTING_MEANINGS, update_store_settings
from shopgraph.errors import DomainError, NotFound
from shopgraph.header_timeout import PROTOCOL_PATH as HEADER_TIMEOUT_PROTOCOL
from shopgraph.observe.logs import configure_logging, logging_config
from shopgraph.observe.metrics import prepare_multiprocess_metrics, serve_worker_metrics
from shopgraph.observe.redaction import redact
from shopgraph.settings import SettingError, Settings, check_no_unknown_variables

DEMO_SLUG = "demo"
WORKER_START_SECONDS = 60


class CommandError(Exception):
    pass


async def _create(settings: Settings, slug: str, name: str | None, currency: str, demo: bool) -> CreatedProject:
    database = Database(settings.database_url, settings.encryption_keys)
    try:
        async with database.write() as session:
            created = await create_project(session, slug, name=name, currency=currency)
            if demo:
                await load_demo_catalog(session, created.id)
        return created
    finally:
        await database.dispose()


async def _ensure_demo(settings: Settings) -> tuple[str, str, bool]:
    database = Database(settings.database_url, settings.encryption_keys)
    try:
        async with database.write() as session:
            try:
                project = await project_by_slug(session, DEMO_SLUG)
            except NotFound:
                created = await create_project(session, DEMO_SLUG, name="Demo Store")
                await load_demo_catalog(session, created.id)
                return created.public_key, created.secret_key, True
            public_key, secret_key = await issue_keys(session, project.id)
            return public_key, secret_key, False
    finally:
        await database.dispose()


async def _set(settings: Settings, slug: str, changes: dict[str, str]) -> None:
    database = Database(settings.database_url, settings.encryption_keys)
    try:
        async with database.write() as session:
            project = await project_by_slug(session, slug)
            await update_store_settings(session, project.id, changes)
    finally:
        await database.dispose()


async def _work(settings: Settings) -> None:
    database = Database(settings.database_url, settings.encryption_keys)
    try:
        await Worker(settings, database).run_forever()
    finally:
        await database.dispose()


def _parse_assignments(pairs: Sequence[str]) -> dict[str, str]:
    changes: dict[str, str] = {}
    for pair in pairs:
        key, separator, value = pair.partition("=")
        if not separator or not key.strip():
            raise CommandError(f"{pair!r}: write settings as KEY=VALUE")
        changes[key.strip()] = value
    if not changes:
        raise CommandError("give at least one KEY=VALUE")
    return changes


def _bearer_header(key: str) -> str:
    """GraphiQL's `headers` URL parameter: the page sends them with every query it runs."""
    return quote(json.dumps({"Authorization": f"Bearer {key}"}, separators=(",", ":")))


def _print_demo(host: str, port: int, public_key: str, secret_key: str, created: bool) -> None:
    base = f"http://{'127.0.0.1' if host in {'0.0.0.0', '::'} else host}:{port}"
    state = "created" if created else "ready (a new key pair was issued; earlier keys still work)"
    print(
        f"""
Demo store {state}.

  public key   {public_key}
  secret key   {secret_key}   (shown only now)

  GraphiQL     {base}/graphql?headers={_bearer_header(public_key)}
  admin        {base}/admin/graphql   (paste the secret key in the headers pane)
  dashboard    {base}/dashboard/login
  storefront   {base}/store/{DEMO_SLUG}/
  REST         {base}/api/v1/public/projects/{DEMO_SLUG}/ecommerce/products?token={public_key}
  REST         {base}/api/v1/ecommerce/products?token={public_key}
  OpenAPI      {base}/api/v1/openapi.json

  curl -H 'Authorization: Bearer {public_key}' {base}/api/v1/ecommerce/products
""",
        flush=True,
    )


def _prepare_database(settings: Settings) -> None:
    """Every command that uses the database first checks it answers, then brings it up to date (under a lock, so
    servers started together migrate once), then checks the encryption keys open the secrets it holds."""
    check_reachable(settings.database_url)
    upgrade_database(settings.database_url, encryption_keys=settings.encryption_keys)
    asyncio.run(check_stored_secrets(settings))


def _check_port_free(host: str, port: int) -> None:
    """Before the demo issues a key pair: a server that cannot listen must not leave new keys behind."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            raise CommandError(f"cannot listen on {host}:{port} ({error.strerror}); no keys were issued") from None


def _serve(args: argparse.Namespace, settings: Settings) -> None:
    import uvicorn

    _prepare_database(settings)
    if args.demo:
        _check_port_free(args.host, args.port)
        _print_demo(args.host, args.port, *asyncio.run(_ensure_demo(settings)))
    if args.no_worker:
        os.environ["SHOPGRAPH_RUN_WORKER"] = "0"
    if args.workers > 1:
        prepare_multiprocess_metrics()
    uvicorn.run(
        "shopgraph.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_config=logging_config(settings),
        # uvicorn's HTTP protocol with a deadline for request headers (SHOPGRAPH_HEADER_TIMEOUT_SECONDS).
        http=HEADER_TIMEOUT_PROTOCOL,
        access_log=False,  # shopgraph writes one line per request itself, with the route and the project
        proxy_headers=bool(args.forwarded_allow_ips),
        forwarded_allow_ips=args.forwarded_allow_ips or None,
        # A worker process imports the whole application before it answers the supervisor's first ping.
        timeout_worker_healthcheck=WORKER_START_SECONDS,
    )


def _print_schema(args: argparse.Namespace) -> None:
    from shopgraph.schema.sdl import schema_sdl

    sys.stdout.write(schema_sdl(admin_schema=args.admin))


def _backup(args: argparse.Namespace, settings: Settings) -> None:
    result = backup_sqlite(settings.database_url, args.path, overwrite=args.overwrite)
    print(f"backed up to {result.path} ({result.size_bytes:,} bytes)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="shopgraph",
        description="A self-hosted commerce API.",
        epilog=environment_help(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"shopgraph {version('shopgraph')}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="apply migrations and start the API")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on; 0.0.0.0 for every interface")
    serve.add_argument("--port", type=int, default=8000, help="TCP port to listen on (default: %(default)s)")
    serve.add_argument(
        "--workers", type=int, default=1, help="API processes (default: 1); more than one wants PostgreSQL"
    )
    serve.add_argument("--demo", action="store_true", help="make sure the demo project exists and print its keys")
    serve.add_argument("--no-worker", action="store_true", help="do not run the delivery worker in this process")
    serve.add_argument(
        "--forwarded-allow-ips",
        default="127.0.0.1",
        metavar="ADDRESSES",
        help="comma-separated addresses of reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are "
        "believed (they then give the client address used by rate limits and /metrics); '' believes none "
        "(default: %(default)s)",
    )

    commands.add_parser("migrate", help="apply database migrations and exit")
    worker = commands.add_parser(
        "worker", help="run only the delivery worker, for deployments with several API processes"
    )
    worker.add_argument(
        "--metrics-port",
        type=int,
        metavar="PORT",
        help="also serve this worker's Prometheus metrics (webhook deliveries) on 127.0.0.1:PORT",
    )

    project = commands.add_parser("project", help="create and configure projects")
    project_commands = project.add_subparsers(dest="project_command", required=True, metavar="COMMAND")
    create = project_commands.add_parser("create", help="create a project and print its keys")
    create.add_argument("slug", help="the project's name in URLs: lower-case letters, digits and dashes")
    create.add_argument("--name", help="the store's display name (default: the slug)")
    create.add_argument("--currency", default="USD", help="ISO 4217 code of its prices (default: %(default)s)")
    create.add_argument("--demo", action="store_true", help="load the demo catalog")
    create.add_argument("--json", action="store_true", help="print one JSON object: slug, public_key, secret_key")
    change = project_commands.add_parser(
        "set",
        help="change store settings: KEY=VALUE ...",
        description="Change store settings; a running server sees them on its next request. Every change is "
        "checked first: an unknown key or a bad value changes nothing.",
        epilog=table(SETTING_MEANINGS, "keys:"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    change.add_argument("slug", help="the project to change")
    change.add_argument("assignments", nargs="*", metavar="KEY=VALUE", help="settings to change (keys below)")

    add_key_commands(commands)
    add_encryption_commands(commands)

    load = commands.add_parser("import", help="load products from a JSON or CSV file (see docs/import.md)")
    load.add_argument("slug", help="the project to import into")
    load.add_argument("file", type=Path, help="a .json or .csv file")
    load.add_argument("--dry-run", action="store_true", help="check and report, but write nothing")

    schema = commands.add_parser("schema", help="the GraphQL schema, for code generators")
    schema_commands = schema.add_subparsers(dest="schema_command", required=True, metavar="COMMAND")
    export = schema_commands.add_parser("export", help="print the SDL of the storefront schema (/graphql)")
    export.add_argument("--admin", action="store_true", help="the admin schema (/admin/graphql) instead")

    backup = commands.add_parser(
        "backup", help="write a consistent copy of the SQLite database, also while the server runs"
    )
    backup.add_argument("path", type=Path, help="the file to write")
    backup.add_argument("--overwrite", action="store_true", help="replace the file if it exists")
    return parser


def _settings() -> Settings:
    check_no_unknown_variables()
    settings = Settings.from_env()
    level = settings.log_level if "SHOPGRAPH_LOG_LEVEL" in os.environ else "WARNING"
    configure_logging(settings, level=level)
    return settings


def run(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "schema":
        _print_schema(args)
        return 0
    if args.command == "encryption" and args.encryption_command == "new-key":
        return run_encryption_command(args, Settings())
    settings = _settings()
    if args.command == "serve":
        _serve(args, settings)
        return 0
    if args.command == "backup":
        _backup(args, settings)
        return 0
    _prepare_database(settings)
    if args.command == "migrate":
        print("database is up to date")
        return 0
    if args.command == "worker":
        configure_logging(settings)
        if args.metrics_port:
            serve_worker_metrics(args.metrics_port)
        asyncio.run(_work(settings))
        return 0
    if args.command == "import":
        summary = asyncio.run(import_file(settings, args.slug, args.file, args.dry_run))
        print_import_summary(summary)
        return 1 if summary.rejected else 0
    if args.command == "key":
        return run_key_command(args, settings)
    if args.command == "encryption":
        return run_encryption_command(args, settings)
    if args.project_command == "create":
        created = asyncio.run(_create(settings, args.slug, args.name, args.currency, args.demo))
        if args.json:
            print(
                json.dumps({"slug": created.slug, "public_key": created.public_key, "secret_key": created.secret_key})
            )
        else:
            print(
                f"project {created.slug} created\n  public key  {created.public_key}\n"
                f"  secret key  {created.secret_key}   (shown only now)"
            )
        return 0
    changes = _parse_assignments(args.assignments)
    asyncio.run(_set(settings, args.slug, changes))
    print(f"project {args.slug}: {', '.join(sorted(changes))} updated")
    return 0


def main(argv: Sequence[str] | None = None) -> None:
    """Any failure is one line on stderr: exit status 2 for what the user can fix (settings, input), 1 otherwise."""
    try:
        sys.exit(run(argv))
    except (SettingError, EncryptionKeyError) as error:
        _fail(str(error))
    except DatabaseUnreachable as error:
        _fail(f"SHOPGRAPH_DATABASE_URL: {error}")
    except (DomainError, CommandError, BackupRefused) as error:
        _fail(str(getattr(error, "message", error)))
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as error:
        logging.getLogger("shopgraph").debug("unexpected failure", exc_info=True)
        _fail(redact(f"unexpected {type(error).__name__}: {error} (SHOPGRAPH_LOG_LEVEL=DEBUG shows where)"), status=1)


def _fail(message: str, status: int = 2) -> None:
    print(f"shopgraph: {message}", file=sys.stderr)
    sys.exit(status)


if __name__ == "__main__":
    main()
