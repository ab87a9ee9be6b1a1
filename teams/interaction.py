"""A Teams command, click or form as the core's handlers see it (an ``Interaction``).

Teams has no ephemeral messages. A private answer goes to the member's 1:1 chat with
the bot (where a command typed there is answered anyway); if Teams refuses it (the
member removed the app or blocked the bot), a click is answered in the card the member
clicked, for them only, and a command with a note where it was typed saying why there
is no answer (never the answer itself, which may be personal). A public answer goes where
the member acted (the channel's reply chain, or the chat). ``update`` answers a click
with the new card and updates the message for everyone; a form opened by a click is
shown in place of the clicked card, for that member; one opened by a command goes to
their 1:1 chat.

Teams has no roles: whoever owns the team is its manager (``manages_guild``), and so
a facilitator.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.actor import Actor
from bot.chat.layout import Form, Message
from bot.chat.port import Card, Posted
from bot.chat.text import Content, Text
from bot.errors import UserError
from bot.i18n import Language
from teams.forms import FOR, FORM, TEAM, WHERE, filled_as_typed, form_card
from teams.render import JSON
from teams.runtime import Team, TeamsRuntime, card_activity
from teams.transport import TeamsRefusal
from teams.turns import Turn

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class TypedIn:
    """Where a command was typed, for its form submitted in the 1:1 chat: the
    conversation its public answers go to, and the channel it acts in (None: typed in a
    chat)."""

    conversation_id: str
    channel_id: int | None


class Replies:
    """Sending a card where an interaction's answer goes."""

    def __init__(self, runtime: TeamsRuntime) -> None:
        self.runtime = runtime

    async def send(self, service_url: str, conversation_id: str, card: JSON) -> str:
        activity_id = await self.runtime.connector.send(
            service_url, conversation_id, card_activity(card)
        )
        self.runtime.cards.remember(activity_id, card)
        return activity_id

    async def update(
        self, service_url: str, conversation_id: str, activity_id: str, card: JSON
    ) -> None:
        await self.runtime.connector.update(
            service_url, conversation_id, activity_id, card_activity(card)
        )
        self.runtime.cards.remember(activity_id, card)

    async def personal_chat(self, turn: Turn) -> str:
        """The member's 1:1 chat with the bot (asked of Teams the first time in a process:
        an answer to what they did stores nothing that names them)."""
        if turn.personal:
            return turn.conversation_id
        rt = self.runtime
        chat = await rt.personal_chat(turn.user)
        if chat is None:
            chat = await rt.connector.personal_chat(
                turn.service_url, turn.tenant_id, turn.user_teams_id
            )
            rt.chats[turn.user] = chat
        return chat

    async def privately(self, turn: Turn, card: JSON) -> str | None:
        """Post ``card`` in the member's 1:1 chat; None if Teams refuses it."""
        try:
            return await self.send(turn.service_url, await self.personal_chat(turn), card)
        except TeamsRefusal as refused:
            log.info("a private answer was refused (%s)", refused.code)
            return None


@dataclass
class Answer:
    """What a click or a form is answered with (Teams waits for it)."""

    card: JSON | None = None
    text: str | None = None


