"""Serving an aiohttp application on the bot's own port (``/healthz``, Teams' endpoint)."""

from __future__ import annotations

from aiohttp import web

from bot.config import ConfigError


async def listen(
    app: web.Application, host: str, port: int, *, setting: str, hint: str = "choose a free port"
) -> web.AppRunner:
    """``app`` listening on ``host:port`` (0: a free port); a port that cannot be used
    is a configuration problem, named by its ``setting``, with what to do (``hint``)."""
    runner = web.AppRunner(app, handle_signals=False, access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
    except OSError as exc:
        await runner.cleanup()
        raise ConfigError(
            f"{setting}: cannot listen on {host}:{port} ({exc.strerror or exc}); choose a free port"
        ) from None
    return runner
