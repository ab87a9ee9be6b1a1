"""The end of the week: one DM nudge before the close, then the close and its digest.

Each recipient's outcome is recorded (``firing.delivered``) before the next one, every
send carries the firing's nonce, and closing is a conditional UPDATE, so re-runs and
restarts repeat nothing. Who is nudged is the one reminder rule
of :class:`~bot.services.community.members.MemberService` (reminders on, not away, reachable).
"""

from __future__ import annotations

from bot.chat import Channel, DirectMessage, Moment, Notice, Posted
from bot.dates import local_today
from bot.db import checkins as checkins_db
from bot.db import communities as communities_db
from bot.db.checkins import Checkin
from bot.db.checkins import streaks as streaks_db
from bot.db.communities import Community
from bot.db.connection import Connection
from bot.db.timers import Timer
from bot.missed import MissedResult
from bot.scheduler import Firing, nonce_for
from bot.services.checkins.base import CheckinPart, community_language
from bot.services.checkins.cards import (
    CheckinDigest,
    CheckinNudge,
    ClosedCheckinPrompt,
    NudgeFallback,
)
from bot.services.checkins.digest import FALLBACK, build_digest, dm_key
from bot.services.checkins.models import ClosedCheckin, NudgePlan
from bot.services.sends import send_once

MAX_FALLBACK_MENTIONS = 60  # keeps the reminder under Discord's 2,000 characters


