"""Activities shaped as Teams shapes what it POSTs to the bot's messaging endpoint.

``channelId`` ``msteams``, ``serviceUrl`` the emulator's, ``from`` a ``29:`` user
with its ``aadObjectId``, ``recipient`` the bot ``28:<app id>``, ``conversation``
with ``conversationType`` and ``tenantId``, ``channelData`` with team, channel and
tenant, a ``clientInfo`` entity, and for an @mention a ``mention`` entity whose
``text`` is the ``<at>…</at>`` in ``text`` plus the HTML attachment Teams adds.
"""

from __future__ import annotations

import html
import uuid
from typing import Any

from bot.emulator.state.common import WALL_CLOCK

from .state import JSON, TeamsState, TeamsUser


def _now() -> str:
    return WALL_CLOCK.now().strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def base_activity(
    state: TeamsState,
    service_url: str,
    kind: str,
    user: TeamsUser | None,
    conversation_id: str,
    *,
    activity_id: str | None = None,
) -> JSON:
    activity: JSON = {
        "type": kind,
        "id": activity_id or f"f:{uuid.uuid4()}",
        "timestamp": _now(),
        "serviceUrl": service_url,
        "channelId": "msteams",
        "conversation": state.conversation_json(conversation_id),
        "recipient": state.bot_account(),
        "channelData": state.channel_data(conversation_id),
    }
    if user is not None:
        activity["from"] = user.account()
        activity["locale"] = user.locale
        activity["localTimezone"] = user.timezone
        activity["entities"] = [
            {
                "type": "clientInfo",
                "locale": user.locale,
                "country": user.locale.rpartition("-")[2],
                "platform": "Web",
                "timezone": user.timezone,
            }
        ]
    return activity


def mention_entity(mentioned: JSON) -> JSON:
    return {
        "type": "mention",
        "text": f"<at>{mentioned['name']}</at>",
        "mentioned": {"id": mentioned["id"], "name": mentioned["name"]},
    }


def with_text(activity: JSON, text: str, mentions: list[JSON]) -> JSON:
    """Put ``text`` in, each mentioned account first as ``<at>name</at>``, as Teams does."""
    prefix = " ".join(f"<at>{m['name']}</at>" for m in mentions)
    activity["text"] = f"{prefix} {text}" if prefix else text
    activity["textFormat"] = "plain"
    activity.setdefault("entities", [])
    activity["entities"] = [mention_entity(m) for m in mentions] + activity["entities"]
    spans = "".join(
        f'<span itemscope="" itemtype="http://schema.skype.com/Mention" itemid="{i}">'
        f"{html.escape(m['name'])}</span> "
        for i, m in enumerate(mentions)
    )
    activity["attachments"] = [
        {"contentType": "text/html", "content": f"<p>{spans}{html.escape(text)}</p>"}
    ]
    return activity


def invoke(base: JSON, name: str, value: Any, *, reply_to: str | None = None) -> JSON:
    base["name"] = name
    base["value"] = value
    if reply_to is not None:
        base["replyToId"] = reply_to
    return base
