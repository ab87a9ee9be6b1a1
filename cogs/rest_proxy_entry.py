"""``plc-bot rest-proxy``'s entry point of ``plc_bot.commands``, kept light: the parser of
every ``plc-bot`` command (``run`` too) adds it, so the proxy, with discord.py under its
pacer, is imported only when it runs."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable


def add_command(command: Callable[[str, str], argparse.ArgumentParser]) -> None:
    """``plc-bot rest-proxy`` (an entry point of ``plc_bot.commands``)."""
    parser = command(
        "rest-proxy",
        "forward the REST requests of several bot processes to Discord, paced together "
        "under Discord's global limit (point each bot's [discord] api_base_url at it)",
    )
    parser.add_argument(
        "--listen",
        metavar="HOST:PORT",
        help="address to listen on (default: [rest_proxy] listen, else 127.0.0.1:8081)",
    )
    parser.add_argument(
        "--upstream",
        metavar="URL",
        help="Discord's API (default: [rest_proxy] upstream, else https://discord.com/api/v10)",
    )
    parser.set_defaults(handler=_rest_proxy)


def _rest_proxy(args: argparse.Namespace) -> int:
    from bot.config import ConfigError, config_path_from_env, load_settings
    from bot.config_proxy import proxy_settings
    from bot.logs import configure_logging
    from cogs.rest_proxy import run_proxy

    settings = load_settings(config_path_from_env(args.config), required=args.config is not None)
    try:
        proxy = proxy_settings(settings.rest_proxy, listen=args.listen, upstream=args.upstream)
    except ValueError as exc:
        raise ConfigError(f"rest-proxy: {exc}") from None
    configure_logging(settings.logging.level, json_lines=settings.logging.format == "json")
    asyncio.run(run_proxy(proxy))
    return 0
