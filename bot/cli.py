"""``plc-bot``: run, playground, migrate, check-config, backup."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path

from bot import __version__
from bot.config import ConfigError, Settings, config_path_from_env, load_settings, runtime_problems
from bot.db import Database, DatabaseError
from bot.instance import AlreadyRunning, InstanceLock
from bot.logs import configure_logging


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args))
    except (ConfigError, DatabaseError, AlreadyRunning) as exc:
        print(f"plc-bot: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="plc-bot", description=__doc__)
    parser.add_argument("--version", action="version", version=f"plc-bot {__version__}")
    parser.add_argument(
        "--config",
        type=Path,
        default=None,
        help="config file (default: $PLCBOT_CONFIG or ./config.toml)",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="connect to Discord and run the bot")
    run.add_argument("--sync", action="store_true", help="sync slash commands even if unchanged")
    run.set_defaults(handler=_run)

    migrate = commands.add_parser("migrate", help="apply database migrations and exit")
    migrate.set_defaults(handler=_migrate)

    check = commands.add_parser("check-config", help="validate the configuration and exit")
    check.set_defaults(handler=_check_config)

    backup = commands.add_parser("backup", help="copy the live database to PATH, checked")
    backup.add_argument("path", type=Path)
    backup.set_defaults(handler=_backup)

    _add_playground(commands)
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    explicit = args.config is not None
    return load_settings(config_path_from_env(args.config), required=explicit)


def _run(args: argparse.Namespace) -> int:
    from bot.clock import SystemClock
    from cogs.client import serve

    settings = _settings(args)
    problems = runtime_problems(settings)
    if problems:
        raise ConfigError("cannot start:\n  " + "\n  ".join(problems))
    configure_logging(settings.logging.level, secrets=_secrets(settings))
    asyncio.run(serve(settings, SystemClock(), force_sync=args.sync))
    return 0


def _secrets(settings: Settings) -> list[str]:
    found = []
    if settings.discord.token is not None:
        found.append(settings.discord.token.get_secret_value())
    if settings.privacy.secret is not None:
        found.append(settings.privacy.secret.get_secret_value())
    return found


def _migrate(args: argparse.Namespace) -> int:
    settings = _settings(args)

    async def migrate() -> list[str]:
        db = await Database.open(settings.database.path, migrate=False)
        try:
            return await db.migrate()
        finally:
            await db.close()

    with InstanceLock(settings.database.path):
        applied = asyncio.run(migrate())
    if applied:
        print(f"applied {len(applied)} migration(s): {', '.join(applied)}")
    else:
        print("database is up to date; nothing applied")
    return 0


def _check_config(args: argparse.Namespace) -> int:
    path = config_path_from_env(args.config)
    settings = load_settings(path, required=args.config is not None)
    problems = runtime_problems(settings)
    refused = _protocol_problems(settings)
    if problems:
        print(f"{path}: valid, but not ready to run:", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
    if refused:
        print(f"{path}: custom session protocols refused (the others still load):", file=sys.stderr)
        for problem in refused:
            print(f"  {problem}", file=sys.stderr)
    if problems or refused:
        return 1
    print(f"{path}: OK")
    return 0


def _protocol_problems(settings: Settings) -> list[str]:
    """Custom session protocols that will be refused, each by file, key and reason."""
    from bot.protocols import load_protocols

    catalog = load_protocols(settings.facilitation.protocols_dir)
    return [problem.describe() for problem in catalog.problems]


def _backup(args: argparse.Namespace) -> int:
    settings = _settings(args)
    if not settings.database.path.exists():
        raise DatabaseError(f"{settings.database.path}: no database to back up")

    async def backup() -> None:
        db = await Database.open(settings.database.path, migrate=False)
        try:
            await db.backup(args.path)
        finally:
            await db.close()

    asyncio.run(backup())
    print(f"backup written to {args.path} (integrity check: ok)")
    return 0


def _add_playground(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    playground = commands.add_parser(
        "playground", help="try the bot on a local Discord emulator (no account, no token)"
    )
    playground.add_argument(
        "--db",
        type=Path,
        default=None,
        help="SQLite file to keep the playground's data (default: a temporary file)",
    )
    playground.set_defaults(handler=_playground)


def _playground(args: argparse.Namespace) -> int:
    from bot.playground import run_playground

    return run_playground(database=args.db)


if __name__ == "__main__":
    sys.exit(main())
