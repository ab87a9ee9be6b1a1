"""The one error handler: refusals in the user's language, surprises with a reference."""

from __future__ import annotations

import logging
import secrets
import sqlite3
from collections.abc import Mapping
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.errors import UserError
from bot.i18n import Catalog, language_for_locale
from bot.services.community import CommunityService
from bot.text import inert_markdown

if TYPE_CHECKING:
    from cogs.client import PlcBot

log = logging.getLogger(__name__)
# Error parameters that echo what the member typed (never a mention or a link we built).
ECHOED = ("text", "value")


class Refused(app_commands.CheckFailure):
    """A check said no; ``key`` is the catalog message explaining why."""

    def __init__(self, key: str, /, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def _message(
    catalog: Catalog, language: str, error: BaseException, context: Mapping[str, object] = {}
) -> tuple[str, str | None]:
    """The text to show, and the reference of an unexpected error (None if expected).

    ``context`` (guild id, feature) goes to the log record for JSON logs.
    """
    if isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    if isinstance(error, UserError | Refused):
        params = dict(error.params)
        field = params.get("field")
        if isinstance(field, str) and catalog.has(f"errors.fields.{field}"):
            params["field"] = catalog.t(language, f"errors.fields.{field}")
        for echoed in ECHOED:  # what the member typed, shown back as typed
            if isinstance(params.get(echoed), str):
                params[echoed] = inert_markdown(str(params[echoed]))
        return catalog.t(language, error.key, **params), None
    if isinstance(error, app_commands.NoPrivateMessage):
        return catalog.t(language, "errors.guild_only"), None
    if isinstance(error, app_commands.MissingPermissions):
        return catalog.t(language, "errors.manage_server_required"), None
    if isinstance(error, sqlite3.OperationalError):
        text = str(error).lower()
        if "full" in text:
            log.error("storage full: %s", error)
            return catalog.t(language, "errors.storage_full"), None
        if "locked" in text or "busy" in text:
            log.warning("database busy: %s", error)
            return catalog.t(language, "errors.database_busy"), None
    if isinstance(error, discord.Forbidden):
        log.warning("Discord refused (%s): %s", error.code, error.text)
        return catalog.t(language, "errors.discord_forbidden", where="Discord"), None
    ref = secrets.token_hex(3)
    # The reference links the user's report to this trace; no user id is logged.
    log.error(
        "unexpected error, reference %s", ref, exc_info=error, extra={**context, "error_ref": ref}
    )
    return catalog.t(language, "errors.unexpected", ref=ref), ref


async def report(interaction: discord.Interaction, error: BaseException) -> None:
    """Answer ``interaction`` with an ephemeral explanation of ``error``."""
    bot: PlcBot = interaction.client  # type: ignore[assignment]
    language = language_for_locale(str(interaction.locale))
    text, ref = _message(bot.catalog, language, error, _log_context(interaction))
    if ref is not None and interaction.guild_id is not None:
        try:
            await bot.services.get(CommunityService).record_error(interaction.guild_id, ref)
        except Exception:  # the database may be the problem; the log has the reference
            log.warning("could not record error reference %s", ref)
    try:
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True)
        else:
            await interaction.response.send_message(text, ephemeral=True)
    except discord.HTTPException as exc:
        # The token may have expired (15 min); the user will retry. Log, never loop.
        log.warning("could not deliver an error message: %s", exc.status)


def _log_context(interaction: discord.Interaction) -> dict[str, object]:
    """Where it happened, for the log: the server and the feature, never the user."""
    command = interaction.command
    module = getattr(command, "module", None) or ""
    feature = module.split(".")[1] if module.startswith("cogs.") else None
    if feature is None and interaction.data is not None:  # a button: plc:<feature>:…
        custom_id = str(interaction.data.get("custom_id", ""))
        feature = custom_id.split(":")[1] if custom_id.startswith("plc:") else None
    return {"guild_id": interaction.guild_id, "feature": feature}


async def on_tree_error(
    interaction: discord.Interaction, error: app_commands.AppCommandError
) -> None:
    """Installed as the command tree's error handler by ``PlcBot.setup_hook``.

    Not an extension on purpose: discord.py re-executes an extension's module on load,
    which would give ``Refused`` a second identity that ``isinstance`` cannot match.
    """
    await report(interaction, error)
