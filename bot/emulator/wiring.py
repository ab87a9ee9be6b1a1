"""Point the real, unchanged discord.py at an emulator.

discord.py sends REST requests to ``discord.http.Route.BASE`` and a plain
``Client``/``commands.Bot`` connects to ``DiscordWebSocket.DEFAULT_GATEWAY``
without asking ``/gateway/bot`` (only ``AutoShardedClient`` does), and goes back
to it after an invalidated session: both must be redirected.
"""

from __future__ import annotations


def point_discord_py_at(http_url: str) -> None:
    """Send discord.py's REST calls to ``{http_url}/api/v10`` and its gateway to ``ws://.../gateway``."""
    import discord.gateway
    import discord.http
    import yarl

    base = http_url.rstrip("/")
    discord.http.Route.BASE = f"{base}/api/v10"
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(f"ws{base[len('http') :]}/gateway")
