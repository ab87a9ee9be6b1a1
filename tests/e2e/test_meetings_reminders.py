"""Meeting reminders end to end, moved by the clock: sent once after a restart or a crash,
on local time across DST changes, to members whose DMs are closed, and once when Discord
answers 502 after creating the message."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bot.emulator import Message
from bot.services.community import MemberService
from tests.e2e.harness import Harness
from tests.e2e.meeting_steps import (
    DEC3,
    announcements,
    confirm,
    current,
    preview,
    rsvp,
    schedule,
    stamp,
)


def reminder_posts(harness: Harness) -> list[Message]:
    return [m for m in announcements(harness) if m.content.startswith("⏰")]


def dms(harness: Harness, user: str) -> list[Message]:
    return [m for m in harness.emu.dms_to(harness.user(user)) if m.content.startswith("⏰")]


async def bob_going(harness: Harness, **community: Any) -> Message:
    """An English community's meeting on Dec 3 at 3:30 pm that bob is going to: its
    announcement."""
    await harness.setup_community(language="en", **community)
    announcement = await schedule(harness, when="Dec 3 3:30pm")
    await rsvp(harness, "bob", announcement, "going")
    return announcement


async def test_reminders_reach_the_channel_and_dms_with_a_closed_dm_fallback(
    harness: Harness,
) -> None:
    announcement = await bob_going(harness)
    await rsvp(harness, "chloe", announcement, "maybe")
    await rsvp(harness, "david", announcement, "going")
    await rsvp(harness, "alice", announcement, "cant")
    harness.emu.close_dms(harness.user("david"))

    await harness.advance_to(DEC3 - timedelta(days=1, minutes=1))
    assert reminder_posts(harness) == []
    await harness.advance(timedelta(minutes=1))
    [post] = reminder_posts(harness)
    # The lead time as fixed text, and the start as a date: it reads right whenever read.
    assert post.content.startswith(
        f"⏰ Reminder: **PLC meeting** in 1 day — <t:{stamp(DEC3)}:F>. Place: to be announced"
    ), post.content
    assert ":R>" not in post.content
    assert "(sent late" not in post.content
    assert f"Could not reach by direct message: <@{harness.user('david')}>" in post.content
    assert post.mention_user_ids == [harness.user("david")]  # only the fallback is pinged
    assert post.nonce is not None
    assert [len(dms(harness, u)) for u in ("bob", "chloe", "david", "alice")] == [1, 1, 0, 0]
    assert "You can change your answer" in dms(harness, "bob")[0].content
    assert dms(harness, "bob")[0].content.startswith("⏰ Reminder: **PLC meeting** in 1 day — ")
    members = harness.bot.services.get(MemberService)
    member = await members.get(harness.guild.id, harness.user("david"))
    assert member is not None and member.dm_closed_at is not None

    await harness.advance_to(DEC3 - timedelta(minutes=60))
    posts = reminder_posts(harness)
    assert len(posts) == 2
    assert posts[1].mention_user_ids == [harness.user("david")]
    assert [len(dms(harness, u)) for u in ("bob", "chloe", "david", "alice")] == [2, 2, 0, 0]
    david_channel = harness.emu.state.dm_channel_by_user[harness.user("david")]
    refused = harness.emu.requests(
        method="POST", path_contains=f"/channels/{david_channel}/messages", status=403
    )
    assert len(refused) == 1  # known closed: mentioned, not knocked on again


async def test_a_meeting_can_have_its_own_reminder_times(harness: Harness) -> None:
    await harness.setup_community(language="en")
    result = await preview(harness, when="Dec 3 3:30pm", reminders="2h, 15m", locale="en-US")
    assert "🔔 Reminders: 2 h, 15 min before the start" in (result.content or "")
    await confirm(harness, result)
    await harness.advance_to(DEC3 - timedelta(days=1))
    assert reminder_posts(harness) == []  # the community's 24 h is replaced
    await harness.advance_to(DEC3 - timedelta(hours=2))
    assert len(reminder_posts(harness)) == 1
    await harness.advance_to(DEC3 - timedelta(minutes=60))
    assert len(reminder_posts(harness)) == 1
    await harness.advance_to(DEC3 - timedelta(minutes=15))
    assert len(reminder_posts(harness)) == 2


async def test_the_preview_says_which_reminders_will_go_out(harness: Harness) -> None:
    """Without `reminders`, the community's are named (they go out all the same); whole
    days read as days, as they were typed."""
    await harness.setup_community(language="en")
    result = await preview(harness, when="Dec 3 3:30pm", locale="en-US")
    assert (
        "🔔 Reminders: 1 d, 1 h before the start (the community's; `reminders` sets this "
        "meeting's own)" in (result.content or "")
    )
    result = await preview(harness, when="3 déc. 15h30", reminders="2j, 30 min", locale="fr")
    assert "🔔 Rappels : 2 j, 30 min avant le début\n" in (result.content or "")


async def test_the_preview_leaves_out_the_reminders_already_too_late(harness: Harness) -> None:
    """The first date gets only the reminders still ahead (as they are planned), and the
    preview says so; a repeating meeting's later dates get them all."""
    await harness.setup_community(language="en")
    await harness.advance_to(DEC3 - timedelta(hours=22))
    result = await preview(harness, when="Dec 3 3:30pm", locale="en-US")
    assert (
        "🔔 Reminders: 1 h before the start (the community's; `reminders` sets this "
        "meeting's own)\nAlready past for this date: 1 d before the start.\n\n"
    ) in (result.content or "")
    await confirm(harness, result)
    await harness.advance_to(DEC3 - timedelta(minutes=60))
    assert len(reminder_posts(harness)) == 1  # the hour before, as the preview said

    result = await preview(
        harness, when="Dec 3 3:45pm", repeat="weekly", reminders="1d, 2h", locale="fr"
    )
    assert (
        "🔔 Aucun rappel pour cette séance : elle commence dans 75 min, trop tard pour ses "
        "rappels (1 j, 2 h avant le début). Les séances suivantes auront tous leurs rappels."
    ) in (result.content or "")


