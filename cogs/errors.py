"""The one error handler: refusals in the user's language, surprises with a reference."""

from __future__ import annotations

import logging
import secrets
import sqlite3
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.errors import UserError
from bot.i18n import Catalog, language_for_locale

if TYPE_CHECKING:
    from cogs.client import PlcBot

log = logging.getLogger(__name__)


class Refused(app_commands.CheckFailure):
    """A check said no; ``key`` is the catalog message explaining why."""

    def __init__(self, key: str, /, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def _message(catalog: Catalog, language: str, error: BaseException) -> tuple[str, bool]:
    """The text to show and whether the error was expected (no traceback needed)."""
    if isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    if isinstance(error, UserError | Refused):
        params = dict(error.params)
        field = params.get("field")
        if isinstance(field, str) and catalog.has(f"errors.fields.{field}"):
            params["field"] = catalog.t(language, f"errors.fields.{field}")
        return catalog.t(language, error.key, **params), True
    if isinstance(error, app_commands.NoPrivateMessage):
        return catalog.t(language, "errors.guild_only"), True
    if isinstance(error, app_commands.MissingPermissions):
        return catalog.t(language, "errors.manage_server_required"), True
    if isinstance(error, sqlite3.OperationalError):
        text = str(error).lower()
        if "full" in text:
            log.error("storage full: %s", error)
            return catalog.t(language, "errors.storage_full"), True
        if "locked" in text or "busy" in text:
            log.warning("database busy: %s", error)
            return catalog.t(language, "errors.database_busy"), True
    if isinstance(error, discord.Forbidden):
        log.warning("Discord refused (%s): %s", error.code, error.text)
        return catalog.t(language, "errors.discord_forbidden", where="Discord"), True
    ref = secrets.token_hex(3)
    # The reference links the user's report to this trace; no user id is logged.
    log.error("unexpected error, reference %s", ref, exc_info=error)
    return catalog.t(language, "errors.unexpected", ref=ref), False


async def report(interaction: discord.Interaction, error: BaseException) -> None:
    """Answer ``interaction`` with an ephemeral explanation of ``error``."""
    bot: PlcBot = interaction.client  # type: ignore[assignment]
    language = language_for_locale(str(interaction.locale))
    text, _ = _message(bot.catalog, language, error)
    try:
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True)
        else:
            await interaction.response.send_message(text, ephemeral=True)
    except discord.HTTPException as exc:
        # The token may have expired (15 min); the user will retry. Log, never loop.
        log.warning("could not deliver an error message: %s", exc.status)


async def on_tree_error(
    interaction: discord.Interaction, error: app_commands.AppCommandError
) -> None:
    """Installed as the command tree's error handler by ``PlcBot.setup_hook``.

    Not an extension on purpose: discord.py re-executes an extension's module on load,
    which would give ``Refused`` a second identity that ``isinstance`` cannot match.
    """
    await report(interaction, error)
