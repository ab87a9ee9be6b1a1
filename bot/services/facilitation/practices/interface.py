"""``/practices export``: the practice log as a Markdown file."""

from __future__ import annotations

from bot.chat import Attachment, Message, Text
from bot.interactions import Interaction
from bot.interactions.interface import CommandGroup, Interface
from bot.services.facilitation.practices.service import PracticeLog

FILE_NAME = "practices.md"


def practice_file(document: str) -> Message:
    return Message(
        content=Text(key="facilitation.replies.exported"),
        files=(Attachment(filename=FILE_NAME, data=document.encode("utf-8")),),
    )


PRACTICES = CommandGroup("practices", "The community's practice log (référentiel de pratiques)")


class PracticesInterface(Interface):
    def __init__(self, practices: PracticeLog) -> None:
        self.practices = practices

    @PRACTICES.command("export", "Download every session summary as one Markdown file")
    async def export(self, ctx: Interaction) -> None:
        await ctx.defer()
        document = await self.practices.export(ctx.actor())
        if document is None:
            await ctx.reply(Text(key="facilitation.replies.practices_empty"))
            return
        await ctx.reply(practice_file(document))
