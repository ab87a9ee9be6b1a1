"""``plc-bot teams-package``: the app package a Teams admin uploads to add the bot.

A zip of ``manifest.json`` (manifest 1.22: the bot in the team, group chat and personal
scopes, its command lists, the domain the bot's files are downloaded from),
``fr.json`` (the same texts and command lists in French, which Teams shows members
whose Teams is in French), ``color.png`` (192×192) and ``outline.png`` (32×32).

The command lists come from the commands the enabled features declare, read like the
adapter reads them (:class:`teams.commands.CommandBook`): Teams shows at most ten per
list, so each list holds the ones most used there, and **help** lists them all.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import re
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bot import __version__
from bot.config import ConfigError, Settings, config_path_from_env, load_settings
from bot.i18n import Catalog, Language
from teams.commands import CommandBook
from teams.icons import ACCENT, color_icon, outline_icon

# Still named by the entry point of an install made before it moved (pip install -e . again).
from teams.package_entry import add_command as add_command
from teams.wording import teams_wording

JSON = dict[str, Any]
MANIFEST_VERSION = "1.22"
SCHEMAS = "https://developer.microsoft.com/en-us/json-schemas/teams/v1.22"
HELP = "help"
IN_TEAMS = (
    HELP,
    "plc setup",
    "plc status",
    "meeting schedule",
    "meeting list",
    "checkin schedule",
    "session start",
    "rotation join",
    "questions top",
    "topic propose",
)
"""Typed in a team's channels (mentioning the bot)."""
IN_CHATS = (
    HELP,
    "ask",
    "meeting list",
    "meeting calendar",
    "checkin me",
    "goal set",
    "actions",
    "rotation show",
    "me timezone",
    "me export",
)
"""Typed in the 1:1 chat with the bot (or a group chat)."""
LISTS = ((("team",), IN_TEAMS), (("personal", "groupChat"), IN_CHATS))
_GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
_STAMP = (1980, 1, 1, 0, 0, 0)  # fixed, so the same settings give the same zip


@dataclass(frozen=True)
class Publisher:
    """Who offers the app, as Teams shows it to the admin (each address https)."""

    name: str
    website: str
    privacy: str
    terms: str


def _texts(catalog: Catalog, language: Language) -> dict[str, str]:
    def t(key: str) -> str:
        return catalog.t(language, f"teams.package.{key}")

    return {
        "name.short": t("name_short"),
        "name.full": t("name_full"),
        "description.short": t("description_short"),
        "description.full": t("description_full"),
    }


def _command_lists(book: CommandBook, language: Language) -> list[JSON]:
    lists = []
    for scopes, wanted in LISTS:
        commands = []
        for key in wanted:
            entry = book.entry(key)
            if entry is not None:  # a feature left out of [features] enabled has none
                description = book.describe(entry, language)
                commands.append({"title": book.title(entry, language), "description": description})
        lists.append({"scopes": list(scopes), "commands": commands})
    return lists


def manifest(
    app_id: str, publisher: Publisher, public_url: str | None, book: CommandBook, catalog: Catalog
) -> tuple[JSON, JSON]:
    """``manifest.json`` and ``fr.json``."""
    english = _texts(catalog, "en")
    found: JSON = {
        "$schema": f"{SCHEMAS}/MicrosoftTeams.schema.json",
        "manifestVersion": MANIFEST_VERSION,
        "version": __version__,
        "id": app_id,
        "developer": {
            "name": publisher.name,
            "websiteUrl": publisher.website,
            "privacyUrl": publisher.privacy,
            "termsOfUseUrl": publisher.terms,
        },
        "name": {"short": english["name.short"], "full": english["name.full"]},
        "description": {
            "short": english["description.short"],
            "full": english["description.full"],
        },
        "icons": {"color": "color.png", "outline": "outline.png"},
        "accentColor": ACCENT,
        "bots": [
            {
                "botId": app_id,
                "scopes": ["team", "groupChat", "personal"],
                "supportsFiles": False,
                "isNotificationOnly": False,
                "commandLists": _command_lists(book, "en"),
            }
        ],
        "validDomains": [urlsplit(public_url).netloc] if public_url else [],
        "localizationInfo": {
            "defaultLanguageTag": "en",
            "additionalLanguages": [{"languageTag": "fr", "file": "fr.json"}],
        },
    }
    french: JSON = {"$schema": f"{SCHEMAS}/MicrosoftTeams.Localization.schema.json"}
    french.update(_texts(catalog, "fr"))
    for n, command_list in enumerate(_command_lists(book, "fr")):
        for i, command in enumerate(command_list["commands"]):
            prefix = f"bots[0].commandLists[{n}].commands[{i}]"
            french[f"{prefix}.title"] = command["title"]
            french[f"{prefix}.description"] = command["description"]
    return found, french


def package(manifest_json: JSON, french: JSON) -> bytes:
    """The zip Teams takes: the files at its root."""
    files = {
        "manifest.json": json.dumps(manifest_json, indent=2, ensure_ascii=False).encode(),
        "fr.json": json.dumps(french, indent=2, ensure_ascii=False).encode(),
        "color.png": color_icon(),
        "outline.png": outline_icon(),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(zipfile.ZipInfo(name, _STAMP), data)
    return buffer.getvalue()


async def declared_commands(settings: Settings) -> CommandBook:
    """The commands the enabled features declare, built as ``plc-bot run`` builds them (on
    a throwaway database: the bot's own is not opened)."""
    from bot.app import build_app, core_on
    from bot.chat.platforms import Platforms
    from bot.clock import SystemClock
    from bot.db import Database

    with tempfile.TemporaryDirectory(prefix="plc-bot-package-") as folder:
        db = await Database.open(Path(folder) / "commands.sqlite3")
        try:
            app = build_app(core_on(db, settings, SystemClock(), Platforms()))
            return CommandBook(app.ui, teams_wording(app.core.catalog))
        finally:
            await db.close()


# -- the command line (its arguments: teams/package_entry.py) ----------------------------


def _publisher(args: argparse.Namespace, settings: Settings) -> Publisher:
    website = args.website or settings.teams.public_url
    for name, value in (
        ("--website", website),
        ("--privacy", args.privacy),
        ("--terms", args.terms),
    ):
        if value is not None and not value.startswith("https://"):
            raise ConfigError(f"teams-package: {name} {value}: Teams needs an https:// address")
    if website is None:
        raise ConfigError(
            "teams-package: give the app's support page with --website https://… "
            "(or set [teams] public_url): Teams shows it to the admin who adds the app"
        )
    if len(args.developer) > 32:
        raise ConfigError("teams-package: --developer: 32 characters at most (Teams' limit)")
    return Publisher(args.developer, website, args.privacy or website, args.terms or website)


def write_package(args: argparse.Namespace) -> int:
    settings = load_settings(config_path_from_env(args.config), required=args.config is not None)
    app_id = settings.teams.app_id
    if app_id is None or not _GUID.match(app_id):
        raise ConfigError(
            "[teams] app_id: "
            + ("missing" if app_id is None else f"{app_id!r} is not a GUID")
            + " (the bot's Microsoft app id, 00000000-0000-0000-0000-000000000000 in form)"
        )
    publisher = _publisher(args, settings)
    book = asyncio.run(declared_commands(settings))
    found, french = manifest(app_id, publisher, settings.teams.public_url, book, book.catalog)
    args.output.write_bytes(package(found, french))
    print(
        f"wrote {args.output}: the Teams app package of bot {app_id} (manifest {MANIFEST_VERSION})"
    )
    print("upload it in Teams: Apps › Manage your apps › Upload an app (or the Teams admin center)")
    return 0