async def test_unreadable_reminder_times_are_refused_and_nothing_is_saved(
    harness: Harness,
) -> None:
    await harness.setup_community(language="en")
    result = await preview(
        harness, locale="en-US", title="T", when="Dec 3 3:30pm", reminders="tomorrow"
    )
    assert "`reminders`: I could not read “tomorrow”" in (result.content or "")
    assert announcements(harness) == []


async def test_reminder_times_out_of_range_are_refused_with_the_limit(harness: Harness) -> None:
    await harness.setup_community(language="en")
    said = {
        ("en-US", "400d"): "`reminders`: “400d” is more than the longest reminder, 14 days "
        "before the start. Give a shorter time.",
        ("en-US", "1h, 0m"): "`reminders`: “0m” is too close: a reminder must come at least "
        "1 minute before the start.",
        ("fr", "15j"): "`rappels` : « 15j » dépasse le rappel le plus long, 14 jours avant le "
        "début. Indiquez un délai plus court.",
    }
    for (locale, typed), expected in said.items():
        result = await preview(harness, locale=locale, when="Dec 3 3:30pm", reminders=typed)
        assert result.content == expected
    assert announcements(harness) == []


async def test_members_away_or_with_dm_reminders_off_get_no_dm(harness: Harness) -> None:
    await harness.setup_community(language="en")
    announcement = await schedule(harness, when="Dec 3 3:30pm")
    for user in ("bob", "chloe"):
        await rsvp(harness, user, announcement, "going")
    off = await harness.slash("bob", "me reminders", state="off")
    await off.final()
    away = await harness.slash("chloe", "me away", until="2026-12-10")
    await away.final()
    await harness.advance_to(DEC3 - timedelta(days=1))
    await harness.advance_to(DEC3 - timedelta(minutes=60))
    assert len(reminder_posts(harness)) == 2  # the channel still gets them (24 h and 1 h)
    assert dms(harness, "bob") == [] and dms(harness, "chloe") == []


