"""What a command, a click or a form handler can do, on any platform.

A platform adapter turns each of its events (a slash command or a text command, a
button click, a submitted form) into an :class:`Interaction` and calls the feature's
handler with it. Handlers speak in layouts (:mod:`bot.chat.layout`) and catalog text;
the adapter answers the way its platform does (an ephemeral reply on Discord, the
member's 1:1 chat on Teams). A :class:`~bot.chat.port.Card` given instead of a message is
shown in its own language (a public post speaks its community's, whoever clicked).
"""

from __future__ import annotations

from typing import Protocol

from bot.actor import Actor
from bot.chat.layout import Form, Message
from bot.chat.port import Card, Posted
from bot.chat.text import Content
from bot.i18n import Language


class Interaction(Protocol):
    """One member's command, click or form, as a handler sees it."""

    @property
    def language(self) -> Language:
        """The member's language on the platform (private replies speak it)."""
        ...

    @property
    def user_id(self) -> int: ...

    @property
    def user_name(self) -> str:
        """The member's display name where they acted."""
        ...

    @property
    def user_avatar(self) -> str | None:
        """A web address of the member's picture, if the platform gives one."""
        ...

    @property
    def guild_id(self) -> int | None:
        """The community it happened in; None in a direct message."""
        ...

    @property
    def channel_id(self) -> int | None:
        """The channel or thread where the member acted (a command starts things there)."""
        ...

    @property
    def message(self) -> Posted | None:
        """The message whose button was clicked, or that a message command targets."""
        ...

    def actor(self) -> Actor:
        """Who acts, with their roles and powers; refuses outside a community."""
        ...

    def actor_in(self, guild_id: int) -> Actor:
        """The actor of a click on a message the bot sent for ``guild_id``, in the
        community or in a direct message (where the platform gives no roles: only rules
        about the member themself can pass)."""
        ...

    def option(self, name: str) -> object | None:
        """In an autocomplete: what the member put in another option of the command so
        far (a :class:`~bot.interactions.commands.MemberOption` for a member), or None."""
        ...

    async def defer(self, *, private: bool = True, update: bool = False) -> None:
        """Say the answer is coming (work that may take a while): ``private=False`` when
        the answer will be for everyone where they acted; ``update`` (a click) when it
        will replace the clicked message, by :meth:`update`."""
        ...

    async def reply(self, message: Message | Content | Card, *, private: bool = True) -> None:
        """Answer the member: privately by default, or for everyone where they acted."""
        ...

    async def update(self, message: Message | Card) -> None:
        """Show ``message`` in place of the message that was clicked: at once, or after
        ``defer(update=True)``. A card is shown in its own language (a public post stays
        in the community's whoever clicked)."""
        ...

    async def open_form(self, form: Form) -> None:
        """Ask the member to fill in ``form``; its submission is routed by its action."""
        ...
