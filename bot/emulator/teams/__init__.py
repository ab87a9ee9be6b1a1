"""A local emulator of the Microsoft Teams channel for a bot built on the Microsoft 365
Agents SDK (``microsoft-agents-*`` 1.9), over real sockets.

Start a :class:`TeamsEmulator` pointed at the bot's ``/api/messages``, build a tenant
(``emu.state.add_user``, ``add_team``), act as users (``emu.mention``,
``emu.send_personal``, ``emu.execute``, ``emu.view``, ``emu.open_dialog``,
``emu.submit_dialog``, ``emu.install_in_team``, ``emu.uninstall_personal``...) and
assert on what the bot answered (:class:`InboundResult`) and did on the Bot Connector
API (``emu.state.messages``, ``emu.requests``).  :mod:`.schemas` validates Adaptive
Cards and the app manifest offline against the published JSON schemas.
"""

from .actor import InboundCall, InboundResult
from .auth import TokenAuthority
from .cards import CardError, Dialog
from .faults import TEAMS_ERRORS, TeamsFault, TeamsFaultInjector
from .server import TeamsEmulator
from .state import (
    CARD_CONTENT_TYPE,
    Chat,
    ConnectorError,
    Team,
    TeamsChannel,
    TeamsMessage,
    TeamsState,
    TeamsUser,
)

__all__ = [
    "CARD_CONTENT_TYPE",
    "TEAMS_ERRORS",
    "CardError",
    "Chat",
    "ConnectorError",
    "Dialog",
    "InboundCall",
    "InboundResult",
    "Team",
    "TeamsChannel",
    "TeamsEmulator",
    "TeamsFault",
    "TeamsFaultInjector",
    "TeamsMessage",
    "TeamsState",
    "TeamsUser",
    "TokenAuthority",
]
