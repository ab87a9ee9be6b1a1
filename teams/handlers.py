"""What the bot does with what Teams sends: commands, card actions, roster changes.

Each turn is read first (:mod:`teams.turns`), then:

- a message is a command (:mod:`teams.commands`); missing options, or none for a
  command that takes some, answer with the command's form;
- an ``Action.Execute`` is a click (routed by its action id through the core's routes),
  a feature's form or a command's form being submitted. A payload that names no
  route, a form for someone else, or a team the member is not in is refused with a
  message and changes nothing;
- a member leaving, the bot added to or removed from a team: the core is told, as the
  Discord client tells it.

Errors are explained by the core (:func:`bot.interactions.errors.explain`) in the
member's language, never as a traceback.
"""

from __future__ import annotations

import logging
from typing import Any

from microsoft_agents.activity import Activity, AdaptiveCardInvokeResponse

from bot.app import App
from bot.chat.layout import Message
from bot.chat.port import Posted
from bot.errors import UserError
from bot.i18n import Language
from bot.interactions.commands import Command
from bot.interactions.errors import explain
from bot.services.community import CommunityService
from bot.text import folded
from teams import store
from teams.commands import HELP, CommandBook, Entry, split, typed_after
from teams.forms import COMMAND, FOR, FORM, RESERVED, TEAM, WHERE, command_form, shown_options
from teams.ids import UnknownTeamsId, is_channel
from teams.interaction import Replies, TeamsInteraction, TypedIn
from teams.markup import plain_text
from teams.options import Resolver, assign
from teams.render import ACTION_KEY, CARD_TYPE, CLICK, JSON, adaptive_card
from teams.runtime import Team
from teams.transport import TeamsRefusal
from teams.turns import Turn, TurnReader

log = logging.getLogger(__name__)

MESSAGE_TYPE = "application/vnd.microsoft.activity.message"


