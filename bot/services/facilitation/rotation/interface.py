"""``/rotation join|leave|show|skip|set-next|assign``, the offer's Accept / Can't this time,
and the notice's "I'll facilitate it"."""

from __future__ import annotations

from bot.chat import MemberRef, Message, Moment, Text
from bot.chat.text import Param
from bot.interactions import Interaction
from bot.interactions.commands import MemberOption, Option
from bot.interactions.interface import CommandGroup, Interface, click
from bot.interactions.routes import Params
from bot.services.facilitation.rotation.cards import (
    ACCEPT,
    DECLINE,
    TAKE,
    AnsweredOffer,
    TakenNotice,
    rotation_panel,
)
from bot.services.facilitation.rotation.models import (
    OfferAnswer,
    RotationChange,
    RotationView,
    Taken,
)
from bot.services.facilitation.rotation.service import RotationService

ROTATION = CommandGroup("rotation", "Take turns facilitating the community's meetings")


class RotationInterface(Interface):
    def __init__(self, rotation: RotationService) -> None:
        self.rotation = rotation

    async def _show(self, ctx: Interaction, view: RotationView, said: str | Text | None) -> None:
        """The rotation's panel, under what was just done (a key of the rotation's texts,
        or the text; None: only shown)."""
        if isinstance(said, str):
            said = Text(key=f"facilitation.rotation.{said}")
        await ctx.reply(Message(content=said, panels=(rotation_panel(view),)))

    @ROTATION.command("join", "Volunteer to facilitate meetings in turn")
    async def join(self, ctx: Interaction) -> None:
        actor = ctx.actor()
        joined = await self.rotation.join(actor)
        view = await self.rotation.show(actor)
        asked = [u for u in view.upcoming if u.user_id == actor.user_id and u.status == "offered"]
        if joined and asked:  # a date nobody held is theirs to accept
            said: str | Text = Text(
                key="facilitation.rotation.joined_asked",
                params={"title": asked[0].meeting_title, "when": Moment(at=asked[0].starts_at)},
            )
        else:
            said = "joined" if joined else "already_in"
        await self._show(ctx, view, said)

    @ROTATION.command("leave", "Stop volunteering to facilitate")
    async def leave(self, ctx: Interaction) -> None:
        held = await self.rotation.leave(ctx.actor())
        if held:
            await ctx.reply(Text.of("facilitation.rotation.left_handed_over", count=held))
        else:
            await ctx.reply(Text(key="facilitation.rotation.left"))

    @ROTATION.command("show", "Who facilitates next, the order, and how often each has facilitated")
    async def show(self, ctx: Interaction) -> None:
        await self._show(ctx, await self.rotation.show(ctx.actor()), None)

    @ROTATION.command(
        "skip",
        "Send whoever is next to the back of the line (facilitators)",
        access="facilitator",
    )
    async def skip(self, ctx: Interaction) -> None:
        change = await self.rotation.skip(ctx.actor())
        await self._show(ctx, change.view, skipped_text(change))

    @ROTATION.command(
        "set-next",
        "Choose who facilitates next (facilitators)",
        Option("member", "A member of the rotation", kind="member", required=True),
        access="facilitator",
    )
    async def set_next(self, ctx: Interaction, member: MemberOption) -> None:
        change = await self.rotation.set_next(ctx.actor(), member.user_id)
        await self._show(ctx, change.view, next_set_text(change))

    async def suggest_meeting(self, ctx: Interaction, current: str) -> list[tuple[str, str]]:
        return await self.rotation.meeting_choices(ctx.guild_id, current)

    @ROTATION.command(
        "assign",
        "Give a meeting's next date to a member, who is told privately (facilitators)",
        Option("meeting", "The meeting whose next date they facilitate", required=True),
        Option("member", "Who facilitates it", kind="member", required=True),
        access="facilitator",
        suggest={"meeting": suggest_meeting},
    )
    async def assign(self, ctx: Interaction, meeting: str, member: MemberOption) -> None:
        await ctx.defer()
        taken = await self.rotation.assign_to(ctx.actor(), meeting, member.user_id)
        mine = taken.user_id == ctx.user_id  # a facilitator who takes it themselves
        key = "took" if mine else "assigned"
        await ctx.reply(_taken_text(f"{key}_instead" if taken.previous_user_id else key, taken))

    @click(TAKE)
    async def take(self, ctx: Interaction, params: Params) -> None:
        """I'll facilitate it: the notice clicked then says who took the date, for
        everyone, without its button; the member is thanked privately (a refusal goes to
        them alone, the notice unchanged)."""
        await ctx.defer(update=True)
        taken = await self.rotation.take(ctx.actor(), int(params["occurrence"]))
        await ctx.update(
            TakenNotice(
                language=taken.language,
                user_id=taken.user_id,
                meeting_title=taken.meeting_title,
                starts_at=taken.starts_at,
            )
        )
        await ctx.reply(_taken_text("took_instead" if taken.previous_user_id else "took", taken))

    @click(ACCEPT)
    async def accept(self, ctx: Interaction, params: Params) -> None:
        """Accept: the offer clicked then says the member facilitates, without buttons (a
        refusal goes to them alone, the offer unchanged)."""
        await ctx.defer(update=True)
        answer = await self.rotation.accept(
            ctx.actor_in(int(params["guild"])), int(params["occurrence"])
        )
        await self._answered(ctx, answer)

    @click(DECLINE)
    async def decline(self, ctx: Interaction, params: Params) -> None:
        """Can't this time: the offer clicked then says it was passed on, without buttons."""
        await ctx.defer(update=True)
        answer = await self.rotation.decline(
            ctx.actor_in(int(params["guild"])), int(params["occurrence"])
        )
        await self._answered(ctx, answer)

    async def _answered(self, ctx: Interaction, answer: OfferAnswer) -> None:
        """The offer clicked, edited to say what was answered: in a direct message in the
        member's language; asked in a channel (DMs closed), in the community's, naming them."""
        card = AnsweredOffer(
            language=answer.language,
            user_id=ctx.user_id,
            meeting_title=answer.meeting_title,
            starts_at=answer.starts_at,
            accepted=answer.accepted,
            passed_on=answer.next_user_id is not None,
            # Clicked in a community's channel: the offer asked there (DMs closed).
            in_channel=ctx.guild_id is not None and ctx.channel_id is not None,
        )
        await ctx.update(card if card.in_channel else card.layout())


