"""``plc-bot``: run, playground, migrate, check-config, backup, copy-db, health,
protocol-example, and the commands a chat platform's adapter adds (teams-package,
rest-proxy).

Exit codes: 0 done (or healthy), 1 not ready / unhealthy / Discord unreachable, 2 a
configuration or database problem (the message says which), 130 interrupted.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable, Sequence
from importlib.metadata import entry_points
from pathlib import Path

from bot import __version__
from bot.backups import plan_backup
from bot.clock import SystemClock
from bot.config import (
    ConfigError,
    Settings,
    config_path_from_env,
    load_settings,
    no_config_file,
    runtime_problems,
)
from bot.config_discord import parse_shard_ids
from bot.db import Database, DatabaseError
from bot.instance import AlreadyRunning, owned
from bot.logs import configure_logging
from bot.shards import ShardsTaken, holding_shards, with_shards


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args))
    except (ConfigError, DatabaseError, AlreadyRunning, ShardsTaken) as exc:
        print(f"plc-bot: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


COMMANDS = "plc_bot.commands"
"""The entry point group of the commands a chat platform's adapter adds."""
CONFIG_HELP = "config file (default: $PLCBOT_CONFIG or ./config.toml)"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="plc-bot",
        description=(__doc__ or "").replace("``", ""),  # a terminal shows no markup
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"plc-bot {__version__}")
    parser.add_argument("--config", type=Path, default=None, help=CONFIG_HELP)
    # --config after the subcommand too (`plc-bot run --config FILE`); SUPPRESS keeps
    # a value given before the subcommand when none is given after it.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", type=Path, default=argparse.SUPPRESS, help=CONFIG_HELP)
    commands = parser.add_subparsers(dest="command", required=True)

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        return commands.add_parser(name, help=help_text, description=help_text, parents=[common])

    _add_run(command)

    command("migrate", "apply database migrations and exit").set_defaults(handler=_migrate)
    command("check-config", "validate the configuration and exit").set_defaults(
        handler=_check_config
    )

    backup = command("backup", "copy the live database to PATH, checked")
    backup.add_argument(
        "path",
        type=Path,
        help="a file, or an existing folder to write plc-bot-YYYYMMDD-HHMMSS.sqlite3 into",
    )
    backup.add_argument(
        "--keep",
        type=_positive,
        default=None,
        metavar="N",
        help="with a folder: then delete all but the N newest backups in it",
    )
    backup.set_defaults(handler=_backup)

    copy = command("copy-db", "copy every row of an SQLite database into an empty PostgreSQL one")
    copy.add_argument("--from", dest="source", required=True, metavar="sqlite:///FILE")
    copy.add_argument("--to", dest="target", required=True, metavar="postgresql://…")
    copy.set_defaults(handler=_copy_db)

    command("health", "one line: healthy (exit 0) or unhealthy (exit 1)").set_defaults(
        handler=_health
    )
    command(
        "protocol-example", "print an annotated example of a custom session protocol file"
    ).set_defaults(handler=_protocol_example)

    _add_playground(command)
    # A platform's own commands (Teams' app package), found without importing it here.
    for entry in sorted(entry_points(group=COMMANDS), key=lambda entry: entry.name):
        entry.load()(command)
    return parser


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return value


