"""The bot's first words in a community that just added it: what it does and where to
begin (``/plc setup``), in the server's language and, in one line, in the other.

A courtesy, not a record: the community has no row yet, so nothing durable can hold it
(timers belong to a community). It is posted once per process and community with a
nonce (a platform that tells an install twice, as Teams does with the
team's update and the app's install, greets once), and an outage at that moment is
logged, not retried: every command answers "not set up yet: run /plc setup" until it
is. A community that was set up before (the bot removed, then added back) is not
greeted: its settings are kept and it knows the bot.
"""

from __future__ import annotations

import logging

from bot.chat import Card, Channel, Join, Message, Text
from bot.i18n import Language
from bot.scheduler import RetryLater
from bot.services.base import Core

log = logging.getLogger(__name__)


class Welcome(Card):
    """What the bot does and where to begin, in ``language``; then the same start in a
    line of the other language (the catalog of each language holds that line in the
    other one)."""

    def layout(self) -> Message:
        return Message(
            content=Join(
                parts=(Text(key="admin.welcome.body"), Text(key="admin.welcome.other")),
                sep="\n\n",
            )
        )


def welcome_key(guild_id: int) -> str:
    return f"welcome:{guild_id}"


class Greeter:
    def __init__(self, core: Core) -> None:
        self._core = core
        self._greeted: set[int] = set()

    async def greet(self, guild_id: int, language: Language | None = None) -> None:
        """Post the welcome where the platform greets newcomers, unless this process did:
        in ``language`` if given, else the server's, else the configured default."""
        if guild_id in self._greeted:
            return
        chat = self._core.chat
        channel_id = await chat.welcome_channel(guild_id)
        if channel_id is None:
            log.info("guild %s: no channel to greet in; /plc setup works all the same", guild_id)
            return
        language = language or await chat.community_language(guild_id)
        card = Welcome(language=language or self._core.settings.defaults.language)
        self._greeted.add(guild_id)  # before the post: a second telling meanwhile posts nothing
        try:
            where = Channel(guild_id, channel_id)
            posted = await chat.send(where, card, nonce=welcome_key(guild_id))
        except RetryLater as outage:
            posted = None
            log.warning("guild %s: the welcome could not be posted (%s)", guild_id, outage)
        else:
            if posted is None:
                log.warning("guild %s: channel %s refused the welcome", guild_id, channel_id)
        if posted is None:
            self._greeted.discard(guild_id)  # the next telling tries again
