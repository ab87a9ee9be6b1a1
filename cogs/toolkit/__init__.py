"""The one Discord toolkit every feature cog uses (ARCHITECTURE.md, "How to add a feature").

- :mod:`.context`: from an interaction to the bot, the :class:`~bot.actor.Actor`, the
  member's language; ``reply``.
- :mod:`.routing`: persistent buttons (:func:`button`) and restart-proof forms
  (:class:`Form`) routed by ``custom_id`` (``bot.buttons``, ``bot.forms``); each
  ``custom_id`` written once, as a :class:`CustomId`.
- :mod:`.paging`: the one pair of previous / next page buttons of a paged list.
- :mod:`.confirm`: the one confirm dialog (``bot.confirmations``).
- :mod:`.events`: the Discord side of :class:`bot.chat.EventCalendar` (scheduled events).
- :mod:`.text`: the mentions policy, links, escaping, clipping, typed dates said back.
- :mod:`.checks`: command checks that ask the services.
- :mod:`.groups`: slash command groups (``command_group``).
"""

from cogs.buttons import button
from cogs.render import Rendered
from cogs.toolkit.checks import (
    is_facilitator,
    is_facilitator_member,
    manages_server,
)
from cogs.toolkit.context import (
    actor,
    actor_in,
    guild_member,
    plc_bot,
    reply,
    t,
    user_language,
)
from cogs.toolkit.groups import command_group
from cogs.toolkit.paging import page_buttons
from cogs.toolkit.routing import Choice, CustomId, Field, Form, buttons_view
from cogs.toolkit.text import (
    NO_MENTIONS,
    clip,
    day_text,
    escape,
    mention_only,
    message_link,
    read_as,
)

__all__ = [
    "NO_MENTIONS",
    "Choice",
    "CustomId",
    "Field",
    "Form",
    "Rendered",
    "actor",
    "actor_in",
    "button",
    "buttons_view",
    "clip",
    "command_group",
    "day_text",
    "escape",
    "guild_member",
    "is_facilitator",
    "is_facilitator_member",
    "manages_server",
    "mention_only",
    "message_link",
    "page_buttons",
    "plc_bot",
    "read_as",
    "reply",
    "t",
    "user_language",
]