async def test_no_reminder_twice_after_a_restart_or_a_lost_record(harness: Harness) -> None:
    await bob_going(harness)
    await harness.advance_to(DEC3 - timedelta(days=1))
    assert (len(reminder_posts(harness)), len(dms(harness, "bob"))) == (1, 1)

    await harness.restart()
    await harness.advance(timedelta(minutes=3))
    assert (len(reminder_posts(harness)), len(dms(harness, "bob"))) == (1, 1)

    # Discord had the messages, but the bot died before recording them: the nonce keeps
    # the re-send from showing twice.
    async with harness.bot.core.db.transaction() as conn:
        await conn.execute(
            "DELETE FROM timer_deliveries WHERE timer_id IN "
            "(SELECT id FROM timers WHERE kind = 'meeting_reminder' AND key LIKE '%:1440')"
        )
        await conn.execute(
            "UPDATE timers SET status = 'pending', finished_at = NULL "
            "WHERE kind = 'meeting_reminder' AND key LIKE '%:1440'"
        )
    await harness.restart()
    await harness.advance(timedelta(minutes=1))
    assert (len(reminder_posts(harness)), len(dms(harness, "bob"))) == (1, 1)
    resent = harness.emu.requests(
        method="POST", path_contains=f"/channels/{harness.channel('announcements')}/messages"
    )
    nonces = [r.json.get("nonce") for r in resent if "⏰" in ((r.json or {}).get("content") or "")]
    assert len(nonces) == 2 and nonces[0] == nonces[1]  # sent again, same nonce: one message


async def test_a_reminder_due_while_down_is_sent_late_once_or_reported_missed(
    harness: Harness,
) -> None:
    await bob_going(harness, moderation=True)
    await harness.stop()
    # Down through the 24 h reminder (far beyond its grace) and 20 min past the 1 h one.
    await harness.clock.set(DEC3 - timedelta(minutes=40))
    await harness.start()
    await harness.advance(timedelta(0))
    [post] = reminder_posts(harness)
    assert "(sent late: the bot was offline" in post.content
    # Not "in 1 h": the time really left when it went out.
    assert post.content.startswith(f"⏰ Reminder: **PLC meeting** in 40 min — <t:{stamp(DEC3)}:F>")
    [dm] = dms(harness, "bob")
    assert "(sent late" in dm.content
    assert dm.content.startswith("⏰ Reminder: **PLC meeting** in 40 min — ")
    missed = [
        m
        for m in harness.emu.messages_in(harness.channel("moderation"))
        if "could not be sent in time" in m.content
    ]
    assert len(missed) == 1 and "The reminder 24 h before" in missed[0].content
    await harness.advance(timedelta(minutes=5))
    await harness.restart()
    await harness.advance(timedelta(minutes=1))
    assert len(reminder_posts(harness)) == 1 and len(dms(harness, "bob")) == 1
    status = await harness.slash("admin", "plc status")
    await status.final()
    assert status.message is not None and "could not be sent" in status.message.all_text()


async def test_a_cancelled_or_moved_meeting_sends_no_stale_reminder(harness: Harness) -> None:
    announcement = await bob_going(harness)
    edit = await harness.slash(
        "alice",
        "meeting edit",
        locale="en-US",
        meeting="1",
        when="Dec 5 3:30pm",
    )
    await edit.final()
    await harness.advance_to(DEC3 - timedelta(minutes=30))
    assert reminder_posts(harness) == []  # the old times are gone
    await harness.advance_to(DEC3 + timedelta(days=1))
    await harness.advance_to(DEC3 + timedelta(days=2, minutes=-60))
    assert len(reminder_posts(harness)) == 2
    assert f"<t:{stamp(DEC3 + timedelta(days=2))}:F>" in reminder_posts(harness)[-1].content
    assert len(current(harness, announcement).components) > 0