class CheckinClosing(CheckinPart):
    # -- the nudge ----------------------------------------------------------------------

    async def nudge_plan(self, checkin_id: int) -> NudgePlan | None:
        """Who gets the one DM nudge: known members who have not answered and may be
        reminded (``MemberService.audience``: reminders on, not away, still here)."""
        now = self._core.clock.now()
        async with self._core.db.read() as conn:
            checkin = await checkins_db.get_checkin(conn, checkin_id)
            if checkin is None or checkin.status != "open":
                return None
            community = await communities_db.get(conn, checkin.guild_id)
            if community is None:
                return None
            answered = {a.user_id for a in await checkins_db.answers_to(conn, checkin_id)}
            waiting = [
                user_id
                for user_id in await checkins_db.community_members(conn, checkin.guild_id)
                if user_id not in answered
            ]
            audience = await self._shared.members.audience(
                conn, checkin.guild_id, waiting, local_today(now, community.timezone)
            )
        reachable = {*audience.direct, *audience.mention_instead}
        return NudgePlan(
            checkin=checkin,
            community=community,
            recipients=[u for u in waiting if u in reachable],
            known_closed=audience.mention_instead,
        )

    async def on_nudge(self, timer: Timer, firing: Firing) -> None:
        plan = await self.nudge_plan(int(timer.payload["checkin_id"]))
        if plan is None:
            return
        checkin, language = plan.checkin, community_language(plan.community)
        guild_id = checkin.guild_id
        chat = self._core.chat
        community_name = await chat.community_name(guild_id)
        nudge = CheckinNudge(language=language, checkin=checkin, community=community_name)
        for user_id in plan.recipients:
            target = dm_key(guild_id, user_id)
            if user_id not in plan.known_closed:
                dm = DirectMessage(guild_id, user_id)
                await send_once(chat, firing, dm, nudge, key=target, missing=FALLBACK)
            elif not firing.already_delivered(target):  # refused before: never retried
                await firing.delivered(target, FALLBACK)
        unreachable = [
            u for u in plan.recipients if firing.outcome(dm_key(guild_id, u)) == FALLBACK
        ]
        if unreachable:
            shown = unreachable[:MAX_FALLBACK_MENTIONS]
            await send_once(
                chat,
                firing,
                Channel(guild_id, checkin.thread_id or checkin.channel_id),
                NudgeFallback(language=language, closes_at=checkin.closes_at, user_ids=shown),
                key=FALLBACK,
                mention=shown,
            )

    async def on_nudge_missed(self, timer: Timer) -> MissedResult:
        """Too late to nudge: the facilitators are told, since a word from them may help."""
        plan = await self.nudge_plan(int(timer.payload["checkin_id"]))
        if plan is None:
            return "moot"  # closed or gone meanwhile
        notice = Notice(
            language=community_language(plan.community),
            key="checkins.missed.nudge",
            params={"closes": Moment(at=plan.checkin.closes_at, style="relative")},
        )
        told = await self._community.tell_facilitators(
            plan.community, notice, nonce=nonce_for("checkin_nudge_missed", timer.key)
        )
        return "done" if told else "undone"

    # -- the close ----------------------------------------------------------------------

    async def close(self, checkin_id: int) -> ClosedCheckin | None:
        """Close the check-in (a conditional UPDATE: twice is once) and build the digest."""
        now = self._core.clock.now()
        async with self._core.db.transaction() as conn:
            checkin = await checkins_db.get_checkin(conn, checkin_id)
            community = await communities_db.get(conn, checkin.guild_id) if checkin else None
            if checkin is None or community is None:
                return None
            if await checkins_db.close_checkin(conn, checkin_id, now):
                await self._record_away(conn, checkin, community)
                await streaks_db.week_closed(conn, checkin)
            digest = await build_digest(conn, checkin_id, community)
            answers = await checkins_db.answers_to(conn, checkin_id)
        return ClosedCheckin(digest=digest, community=community, answer_count=len(answers))

    async def _record_away(self, conn: Connection, checkin: Checkin, community: Community) -> None:
        """Who was away during the week: marked away, at close, until the opening day or
        later, and did not answer (who answered was not away that week). Recorded at the
        close so a later ``/me back`` does not rewrite the streak."""
        answered = {a.user_id for a in await checkins_db.answers_to(conn, checkin.id)}
        await checkins_db.forget_away(conn, checkin.id, sorted(answered))  # at its opening
        members = [
            m
            for m in await checkins_db.community_members(conn, checkin.guild_id)
            if m not in answered
        ]
        opening_day = local_today(checkin.opened_at, community.timezone)
        away = await self._shared.away(conn, checkin.guild_id, members, opening_day)
        await checkins_db.record_away(conn, checkin.id, away)

    async def on_close(self, timer: Timer, firing: Firing) -> None:
        closed = await self.close(int(timer.payload["checkin_id"]))
        if closed is None:
            return
        if not firing.already_delivered("digest"):
            posted = await self._post_digest(closed, firing)
            await firing.delivered("digest", *_outcome(posted))
        if not firing.already_delivered("prompt"):
            await self._close_prompt(closed)
            await firing.delivered("prompt")

    async def _post_digest(self, closed: ClosedCheckin, firing: Firing) -> Posted | None:
        """To the moderation channel (facilitators) if set, else the week's thread, else
        the check-in channel; the first that takes it."""
        community, checkin = closed.community, closed.digest.checkin
        digest = CheckinDigest(
            language=community_language(community), digest=closed.digest, late=firing.late
        )
        targets = [community.moderation_channel_id, checkin.thread_id, checkin.channel_id]
        for target in dict.fromkeys(t for t in targets if t is not None):
            posted = await self._core.chat.send(
                Channel(checkin.guild_id, target), digest, nonce=firing.nonce(f"digest:{target}")
            )
            if posted is not None:
                return posted
        return None

    async def _close_prompt(self, closed: ClosedCheckin) -> None:
        """Take the buttons off the prompt and show the count (and the pulse, if allowed)."""
        checkin = closed.digest.checkin
        if checkin.message_id is None:
            return
        await self._core.chat.edit(
            Posted(checkin.guild_id, checkin.channel_id, checkin.message_id),
            ClosedCheckinPrompt(
                language=community_language(closed.community),
                checkin=checkin,
                answer_count=closed.answer_count,
                pulse=closed.digest.pulse,
            ),
        )

    async def on_close_missed(self, timer: Timer) -> MissedResult:
        """The close timer was missed: close without a digest rather than stay open."""
        closed = await self.close(int(timer.payload["checkin_id"]))
        if closed is None:
            return "moot"
        await self._close_prompt(closed)
        return "done"


def _outcome(posted: Posted | None, *, missing: str = "failed") -> tuple[str, int | None]:
    """What ``firing.delivered`` records for a send: its outcome and message id."""
    return ("sent", posted.message_id) if posted is not None else (missing, None)
