"""Every command the bot declares, named and described in the reader's language: what
``/help`` answers, and Teams' ``help``.

A command is written as Discord's slash command (`` `/meeting schedule` ``, French names
from the catalogs' ``[_commands]`` tables); a platform that types commands without the
slash writes such code spans its own way (Teams: **meeting schedule**). A message
command (*Apps › Moderate*) has no line: the command its feature offers in its stead
(``/questions moderate``) has one.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from bot.chat.layout import Message, Panel
from bot.chat.text import Join, Text, Trusted
from bot.i18n import Catalog, Language
from bot.interactions import UI
from bot.interactions.commands import Command, Group, MessageCommand
from bot.interactions.context import Interaction

Spec = Group | Command | MessageCommand


def commands_of(specs: Sequence[Spec]) -> Iterator[tuple[tuple[str, ...], Command]]:
    """Each command with the English words that name it (``("rotation", "set-next")``),
    in the order declared."""
    for spec in specs:
        if isinstance(spec, Group):
            for command in spec.commands:
                yield (spec.name, command.name), command
        elif isinstance(spec, Command):
            yield (spec.name,), spec


def command_title(path: tuple[str, ...], catalog: Catalog, language: Language) -> str:
    """The command's words as a member of that language types them (``rencontre
    planifier``)."""
    if language != "fr":
        return " ".join(path)
    return " ".join(catalog.command_translation(word, "names") or word for word in path)


def command_text(english: str, catalog: Catalog, language: Language) -> str:
    """A command's description (or a choice's label) in that language."""
    if language != "fr":
        return english
    return catalog.command_translation(english, "texts") or english


def command_list(specs: Sequence[Spec], catalog: Catalog, language: Language) -> Join:
    """A line per command (`` `/name` — what it does``), a blank line between groups."""
    groups: list[list[str]] = []
    last: str | None = None
    for path, command in commands_of(specs):
        if path[0] != last:
            groups.append([])
            last = path[0]
        title = command_title(path, catalog, language)
        groups[-1].append(f"`/{title}` — {command_text(command.description, catalog, language)}")
    return Join(parts=tuple(Trusted(text="\n".join(lines)) for lines in groups), sep="\n\n")


def help_command(ui: UI, catalog: Catalog) -> Command:
    """``/help``, listing every command of ``ui`` as it is when asked. Added last, so it is
    listed last; it works before the community is set up, where a newcomer may begin."""

    async def answer(ctx: Interaction) -> None:
        panel = Panel(
            title=Text(key="admin.help.title"),
            description=command_list(ui.commands, catalog, ctx.language),
            footer=Text(key="admin.help.footer"),
            tone="accent",
        )
        await ctx.reply(Message(panels=(panel,)))

    return Command("help", "Every command, with what it does", handler=answer)
