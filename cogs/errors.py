"""The one error handler on Discord: refusals in the member's language, surprises with a
reference (what to say is the core's, :mod:`bot.interactions.errors`; this module adds
what only Discord raises and answers the interaction)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.chat import Button, Message
from bot.chat.text import Text
from bot.errors import UserError
from bot.i18n import Catalog, language_for_locale
from bot.interactions.errors import explain, refusal_text
from bot.services.community import CommunityService
from cogs.interaction import without_none
from cogs.render import Renderer

if TYPE_CHECKING:
    from cogs.client import PlcBot

log = logging.getLogger(__name__)
#: The label of the button a refused form's answer carries.
AGAIN = Text(key="errors.form_again")
# Error parameters that echo what the member typed (never a mention or a link we built).
ECHOED = ("text", "value")


class Refused(app_commands.CheckFailure):
    """A check said no; ``key`` is the catalog message explaining why."""

    def __init__(self, key: str, /, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def discord_explain(
    catalog: Catalog, error: BaseException, context: Mapping[str, object] = {}
) -> tuple[Text, str | None]:
    """Discord's own refusals first, then the core's explanation."""
    if isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    if isinstance(error, Refused):
        return refusal_text(catalog, UserError(error.key, **error.params)), None
    if isinstance(error, app_commands.NoPrivateMessage):
        return Text(key="errors.guild_only"), None
    if isinstance(error, app_commands.MissingPermissions):
        return Text(key="errors.manage_server_required"), None
    if isinstance(error, discord.Forbidden):
        log.warning("Discord refused (%s): %s", error.code, error.text)
        return Text(key="errors.discord_forbidden", params={"where": "Discord"}), None
    return explain(catalog, error, context)


async def report(
    interaction: discord.Interaction, error: BaseException, *, again: str | None = None
) -> None:
    """Answer ``interaction`` with an ephemeral explanation of ``error``; ``again``: the
    action of a button that opens the refused form again (``cogs/forms_again.py``)."""
    bot: PlcBot = interaction.client  # type: ignore[assignment]
    language = language_for_locale(str(interaction.locale))
    shown, ref = discord_explain(bot.catalog, error, _log_context(interaction))
    if ref is not None and interaction.guild_id is not None:
        try:
            await bot.services.get(CommunityService).record_error(interaction.guild_id, ref)
        except Exception:  # the database may be the problem; the log has the reference
            log.warning("could not record error reference %s", ref)
    rows = () if again is None else ((Button(action=again, label=AGAIN, style="primary"),),)
    sent = Renderer(bot.catalog, language).message(Message(content=shown, rows=rows))
    kwargs = without_none(sent.send_kwargs())
    try:
        if interaction.response.is_done():
            await interaction.followup.send(ephemeral=True, **kwargs)
        else:
            await interaction.response.send_message(ephemeral=True, **kwargs)
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