class TeamsInteraction:
    """One member's command, click or form submission."""

    def __init__(
        self,
        replies: Replies,
        turn: Turn,
        *,
        team: Team | None,
        owner: bool,
        lookups: Team | None = None,
        clicked: tuple[Posted, str] | None = None,
        typed_in: TypedIn | None = None,
    ) -> None:
        self.replies = replies
        self.turn = turn
        self.team = team
        self._owner = owner
        self._lookups = lookups or team
        self._clicked = clicked
        self._public_to = typed_in.conversation_id if typed_in else turn.conversation_id
        self._went_private = False  # an answer went to the member's 1:1 chat
        self._sends_before = replies.runtime.connector.sends
        self.answer = Answer()
        self.prefill: dict[str, str] = {}
        """Fields of the form the command opens, typed after it (``goal set title:…``)."""
        self.language: Language = turn.language
        self.user_id = turn.user
        self.user_name = turn.user_name
        self.user_avatar: str | None = None
        self.guild_id = team.number if team is not None else None
        # The channel the command was typed in: this turn's, or, for its form submitted
        # in the 1:1 chat, the one it was typed in before.
        self.channel_id = (
            turn.conversation if turn.in_channel else typed_in.channel_id if typed_in else None
        )

    @property
    def is_click(self) -> bool:
        return self._clicked is not None

    @property
    def message(self) -> Posted | None:
        return self._clicked[0] if self._clicked is not None else None

    def actor(self) -> Actor:
        if self.team is None:
            raise UserError("teams.commands.no_team")
        return Actor(
            guild_id=self.team.number,
            user_id=self.user_id,
            manages_guild=self._owner,
            language=self.language,
        )

    def actor_in(self, guild_id: int) -> Actor:
        if self.team is not None and self.team.number == guild_id:
            return self.actor()
        return Actor(guild_id=guild_id, user_id=self.user_id, language=self.language)

    def option(self, name: str) -> object | None:
        """Teams has no autocomplete while typing: no other option is known yet."""
        return None

    async def defer(self, *, private: bool = True, update: bool = False) -> None:
        """Nothing to say on Teams: the answer is sent when it is ready."""

    async def card(self, message: Message | Card, language: Language | None = None) -> JSON:
        """``message`` as a card: a core card in its own language (a public post stays in
        the community's whoever acted), anything else in the member's."""
        if isinstance(message, Card):
            return await self.replies.runtime.card(
                self._lookups, message.language, message.layout()
            )
        return await self.replies.runtime.card(self._lookups, language or self.language, message)

    async def reply(self, message: Message | Content | Card, *, private: bool = True) -> None:
        if not isinstance(message, Message | Card):
            message = Message(content=message)
        card = await self.card(message)
        if not private:
            await self.replies.send(self.turn.service_url, self._public_to, card)
        else:
            await self.privately(card)

    async def privately(self, card: JSON) -> None:
        """``card`` in the member's 1:1 chat (see :meth:`point_to_chat`)."""
        if await self.replies.privately(self.turn, card) is None:
            await self._private_refused(card)
        else:
            self._went_private = True

    async def point_to_chat(self) -> None:
        """Once a command typed in a channel is answered: if its answer went only to the
        1:1 chat, say so under what the member typed. Teams shows nothing of that chat in
        the channel, so they would see no answer at all; when the command posted there too
        (a session's thread, a note in it), they do, and nothing is added."""
        if self.is_click or self.turn.personal or not self._went_private:
            return
        connector = self.replies.runtime.connector
        if connector.sent_since(self.turn.conversation_id, self._sends_before):
            return
        note = await self.card(Message(content=Text(key="teams.commands.answered_privately")))
        await self.replies.send(self.turn.service_url, self.turn.conversation_id, note)

    async def _private_refused(self, card: JSON) -> None:
        """Teams refused the 1:1 chat: a click shows the answer to the clicker alone; a
        command's answer is never posted for all to see, only a note saying why not."""
        if self.is_click:
            self.answer.card = card
            return
        note = await self.card(Message(content=Text(key="teams.commands.private_refused")))
        await self.replies.send(self.turn.service_url, self.turn.conversation_id, note)

    async def update(self, message: Message | Card) -> None:
        """The clicked card becomes ``message``, for everyone (a command just replies)."""
        if self._clicked is None:
            await self.reply(message)
            return
        card = await self.card(message)
        self.answer.card = card
        if self._clicked[1]:
            await self.replies.update(
                self.turn.service_url, self.turn.conversation_id, self._clicked[1], card
            )

    async def open_form(self, form: Form) -> None:
        renderer = await self.replies.runtime.renderer(self._lookups, self.language, Message())
        form = filled_as_typed(renderer, form, self.prefill)
        data: JSON = {FORM: form.action, FOR: self.user_id}
        if self.is_click:
            self.answer.card = form_card(renderer, form, data)
            return
        if self.team is not None:
            data[TEAM] = self.team.number
        data[WHERE] = self.turn.conversation
        await self.privately(form_card(renderer, form, data))