def _shard_ids(text: str) -> str:
    """The text itself, once its form is checked (the count checks the numbers later)."""
    try:
        parse_shard_ids(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


def _settings(args: argparse.Namespace) -> Settings:
    explicit = args.config is not None
    return load_settings(config_path_from_env(args.config), required=explicit)


def _run(args: argparse.Namespace) -> int:
    settings = with_shards(_settings(args), args.shards, args.shard_count)
    problems = runtime_problems(settings)
    if problems:
        path = config_path_from_env(args.config)
        missing = "" if path.exists() else no_config_file(path) + "\n"
        raise ConfigError(missing + "cannot start:\n  " + "\n  ".join(problems))
    json_lines = settings.logging.format == "json"
    configure_logging(settings.logging.level, secrets=_secrets(settings), json_lines=json_lines)
    from bot.running import PlatformUnreachable

    try:
        asyncio.run(_serve(settings, force_sync=args.sync))
    except PlatformUnreachable as exc:  # may pass by itself: exit 1, so a service restarts
        print(f"plc-bot: {exc}", file=sys.stderr)
        return 1
    return 0


async def _serve(settings: Settings, *, force_sync: bool) -> None:
    """Every configured platform on one core: Discord with a token, Teams with an app id."""
    from bot.running import RunOptions, configured_adapters, platforms_of, serve

    clock = SystemClock()
    adapters = configured_adapters(settings, RunOptions(force_sync=force_sync))
    # Before the database: a process given a running one's shards is told so by name.
    async with holding_shards(settings, clock):
        await serve(settings, clock, adapters, platforms_of(adapters))


def _secrets(settings: Settings) -> list[str]:
    found = []
    if settings.discord.token is not None:
        found.append(settings.discord.token.get_secret_value())
    if settings.privacy.secret is not None:
        found.append(settings.privacy.secret.get_secret_value())
    if settings.teams.client_secret is not None:
        found.append(settings.teams.client_secret.get_secret_value())
    return found


def _migrate(args: argparse.Namespace) -> int:
    settings = _settings(args)

    async def migrate() -> list[str]:
        # Every page checked first, and a clean stop recorded after, as for a run.
        where = settings.database.location()
        async with owned(where, migrate=False, always_check=True) as db:
            return await db.migrate()

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
    if problems and not path.exists():
        # Without a file, only the environment could have made it ready (containers).
        raise ConfigError(no_config_file(path))
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
    if not path.exists():
        print(f"{path}: no such file; the environment and the defaults are complete: OK")
        return 0
    print(f"{path}: OK")
    return 0


def _protocol_problems(settings: Settings) -> list[str]:
    """Custom session protocols that will be refused, each by file, key and reason."""
    from bot.i18n import load_catalog
    from bot.protocols import load_protocols

    catalog = load_protocols(settings.facilitation.protocols_dir)
    messages = load_catalog()
    return [problem.describe(messages) for problem in catalog.problems]


def _protocol_example(args: argparse.Namespace) -> int:
    from bot.protocols import example_text

    print(example_text(), end="")
    return 0


def _backup(args: argparse.Namespace) -> int:
    settings = _settings(args)
    where = settings.database.location()
    if where.path is None:
        raise DatabaseError(
            f"{where.shown}: plc-bot backup copies an SQLite file; a PostgreSQL database is "
            "backed up by pg_dump (e.g. pg_dump --format=custom --file=plc-bot.dump "
            "DATABASE_URL, restored with pg_restore), see README, Scaling out: PostgreSQL"
        )
    path = where.path
    plan = plan_backup(args.path, keep=args.keep, now=SystemClock().now())
    if not path.exists():
        raise DatabaseError(f"{path}: no database to back up")

    async def backup() -> None:
        db = await Database.open(path, migrate=False)
        try:
            await db.backup(plan.target)
        finally:
            await db.close()

    asyncio.run(backup())
    print(f"backup written to {plan.target} (integrity check: ok)")
    for old in plan.prune():
        print(f"removed old backup {old}")
    return 0


def _copy_db(args: argparse.Namespace) -> int:
    from bot.db.copy import copy_database
    from bot.db.url import parse_database_url

    try:
        source, target = parse_database_url(args.source), parse_database_url(args.target)
    except ValueError as exc:
        raise ConfigError(f"copy-db: {exc}") from None
    copied = asyncio.run(copy_database(source, target))
    print(f"copied {sum(copied.values())} rows in {len(copied)} tables into {target.shown}")
    return 0


def _health(args: argparse.Namespace) -> int:
    from bot.health import check_offline, query

    settings = _settings(args)
    now = SystemClock().now()
    ops = settings.ops
    where = settings.database.location()
    if ops.health_port is not None:
        health = query(ops.health_host, ops.health_port, now)
    elif where.path is None:
        raise ConfigError(
            "plc-bot health with PostgreSQL asks the running bot: set [ops] health_port"
        )
    else:
        health = check_offline(where.path, now)
    print(health.line())
    return 0 if health.healthy else 1


def _add_run(command: Callable[[str, str], argparse.ArgumentParser]) -> None:
    run = command("run", "connect to Discord and/or serve Microsoft Teams, and run the bot")
    run.add_argument("--sync", action="store_true", help="sync slash commands even if unchanged")
    run.add_argument(
        "--shards",
        type=_shard_ids,
        default=None,
        metavar="IDS",
        help="serve only these of Discord's shards, e.g. 0-3 or 0-3,6 "
        "(overrides [discord] shard_ids; needs a shard count)",
    )
    run.add_argument(
        "--shard-count",
        type=_positive,
        default=None,
        metavar="N",
        help="how many shards the whole bot has (overrides [discord] shard_count)",
    )
    run.set_defaults(handler=_run)


def _add_playground(command: Callable[[str, str], argparse.ArgumentParser]) -> None:
    playground = command(
        "playground",
        "try the bot on a local Discord or Microsoft Teams emulator (no account, no token)",
    )
    playground.add_argument(
        "--platform",
        choices=("discord", "teams"),
        default="discord",
        help="the chat platform to play (default: discord)",
    )
    playground.add_argument(
        "--db",
        type=Path,
        default=None,
        help="SQLite file to keep the playground's data and, beside it (FILE.world), "
        "the sample server or team as you left it (default: a throwaway temporary world)",
    )
    playground.add_argument(
        "--new-world",
        action="store_true",
        help="with --db: start a fresh sample server (an old FILE.world is kept aside)",
    )
    # Only a --config given here applies: the playground never picks up the real bot's
    # ./config.toml or $PLCBOT_CONFIG by surprise.
    playground.set_defaults(handler=_playground)


def _playground(args: argparse.Namespace) -> int:
    from bot.playground import run_playground

    return run_playground(
        database=args.db, new_world=args.new_world, config=args.config, platform=args.platform
    )


if __name__ == "__main__":
    sys.exit(main())