class Handlers:
    def __init__(self, app: App, replies: Replies, reader: TurnReader) -> None:
        self.app = app
        self.replies = replies
        self.runtime = replies.runtime
        self.reader = reader
        self.catalog = self.runtime.catalog
        self.book = CommandBook(app.ui, self.catalog)

    # -- who acts, where -------------------------------------------------------------------

    async def _is_owner(self, team: Team | None, turn: Turn) -> bool | None:
        """Whether the member owns ``team`` (None: not a member of it at all)."""
        if team is None:
            return False
        try:
            member = await self.runtime.roster.member(
                team.record.service_url, team.teams_id, turn.user_teams_id
            )
        except TeamsRefusal:
            return None
        return None if member is None else member.owner

    async def _last_team(self, turn: Turn) -> Team | None:
        """The team a command typed in the 1:1 chat is for: the one the member last acted
        in, else the only team of the bot they are a member of."""
        async with self.runtime.db.read() as conn:
            member = await store.user(conn, turn.user)
            known = await store.teams(conn)
        if member is not None and member.last_team_id is not None:
            return await self.runtime.team(member.last_team_id)
        found = []
        for record in known:
            team = await self.runtime.team(record.team_id)
            if team is not None and await self._is_owner(team, turn) is not None:
                found.append(team)
        return found[0] if len(found) == 1 else None

    async def interaction(
        self,
        turn: Turn,
        *,
        team: Team | None,
        clicked: tuple[Posted, str] | None = None,
        typed_in: TypedIn | None = None,
    ) -> TeamsInteraction:
        owner = await self._is_owner(team, turn)
        if team is not None and owner is None:
            raise UserError("teams.actions.not_in_team")
        lookups = team or await self._last_team(turn)
        if lookups is not None:  # the activity's locale: the language of the member's DMs
            await self.app.core.chat.saw_language(lookups.number, turn.user, turn.language)
        return TeamsInteraction(
            self.replies,
            turn,
            team=team,
            owner=bool(owner),
            lookups=lookups,
            clicked=clicked,
            typed_in=typed_in,
        )

    async def report(self, ctx: TeamsInteraction | None, turn: Turn, error: BaseException) -> None:
        """Tell the member what went wrong (a click's answer, or a private reply)."""
        error = _expected(error)
        text, ref = explain(self.catalog, error, {"guild_id": ctx.guild_id if ctx else None})
        if ref is not None and ctx is not None and ctx.guild_id is not None:
            try:
                await self.app.services.get(CommunityService).record_error(ctx.guild_id, ref)
            except Exception:  # the database may be the problem; the log has the reference
                log.warning("could not record error reference %s", ref)
        if ctx is not None and ctx.is_click:
            ctx.answer.text = plain_text(self.catalog, turn.language, text, turn.zone)
            return
        try:
            target = ctx or await self.interaction(turn, team=None)
            await target.reply(Message(content=text))
        except Exception as exc:  # never loop on a failing answer
            log.warning("could not tell a member about an error: %s", exc)

    # -- commands --------------------------------------------------------------------------

    async def on_message(self, activity: Activity) -> None:
        turn = await self.reader.read(activity)
        text = (activity.text or "").strip()
        if not text and activity.value is not None:
            return  # a card's Action.Submit: the bot's cards have none
        ctx: TeamsInteraction | None = None
        try:
            team = turn.team if turn.team is not None else await self._last_team(turn)
            ctx = await self.interaction(turn, team=team)
            await self._command(ctx, turn, text)
        except Exception as exc:
            await self.report(ctx, turn, exc)
        if ctx is not None:
            try:
                await ctx.point_to_chat()
            except Exception as exc:  # the answer is in the chat all the same
                log.warning("could not point a member to their 1:1 chat: %s", exc)

    async def _command(self, ctx: TeamsInteraction, turn: Turn, text: str) -> None:
        words, pieces = split(text)
        if not words or folded(words[0]) in HELP:
            await ctx.reply(self.book.help(turn.language))
            return
        found = self.book.find(words)
        if found is None:
            raise self._unknown(words, turn.language)
        entry, used = found
        after = typed_after(pieces, used)
        typed, ctx.prefill = self.book.fills_of(entry.command, after)
        self._keep_anonymous(ctx, turn, entry, bool(after.named or after.positional))
        raw = assign(self.book, entry.command, typed, turn.language)
        missing = [o for o in entry.command.options if o.required and o.name not in raw]
        if missing or (entry.command.ask_first and shown_options(entry.command) and not raw):
            # Who may not run it is told so at once, not after filling its form.
            await self._gate(ctx, entry.command)
            await self._send_form(ctx, turn, entry, raw)
            return
        await self.run(ctx, entry.command, await self._values(ctx, turn, entry.command, raw))

    def _keep_anonymous(self, ctx: TeamsInteraction, turn: Turn, entry: Entry, words: bool) -> None:
        """Any ``words`` typed after an anonymous form's command where others read them (a
        channel, a group chat) are already under the member's name, whether they name its
        fields or not: they are not taken, nothing is sent, and the member is told
        (privately) to type the command alone in the 1:1 chat."""
        if entry.command.anonymous and words and not turn.personal:
            ctx.prefill = {}
            command = self.book.title(entry, turn.language)
            raise UserError("teams.commands.not_anonymous_here", command=command)

    def _unknown(self, words: list[str], language: Language) -> UserError:
        """A command not found: the one most likely meant, or the commands of a group
        named alone or with a subcommand it has not, else the way to the list."""
        typed = " ".join(words[:2])
        near = self.book.nearest(words, language)
        if near is not None:
            return UserError("teams.commands.unknown_near", value=typed, near=near)
        group = self.book.group(words[0], language)
        if group:
            listed = ", ".join(f"**{title}**" for title in group)
            return UserError("teams.commands.unknown_in_group", value=typed, commands=listed)
        return UserError("teams.commands.unknown", value=typed)

    async def _values(
        self, ctx: TeamsInteraction, turn: Turn, command: Command, raw: dict[str, str]
    ) -> dict[str, Any]:
        """The options given as text, typed after the command or filled in its form, as
        the command takes them (choices, numbers, members and channels resolved)."""
        resolver = Resolver(self.runtime, self.book, ctx.team, turn.mentions(), turn.language)
        return {
            option.name: await resolver.value(option, raw[option.name])
            for option in command.options
            if option.name in raw
        }

    async def _gate(self, ctx: TeamsInteraction, command: Command) -> None:
        if command.access != "everyone":
            await self.app.ui.gate(command.access, ctx.actor())

    async def run(self, ctx: TeamsInteraction, command: Command, values: dict[str, Any]) -> None:
        await self._gate(ctx, command)
        await command.handler(ctx, **values)

    async def _send_form(
        self, ctx: TeamsInteraction, turn: Turn, entry: Entry, raw: dict[str, str]
    ) -> None:
        team = ctx.team
        data: JSON = {COMMAND: entry.key, FOR: turn.user, WHERE: turn.conversation}
        if team is not None:
            data[TEAM] = team.number
        renderer = await self.runtime.renderer(team, turn.language, Message())
        title = self.book.title(entry, turn.language)
        offered = await self._offered(ctx, entry.command)
        await ctx.privately(
            command_form(renderer, title, entry.command, data, given=raw, offered=offered)
        )

    async def _offered(
        self, ctx: TeamsInteraction, command: Command
    ) -> dict[str, list[tuple[str, str]]]:
        """What a command's form offers to choose from: the team's members and channels,
        and the suggestions an option's autocomplete gives for nothing typed yet."""
        offered: dict[str, list[tuple[str, str]]] = {}
        team = ctx.team
        for option in command.options:
            try:
                if option.suggest is not None:
                    offered[option.name] = await option.suggest(ctx, "")
                elif option.kind == "member" and team is not None:
                    roster = await self.runtime.roster.members(
                        team.record.service_url, team.teams_id
                    )
                    offered[option.name] = [(m.teams_id, m.name) for m in roster]
                elif option.kind == "channel" and team is not None:
                    channels = await self.runtime.roster.channels(
                        team.record.service_url, team.teams_id
                    )
                    offered[option.name] = list(channels)
            except (TeamsRefusal, UserError):  # typed instead
                continue
        return offered

    # -- card actions ----------------------------------------------------------------------

    async def on_execute(self, activity: Activity, data: Any) -> AdaptiveCardInvokeResponse:
        turn = await self.reader.read(activity)
        data = data if isinstance(data, dict) else {}
        value = activity.value if isinstance(activity.value, dict) else {}
        verb = str((value.get("action") or {}).get("verb") or "")
        ctx: TeamsInteraction | None = None
        try:
            ctx = await self._clicked_interaction(turn, data)
            if verb == CLICK:
                await self._click(ctx, data)
            elif verb == FORM:
                await self._form(ctx, turn, data)
            elif verb == COMMAND:
                await self._command_form(ctx, turn, data)
            else:
                raise UserError("teams.actions.unknown")
        except Exception as exc:
            if ctx is None:
                text, _ = explain(self.catalog, _expected(exc))
                return _message(plain_text(self.catalog, turn.language, text, turn.zone))
            await self.report(ctx, turn, exc)
        assert ctx is not None
        if ctx.answer.text is not None:
            return _message(ctx.answer.text)
        if ctx.answer.card is not None:
            return AdaptiveCardInvokeResponse(
                status_code=200, type=CARD_TYPE, value=ctx.answer.card
            )
        return AdaptiveCardInvokeResponse(status_code=200)

    async def _clicked_interaction(self, turn: Turn, data: JSON) -> TeamsInteraction:
        """The interaction of a card action: in its channel's team, or, for a form sent to
        the 1:1 chat, in the team it names (if the member is in it)."""
        message_id = str(turn.activity.reply_to_id or "")
        team = turn.team
        typed_in = None
        if team is None and isinstance(data.get(TEAM), int):
            team = await self.runtime.team(int(data[TEAM]))
            if team is None:
                raise UserError("teams.actions.unknown")
        if isinstance(data.get(WHERE), int):
            where = await self.runtime.ids.maybe_string(int(data[WHERE]), "conversation")
            if where is not None:  # typed in a channel, the command acts there (a session)
                typed_in = TypedIn(where, int(data[WHERE]) if is_channel(where) else None)
        posted = Posted(
            team.number if team is not None else 0,
            turn.conversation,
            await self.runtime.ids.number("message", message_id) if message_id else 0,
        )
        return await self.interaction(
            turn, team=team, clicked=(posted, message_id), typed_in=typed_in
        )

    async def _click(self, ctx: TeamsInteraction, data: JSON) -> None:
        found = self.app.ui.routes.clicks.find(str(data.get(ACTION_KEY, "")))
        if found is None:
            raise UserError("teams.actions.unknown")
        handler, params = found
        await handler(ctx, params)

    def _check_for(self, turn: Turn, data: JSON) -> None:
        if data.get(FOR) != turn.user:
            raise UserError("teams.actions.not_yours")

    async def _form(self, ctx: TeamsInteraction, turn: Turn, data: JSON) -> None:
        self._check_for(turn, data)
        found = self.app.ui.routes.forms.find(str(data.get(FORM, "")))
        if found is None:
            raise UserError("teams.actions.unknown")
        handler, params = found
        values = {k: str(v) for k, v in data.items() if k not in RESERVED}
        await handler(ctx, params, values)
        if ctx.answer.card is None and ctx.answer.text is None:
            await self._close_form(ctx, turn, data)

    async def _close_form(self, ctx: TeamsInteraction, turn: Turn, data: JSON) -> None:
        """After a submitted form: the card it stood in for again, or a short "done"."""
        message_id = str(turn.activity.reply_to_id or "")
        kept = self.runtime.cards.get(message_id) if WHERE not in data else None
        if kept is not None:
            ctx.answer.card = kept
            return
        done = adaptive_card(
            [{"type": "TextBlock", "text": self._t(turn, "form.done"), "wrap": True}]
        )
        ctx.answer.card = done
        if message_id and WHERE in data:
            await self.replies.update(turn.service_url, turn.conversation_id, message_id, done)

    async def _command_form(self, ctx: TeamsInteraction, turn: Turn, data: JSON) -> None:
        self._check_for(turn, data)
        entry = self.book.entry(str(data.get(COMMAND, "")))
        if entry is None:
            raise UserError("teams.actions.unknown")
        raw = {k: str(v) for k, v in data.items() if k not in RESERVED and str(v).strip()}
        values = await self._values(ctx, turn, entry.command, raw)
        missing = [o.name for o in entry.command.options if o.required and o.name not in values]
        if missing:
            raise UserError("teams.commands.missing", value=", ".join(missing))
        await self.run(ctx, entry.command, values)
        if ctx.answer.card is None and ctx.answer.text is None:
            await self._close_form(ctx, turn, data)

    def _t(self, turn: Turn, key: str, **params: Any) -> str:
        return self.catalog.t(turn.language, f"teams.{key}", **params)


def _expected(error: BaseException) -> BaseException:
    """An id no Teams id was mapped to came from a forged or foreign payload."""
    return UserError("teams.actions.unknown") if isinstance(error, UnknownTeamsId) else error


def _message(text: str) -> AdaptiveCardInvokeResponse:
    """A click answered with a message for the member alone; the card stays as it was."""
    return AdaptiveCardInvokeResponse(status_code=200, type=MESSAGE_TYPE, value=text)


__all__ = ["Handlers"]
