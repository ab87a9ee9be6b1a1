"""Files the bot shares on Teams, served by its own web server for a while.

A Teams bot cannot attach a file to a channel post (only to a 1:1 chat, after the
member accepts a consent card), so a file of a message (an ``.ics`` calendar, a CSV, a
progress chart) is kept in memory and offered at an unguessable address under
``[teams] public_url`` for :data:`KEEP`; the card shows a download button, or the
picture itself for an image. Files are gone after that or after a restart, and the
address says nothing of what it holds.
"""

from __future__ import annotations

import mimetypes
import secrets
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta

from aiohttp import web

from bot.chat.layout import Attachment
from bot.clock import Clock

KEEP = timedelta(hours=24)
FILES_MAX = 200
ROUTE = "/files/{token}"


@dataclass(frozen=True)
class _Shared:
    filename: str
    data: bytes
    until: datetime


class FileShelf:
    """Files offered for download; ``base_url`` is where the web server is reached."""

    def __init__(self, clock: Clock, base_url: str | None) -> None:
        self._clock = clock
        self.base_url = base_url
        self._files: OrderedDict[str, _Shared] = OrderedDict()

    def share(self, attachment: Attachment) -> str | None:
        """The address of the file, or None when no public address is configured."""
        if self.base_url is None:
            return None
        self._forget_old()
        token = secrets.token_urlsafe(24)
        self._files[token] = _Shared(attachment.filename, attachment.data, self._clock.now() + KEEP)
        while len(self._files) > FILES_MAX:
            self._files.popitem(last=False)
        return f"{self.base_url}/files/{token}"

    def _forget_old(self) -> None:
        now = self._clock.now()
        for token in [t for t, f in self._files.items() if f.until <= now]:
            del self._files[token]

    async def serve(self, request: web.Request) -> web.Response:
        self._forget_old()
        shared = self._files.get(request.match_info["token"])
        if shared is None:
            raise web.HTTPNotFound()
        kind = mimetypes.guess_type(shared.filename)[0] or "application/octet-stream"
        disposition = "inline" if kind.startswith("image/") else "attachment"
        return web.Response(
            body=shared.data,
            content_type=kind,
            headers={"Content-Disposition": f'{disposition}; filename="{shared.filename}"'},
        )