async def test_an_edit_that_keeps_the_time_keeps_its_reminders_and_its_end(
    harness: Harness,
) -> None:
    """Editing the duration, the title or the agenda, or typing the same time again,
    leaves the reminders and the end in place (the end moved by the new duration)."""
    announcement = await bob_going(harness)
    for options in ({"duration": 30}, {"title": "Renamed"}, {"when": "Dec 3 3:30pm"}):
        edit = await harness.slash("alice", "meeting edit", locale="en-US", meeting="1", **options)
        await edit.final()
    await harness.advance_to(DEC3 - timedelta(minutes=59))  # the day before had passed
    assert len(reminder_posts(harness)) == 1 and len(dms(harness, "bob")) == 1
    await harness.advance_to(DEC3 + timedelta(minutes=31))
    assert current(harness, announcement).components == []  # over, after 30 minutes


async def test_weekly_meeting_keeps_its_local_time_across_dst(harness: Harness) -> None:
    """Sunday 18:00 in Toronto stays 18:00 local on both sides of 2027-03-14."""
    await harness.clock.set(datetime(2027, 3, 1, 15, 0, tzinfo=UTC))
    await harness.setup_community(language="en")
    first = await schedule(harness, when="2027-03-07 18:00", repeat="weekly")
    before = datetime(2027, 3, 7, 23, 0, tzinfo=UTC)  # 18:00 EST
    after = datetime(2027, 3, 14, 22, 0, tzinfo=UTC)  # 18:00 EDT
    assert f"<t:{stamp(before)}:F>" in first.all_text()

    await harness.advance_to(before + timedelta(minutes=90))
    second = announcements(harness)[-1]
    assert second.id != first.id
    assert f"<t:{stamp(after)}:F>" in second.all_text()
    [event] = harness.emu.state.scheduled_events.values()
    assert event.scheduled_start_time.startswith("2027-03-14T22:00:00")
    await rsvp(harness, "bob", second, "going")

    await harness.advance_to(after - timedelta(days=1))
    await harness.advance_to(after - timedelta(minutes=61))
    hour_before = [m for m in reminder_posts(harness) if f"<t:{stamp(after)}:F>" in m.content]
    assert len(hour_before) == 1  # the 24 h one only
    await harness.advance(timedelta(minutes=1))  # 17:00 EDT: one hour before 18:00 local
    hour_before = [m for m in reminder_posts(harness) if f"<t:{stamp(after)}:F>" in m.content]
    assert len(hour_before) == 2
    assert len(dms(harness, "bob")) == 2


async def test_a_time_in_the_spring_gap_warns_and_fires_once(harness: Harness) -> None:
    """02:30 does not exist in Toronto on 2027-03-14; it becomes 03:30, once."""
    await harness.clock.set(datetime(2027, 3, 10, 15, 0, tzinfo=UTC))
    await harness.setup_community(language="en")
    result = await preview(harness, locale="en-US", title="Night owls", when="2027-03-14 02:30")
    assert "02:30 does not exist on 14 March 2027" in (result.content or "")
    assert "**03:30**" in (result.content or "")
    # In French, the times of day as French writes them (OQLF), not "02:30".
    french = await preview(harness, locale="fr", title="Nuit", when="2027-03-14 02:30")
    assert "2 h 30 n'existe pas le 14 mars 2027" in (french.content or "")
    assert "commencera à **3 h 30**" in (french.content or "")
    await confirm(harness, result, locale="en-US")
    starts = datetime(2027, 3, 14, 7, 30, tzinfo=UTC)
    for step in (timedelta(days=1), timedelta(hours=1), timedelta(0), -timedelta(hours=2)):
        await harness.advance_to(starts - step)
    posts = [m for m in reminder_posts(harness) if f"<t:{stamp(starts)}:F>" in m.content]
    assert len(posts) == 2  # 24 h and 1 h before, each once


