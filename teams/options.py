"""A command's options from what was typed (or filled in its form), as the core's values.

Text stays text; a number is checked against its range; a choice is its value, its
French name, its English or its French label, or the start of one label; a member is an
@mention, a name from the team's roster or the Teams id a form's list gave; a channel is
a channel's name (or id). Anything else is refused with a message naming the option, in
the member's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.errors import UserError
from bot.i18n import Language
from bot.interactions.commands import ChannelOption, Command, MemberOption, Option
from bot.interactions.suggest import chosen
from bot.text import folded
from teams.commands import CommandBook, Typed
from teams.forms import shown_options, unanswerable
from teams.ids import thread_of
from teams.runtime import Team, TeamsRuntime
from teams.transport import TeamsRefusal


def assign(
    book: CommandBook, command: Command, typed: Typed, language: Language = "en"
) -> dict[str, str]:
    """Option name → what was typed for it (named first, then the rest in order)."""
    given: dict[str, str] = {}
    if (typed.named or typed.positional) and not shown_options(command):
        raise UserError("teams.commands.no_options")
    for name, value in typed.named.items():
        option = book.option_named(command, name)
        if option is None:
            names = [
                book.french(o.name) if language == "fr" else o.name for o in shown_options(command)
            ]
            known = ", ".join(names)
            raise UserError("teams.commands.unknown_option", value=name, choices=known)
        given[option.name] = value
    left = [o for o in shown_options(command) if o.name not in given]
    positional = list(typed.positional)
    if positional and not left:
        raise UserError("teams.commands.too_many", value=" ".join(positional))
    while positional and left:
        option = left.pop(0)
        if not left or len(positional) == 1:
            given[option.name] = " ".join(positional)
            positional = []
        else:
            given[option.name] = positional.pop(0)
    return {name: value for name, value in given.items() if value.strip()}


@dataclass
class Resolver:
    """Turns typed values into the core's, for one turn in one team."""

    runtime: TeamsRuntime
    book: CommandBook
    team: Team | None
    mentions: dict[str, tuple[str, str]]
    language: Language = "en"

    def _name(self, option: Option) -> str:
        """The option as the member knows it (its French name in French)."""
        return self.book.french(option.name) if self.language == "fr" else option.name

    async def value(self, option: Option, raw: str) -> Any:
        raw = raw.strip()
        if option.choices:
            return self._choice(option, raw)
        if option.kind == "integer":
            return self._integer(option, raw)
        if option.kind == "member":
            return await self._member(option, raw)
        if option.kind == "role":
            raise UserError("teams.commands.no_roles", option=self._name(option))
        if unanswerable(option):
            raise UserError("teams.commands.no_rooms", option=self._name(option))
        if option.kind == "channel":
            return await self._channel(option, raw)
        if option.kind == "boolean":
            return self._boolean(option, raw)
        if option.max_length is not None and len(raw) > option.max_length:
            raise UserError(
                "errors.text_too_long", field=option.name, limit=option.max_length, length=len(raw)
            )
        return raw

    def _boolean(self, option: Option, raw: str) -> bool:
        """``true``/``false`` as Discord's client writes them, or yes/no in either language."""
        word = folded(raw)
        if word in {"true", "yes", "oui", "vrai", "1"}:
            return True
        if word in {"false", "no", "non", "faux", "0"}:
            return False
        choices = self.book.catalog.t(self.language, "teams.commands.yes_no")
        raise UserError(
            "teams.commands.bad_choice", value=raw, option=self._name(option), choices=choices
        )

    def _choice(self, option: Option, raw: str) -> str | int:
        """The choice ``raw`` names: its value, its French name (``communaute``), its label
        in either language, or the start of one label that only one choice's starts with
        (``Objectif commun``, ``lun``); several starting so are listed, to say which."""
        book = self.book
        found = chosen(
            raw,
            (
                (
                    (value, label),
                    (str(value), book.french(str(value))),
                    (label, book.french_text(label)),
                )
                for value, label in option.choices
            ),
        )
        if len(found) == 1:
            return found[0][0]
        key = "teams.commands.ambiguous_choice" if found else "teams.commands.bad_choice"
        listed = found or list(option.choices)
        choices = ", ".join(self._choice_shown(value, label) for value, label in listed)
        raise UserError(key, value=raw, option=self._name(option), choices=choices)

    def _choice_shown(self, value: str | int, label: str) -> str:
        """A choice as the member reads it (which they may type), and its value when that
        is another word."""
        shown = self.book.text(label, self.language)
        key = "choice_plain" if folded(shown) == folded(str(value)) else "choice"
        return self.book.catalog.t(self.language, f"teams.commands.{key}", label=shown, value=value)

    def _integer(self, option: Option, raw: str) -> int:
        try:
            number = int(raw)
        except ValueError:
            raise UserError(
                "teams.commands.not_a_number", value=raw, option=self._name(option)
            ) from None
        self._check_range(option, raw, number)
        return number

    def _check_range(self, option: Option, raw: str, number: int) -> None:
        """Refuse ``number`` outside the option's range, saying the range as it is: both
        ends, or the one end an open range has (« numero doit valoir 1 ou plus. »)."""
        low, high = option.min_value, option.max_value
        if (low is None or number >= low) and (high is None or number <= high):
            return
        name = self._name(option)
        if high is None:
            raise UserError("teams.commands.at_least", option=name, start=low)
        if low is None:
            raise UserError("teams.commands.at_most", option=name, end=high)
        raise UserError("teams.commands.out_of_range", value=raw, option=name, start=low, end=high)

    def _team(self, option: Option) -> Team:
        if self.team is None:
            raise UserError("teams.commands.no_team")
        return self.team

    async def _member(self, option: Option, raw: str) -> MemberOption:
        team = self._team(option)
        rt = self.runtime
        if raw in self.mentions:
            teams_id, name = self.mentions[raw]
        else:
            teams_id, name = await self._member_named(team, option, raw)
        return MemberOption(await rt.ids.number("user", teams_id), name)

    async def _member_named(self, team: Team, option: Option, raw: str) -> tuple[str, str]:
        roster = self.runtime.roster
        try:
            by_id = await roster.member(team.record.service_url, team.teams_id, raw)
            found = (
                [by_id]
                if by_id is not None
                else await roster.find_members(team.record.service_url, team.teams_id, raw)
            )
        except TeamsRefusal:
            found = []
        if len(found) != 1:
            key = "teams.commands.no_member" if not found else "teams.commands.ambiguous_member"
            raise UserError(key, value=raw.removeprefix("@"), option=self._name(option))
        return found[0].teams_id, found[0].name

    async def _channel(self, option: Option, raw: str) -> ChannelOption:
        team = self._team(option)
        rt = self.runtime
        try:
            channels = dict(await rt.roster.channels(team.record.service_url, team.teams_id))
            found = thread_of(raw)[0] if thread_of(raw)[0] in channels else None
            found = found or await rt.roster.find_channel(
                team.record.service_url, team.teams_id, raw
            )
        except TeamsRefusal:
            found = None
        if found is None:
            raise UserError(
                "teams.commands.no_channel", value=raw.removeprefix("#"), option=self._name(option)
            )
        return ChannelOption(await rt.ids.number("conversation", found), "text")
