"""``plc-bot teams-package``'s entry point of ``plc_bot.commands``, kept light: the parser
of every ``plc-bot`` command (``run`` too) adds it, so the package builder, with the
adapter's commands and the Agents SDK under them, is imported only when it runs."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path


def add_command(command: Callable[[str, str], argparse.ArgumentParser]) -> None:
    """``plc-bot teams-package`` (an entry point of ``plc_bot.commands``)."""
    parser = command(
        "teams-package", "write the Microsoft Teams app package (manifest and icons) to upload"
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=Path("plc-bot-teams.zip"),
        help="the zip to write (default: plc-bot-teams.zip here)",
    )
    parser.add_argument(
        "--developer", default="plc-bot", help="who offers the app, as Teams shows it"
    )
    parser.add_argument(
        "--website", help="https address of the app's support page (default: [teams] public_url)"
    )
    parser.add_argument("--privacy", help="https address of the privacy notice (default: website)")
    parser.add_argument("--terms", help="https address of the terms of use (default: website)")
    parser.set_defaults(handler=_write_package)


def _write_package(args: argparse.Namespace) -> int:
    from teams.package import write_package

    return write_package(args)
