"""A local emulator of the Discord API v10 (REST + gateway) for the real discord.py bot.

Start an :class:`Emulator`, build a guild (:func:`build_sample_guild`), point
discord.py at it (:func:`point_discord_py_at`), run the bot, then act as users
(``emu.slash``, ``emu.click``, ``emu.submit_modal``, ``emu.send_message``...)
and assert on what the bot did (``emu.messages_in``, ``emu.requests``...).
"""

from .actor import CommandUnavailable
from .faults import Fault, FaultInjector
from .gateway import Intent
from .interactions import (
    InteractionResult,
    InteractionTimeout,
    InteractionType,
    Modal,
    ModalField,
    ResponseType,
)
from .ratelimits import RateLimits, RouteLimit
from .recorder import GatewayFrame, RecordedFile, RecordedRequest, Recorder
from .sample import SampleGuild, build_sample_guild
from .server import Emulator
from .state import (
    ApiError,
    Attachment,
    Channel,
    ChannelType,
    Message,
    MessageFlag,
    Permission,
    State,
    User,
)
from .wiring import point_discord_py_at

__all__ = [
    "ApiError",
    "Attachment",
    "Channel",
    "ChannelType",
    "CommandUnavailable",
    "Emulator",
    "Fault",
    "FaultInjector",
    "GatewayFrame",
    "Intent",
    "InteractionResult",
    "InteractionTimeout",
    "InteractionType",
    "Message",
    "MessageFlag",
    "Modal",
    "ModalField",
    "Permission",
    "RateLimits",
    "RecordedFile",
    "RecordedRequest",
    "Recorder",
    "ResponseType",
    "RouteLimit",
    "SampleGuild",
    "State",
    "User",
    "build_sample_guild",
    "point_discord_py_at",
]