def _taken_text(key: str, taken: Taken) -> Text:
    """What the member who took a date (or gave it) is told: the date, who has it, and
    whose offer was withdrawn if anyone's."""
    params: dict[str, Param] = {
        "user": MemberRef(user_id=taken.user_id),
        "title": taken.meeting_title,
        "when": Moment(at=taken.starts_at),
    }
    if taken.previous_user_id is not None:
        params["previous"] = MemberRef(user_id=taken.previous_user_id)
    return Text(key=f"facilitation.rotation.{key}", params=params)


def _said(key: str, change: RotationChange, **params: Param) -> Text:
    """A reply of the rotation's naming the member, and the date it was judged on if any
    (``key`` then, else ``key_today`` or ``key_later``)."""
    params = {"user": MemberRef(user_id=change.user_id), **params}
    if change.date is not None:
        params |= {"title": change.date.title, "when": Moment(at=change.date.starts_at)}
    return Text(key=f"facilitation.rotation.{key}", params=params)


def skipped_text(change: RotationChange) -> Text:
    """Who was skipped and who is next now, for which date; or that nothing changed,
    because nobody else is free then."""
    dated = "" if change.date is not None else "_today"
    if not change.changed:
        return _said(f"skip_alone{dated}", change)
    next_user = change.view.next_user_id
    assert next_user is not None  # someone else was free: they are next now
    return _said(f"skipped{dated}", change, next=MemberRef(user_id=next_user))


def next_set_text(change: RotationChange) -> Text:
    """Who was set next and for which date: asked at once for a date nobody held, next
    for the date to assign, or passed over for it (away then, keeping their place)."""
    if change.date is None:
        return _said("next_set_later", change)
    if change.asked:
        return _said("next_set_asked", change)
    return _said("next_set_away" if change.away else "next_set", change)