async def test_a_lost_announcements_channel_is_paused_and_reported_once(harness: Harness) -> None:
    """The channel is lost: DMs still go; the channel is not hammered; admins hear it once."""
    await bob_going(harness, moderation=True)
    harness.emu.delete_channel(harness.channel("announcements"))
    await harness.advance_to(DEC3 - timedelta(days=1))
    await harness.advance_to(DEC3 - timedelta(minutes=60))
    assert len(dms(harness, "bob")) == 2
    lost = [
        m
        for m in harness.emu.messages_in(harness.channel("moderation"))
        if "can no longer post" in m.content
    ]
    assert len(lost) == 1
    refused = harness.emu.requests(
        path_contains=f"/channels/{harness.channel('announcements')}", status=404
    )
    # Discord's channel-delete event paused it at once: no reminder knocked on it.
    assert refused == []


async def test_discord_answering_502_after_creating_the_reminder_leaves_one(
    harness: Harness,
) -> None:
    """The post is created, Discord answers 502, discord.py retries: one message."""
    await harness.setup_community(language="en")
    await schedule(harness, when="Dec 3 3:30pm")
    await harness.advance(timedelta(0))  # what the schedule left due now goes first
    harness.fail_posts("announcements", 502, commit=True)
    await harness.advance_to(DEC3 - timedelta(days=1))
    assert len(reminder_posts(harness)) == 1
    posts = harness.emu.requests(
        method="POST", path_contains=f"/channels/{harness.channel('announcements')}/messages"
    )
    assert [r.status for r in posts][-2:] == [502, 200]


async def test_clock_stepping_back_and_forth_duplicates_nothing(harness: Harness) -> None:
    """A clock step back then forward again sends each reminder once."""
    await bob_going(harness)
    await harness.advance_to(DEC3 - timedelta(days=1))
    await harness.advance(timedelta(hours=-3))
    await harness.advance(timedelta(hours=3, minutes=10))
    assert (len(reminder_posts(harness)), len(dms(harness, "bob"))) == (1, 1)
    await harness.advance_to(DEC3 - timedelta(minutes=60))
    assert (len(reminder_posts(harness)), len(dms(harness, "bob"))) == (2, 2)


async def test_a_dm_goes_straight_to_the_channel_discord_gave_before_even_after_a_restart(
    harness: Harness,
) -> None:
    """Asking Discord for a DM channel goes through a bucket of 5 a second shared by
    every DM: the channel is asked for once per member, then remembered."""
    await bob_going(harness)
    await harness.advance_to(DEC3 - timedelta(days=1))
    opened = harness.emu.requests(method="POST", path_contains="/users/@me/channels")
    assert len(opened) == 1 and len(dms(harness, "bob")) == 1
    bob_channel = harness.emu.state.dm_channel_by_user[harness.user("bob")]
    member = await harness.bot.services.get(MemberService).get(
        harness.guild.id, harness.user("bob")
    )
    assert member is not None and member.dm_channel_id == bob_channel

    await harness.restart()  # discord.py's own cache of DM channels is gone
    await harness.advance_to(DEC3 - timedelta(minutes=60))
    assert len(dms(harness, "bob")) == 2
    assert len(harness.emu.requests(method="POST", path_contains="/users/@me/channels")) == 1
    sent = harness.emu.requests(method="POST", path_contains=f"/channels/{bob_channel}/messages")
    assert [r.status for r in sent] == [200, 200]


async def test_a_remembered_dm_channel_that_is_gone_is_asked_for_again(harness: Harness) -> None:
    await bob_going(harness)
    delivery = harness.bot.core.chat
    stale = 4242  # a channel Discord no longer knows
    await delivery.remember_dm_channel(harness.guild.id, harness.user("bob"), stale)

    await harness.advance_to(DEC3 - timedelta(days=1))
    assert len(dms(harness, "bob")) == 1
    refused = harness.emu.requests(method="POST", path_contains=f"/channels/{stale}/messages")
    assert [r.status for r in refused] == [404]
    bob_channel = harness.emu.state.dm_channel_by_user[harness.user("bob")]
    assert await delivery.dm_channel(harness.guild.id, harness.user("bob")) == bob_channel
