"""``/rotation`` end to end: a fair rotation over six announced meetings, an away member
skipped, a decliner first next time (answered in DM), an assignment that survives a
restart without a second DM, the facilitators told when nobody can take a date."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from bot.emulator import Message
from tests.e2e.facilitation import answer, bot_messages, button_of, click, run
from tests.e2e.harness import Harness
from tests.e2e.test_meetings import announcements, schedule

VOLUNTEERS = ("alice", "bob", "chloe")
DATES = [
    "2026-12-03 15:30",
    "2026-12-10 15:30",
    "2026-12-17 15:30",
    "2027-01-07 15:30",
    "2027-01-14 15:30",
    "2027-01-21 15:30",
]


def offers(harness: Harness, user: str) -> list[Message]:
    """The offers a member got by DM, in their own language (Alice and Chloé read French)."""
    dms = harness.emu.dms_to(harness.user(user))
    return [
        m
        for m in dms
        if "Will you facilitate" in m.all_text() or "Voulez-vous animer" in m.all_text()
    ]


async def volunteers_joined(harness: Harness) -> None:
    """An English community where Alice, Bob and Chloe joined the rotation."""
    await harness.setup_community(language="en")
    for user in VOLUNTEERS:
        await run(harness, user, "rotation join")


async def announce(harness: Harness, when: str, title: str = "PLC meeting") -> Message:
    message = await schedule(harness, "alice", title=title, when=when)
    await harness.advance(timedelta(0))  # the offer DM is a timer due now
    return message


def facilitator_of(harness: Harness, announcement: Message) -> int | None:
    current = harness.emu.state.messages[announcement.id]
    for field in current.embeds[0].get("fields", []):
        if field["value"].startswith("<@"):
            return int(field["value"].strip("<@>"))
    return None


async def test_three_volunteers_over_six_meetings_take_fair_turns(harness: Harness) -> None:
    await harness.setup_community(language="en")
    for user in VOLUNTEERS:
        text = await run(harness, user, "rotation join")
        assert "joined the rotation" in text or "rejoint la rotation" in text
    assigned = []
    for when in DATES:
        announcement = await announce(harness, when)
        assigned.append(facilitator_of(harness, announcement))
    ids = [harness.user(u) for u in VOLUNTEERS]
    assert assigned == ids + ids  # the announcement names each date's facilitator
    counts = Counter(assigned)
    assert max(counts.values()) - min(counts.values()) <= 1
    for user in VOLUNTEERS:
        assert len(offers(harness, user)) == 2, user
    shown = await run(harness, "david", "rotation show")
    for user in VOLUNTEERS:  # dates given, none held yet: listed apart, not counted
        assert f"<@{harness.user(user)}> — facilitated 0 times" in shown
    assert "Upcoming meetings" in shown
    status = await run(harness, "david", "plc status")
    assert f"<@{harness.user('alice')}> (asked, no answer yet)" in status
    await harness.advance(datetime(2027, 1, 23, tzinfo=UTC) - harness.clock.now())  # all held
    shown = await run(harness, "david", "rotation show")
    for user in VOLUNTEERS:
        assert f"<@{harness.user(user)}> — facilitated 2 times" in shown


async def test_an_away_member_is_skipped(harness: Harness) -> None:
    await volunteers_joined(harness)
    await run(harness, "alice", "me away", until="2026-12-05")
    first = await announce(harness, DATES[0])
    assert facilitator_of(harness, first) == harness.user("bob")
    assert offers(harness, "alice") == []
    second = await announce(harness, DATES[1])  # Alice is back by then: her turn now
    assert facilitator_of(harness, second) == harness.user("alice")
    shown = await run(harness, "david", "rotation show")
    assert f"<@{harness.user('alice')}> — facilitated 0 times — away" in shown  # not held yet


async def test_a_decliner_passes_it_on_in_dm_and_is_first_next_time(harness: Harness) -> None:
    await volunteers_joined(harness)
    announcement = await announce(harness, DATES[0])
    [offer] = offers(harness, "alice")
    result = await harness.emu.click(
        harness.user("alice"), offer, button_of(offer, "plc:rot:decline:")
    )
    text = await answer(result)
    assert "a été proposée à la personne suivante" in text  # Alice reads French
    await harness.advance(timedelta(0))
    assert len(offers(harness, "bob")) == 1
    assert facilitator_of(harness, announcement) == harness.user("bob")  # refreshed
    [bob_offer] = offers(harness, "bob")
    accepted = await answer(
        await harness.emu.click(harness.user("bob"), bob_offer, button_of(bob_offer, "plc:rot:"))
    )
    assert "Thank you" in accepted
    assert bob_offer.custom_ids() == []  # answered: it cannot be answered again
    following = await announce(harness, DATES[1])
    assert facilitator_of(harness, following) == harness.user("alice")  # first in line
    third = await announce(harness, DATES[2])
    assert facilitator_of(harness, third) == harness.user("chloe")


async def test_an_answered_offer_says_the_answer_in_place_without_its_buttons(
    harness: Harness,
) -> None:
    """Declined, then Accept pressed on the same offer: it said "not (or no longer) for
    you". The offer answered is edited to say what was answered, without buttons, in the
    DM (the member's language) or in the channel it was asked in (naming them)."""
    await volunteers_joined(harness)
    await run(harness, "bob", "me reminders", state="off")  # Bob is asked in the channel
    await announce(harness, DATES[0])
    [offer] = offers(harness, "alice")
    await click(harness, "alice", offer, "plc:rot:decline:")
    edited = harness.emu.state.messages[offer.id]
    assert edited.custom_ids() == []
    assert len(offers(harness, "alice")) == 0  # the offer now reads as answered, in French
    assert "vous passez votre tour, et l'animation de **PLC meeting** (<t:" in edited.all_text()
    await harness.advance(timedelta(0))
    [asked] = [
        m
        for m in bot_messages(harness, harness.channel("announcements"))
        if "Will you facilitate" in m.all_text()
    ]
    await click(harness, "bob", asked, "plc:rot:accept:")
    edited = harness.emu.state.messages[asked.id]
    assert edited.custom_ids() == []
    assert edited.all_text().startswith(f"<@{harness.user('bob')}> — Thank you! You facilitate")


async def test_an_assignment_survives_a_restart_without_a_second_dm(harness: Harness) -> None:
    await volunteers_joined(harness)
    await announce(harness, DATES[0])
    assert len(offers(harness, "alice")) == 1
    await harness.restart()
    await harness.advance(timedelta(minutes=5))
    await harness.advance(timedelta(hours=1))
    assert len(offers(harness, "alice")) == 1
    assert offers(harness, "bob") == []
    shown = await run(harness, "david", "rotation show")
    assert f"<@{harness.user('alice')}> — facilitated 0 times" in shown  # to come, not held
    assert f"<@{harness.user('alice')}> (asked)" in shown


async def test_nobody_available_is_told_to_the_facilitators(harness: Harness) -> None:
    await harness.setup_community(language="en", moderation=True)
    await run(harness, "bob", "rotation join")
    await run(harness, "bob", "me away", until="2026-12-31")
    await announce(harness, DATES[0])
    notices = bot_messages(harness, harness.channel("moderation"))
    assert any("Nobody can facilitate" in m.all_text() and "away" in m.all_text() for m in notices)
    assert len(announcements(harness)) == 1  # the announcement itself went out
    text = await run(harness, "david", "plc status")
    assert "nobody available" in text


async def test_no_answer_24_hours_before_tells_the_facilitators(harness: Harness) -> None:
    await harness.setup_community(language="en", moderation=True)
    await run(harness, "chloe", "rotation join")
    await announce(harness, DATES[0])
    await harness.clock.set(harness.clock.now().replace(day=2, month=12, hour=20, minute=31))
    await harness.advance(timedelta(0))
    notices = bot_messages(harness, harness.channel("moderation"))
    assert any("has not answered" in m.all_text() for m in notices)


async def test_skip_and_set_next_are_refused_to_members(harness: Harness) -> None:
    await volunteers_joined(harness)
    refused = await run(harness, "bob", "rotation skip")
    assert "Only facilitators" in refused
    # Alice's Discord is in French: her answers are too.
    shown = await run(harness, "alice", "rotation set-next", member=harness.user("chloe"))
    assert f"1. <@{harness.user('chloe')}> — a animé 0 fois — **à son tour**" in shown
    skipped = await run(harness, "alice", "rotation skip")
    assert f"1. <@{harness.user('alice')}> — a animé 0 fois — **à son tour**" in skipped
    left = await run(harness, "bob", "rotation leave")
    assert "left the rotation" in left
    again = await run(harness, "bob", "rotation leave")
    assert "not in the rotation" in again


async def test_the_assignee_erasing_their_data_hands_the_date_on(harness: Harness) -> None:
    """Issue 20: ``/me delete`` by the assigned facilitator left "nobody available"
    though volunteers remained, and the announcement still named them."""
    await volunteers_joined(harness)
    await run(harness, "david", "rotation join")
    announcement = await announce(harness, DATES[0])
    assert facilitator_of(harness, announcement) == harness.user("alice")
    ask = await harness.slash("alice", "me delete", locale="en-US")
    assert ask.message is not None
    done = await harness.emu.click(
        harness.user("alice"), ask.message, ask.message.custom_ids()[0], locale="en-US"
    )
    await done.final()
    await harness.advance(timedelta(0))  # the offer DM is a timer due now
    assert facilitator_of(harness, announcement) == harness.user("bob")  # redrawn
    assert len(offers(harness, "bob")) == 1  # asked as usual, Accept / Can't this time
    status = await run(harness, "david", "plc status")
    assert "nobody available" not in status
    assert f"<@{harness.user('bob')}> (asked, no answer yet)" in status


async def test_leaving_with_a_date_says_it_goes_to_the_next_volunteer(harness: Harness) -> None:
    """The member who held a date is told it was passed on; one who held none is not."""
    await volunteers_joined(harness)
    announcement = await announce(harness, DATES[0])
    assert facilitator_of(harness, announcement) == harness.user("alice")
    said = await run(harness, "alice", "rotation leave", locale="en-US")
    assert "The date you held goes to the next volunteers, who are asked now." in said
    await harness.advance(timedelta(0))  # the offer DM is a timer due now
    assert facilitator_of(harness, announcement) == harness.user("bob")
    plain = await run(harness, "chloe", "rotation leave", locale="en-US")
    assert plain.startswith("You left the rotation.") and "date" not in plain


async def test_rotation_show_counts_only_meetings_that_took_place(harness: Harness) -> None:
    """A date given is not a meeting facilitated: a cancelled one never counts, a coming
    one counts once it has taken place."""
    await volunteers_joined(harness)
    await announce(harness, DATES[0], title="Held")  # Alice's
    await announce(harness, DATES[1], title="Cancelled")  # Bob's
    await announce(harness, DATES[2], title="Coming")  # Chloé's
    cancelled = await harness.slash("alice", "meeting cancel", meeting="2")
    await cancelled.final()
    await harness.advance(timedelta(days=20))  # past the first two dates, before the third

    shown = await run(harness, "david", "rotation show")
    assert f"<@{harness.user('alice')}> — facilitated 1 time" in shown
    assert f"<@{harness.user('bob')}> — facilitated 0 times" in shown
    assert f"<@{harness.user('chloe')}> — facilitated 0 times" in shown
    assert "**Coming**" in shown and "**Held**" not in shown  # upcoming dates apart


async def test_rotation_show_says_its_heading_once(harness: Harness) -> None:
    await volunteers_joined(harness)
    shown = await run(harness, "david", "rotation show")
    assert shown.lower().count("rotation of facilitators") == 1, shown


async def test_a_meeting_announced_before_anyone_volunteered_goes_to_the_first_who_joins(
    harness: Harness,
) -> None:
    await harness.setup_community(language="en")
    announcement = await announce(harness, DATES[0])
    assert facilitator_of(harness, announcement) is None
    text = await run(harness, "bob", "rotation join")
    assert "Nobody was facilitating **PLC meeting** (<t:" in text
    assert "I am asking you by DM whether you will" in text
    assert "**PLC meeting** — <t:" in text and f"<@{harness.user('bob')}> (asked" in text
    await harness.advance(timedelta(0))  # the offer DM is a timer due now
    assert len(offers(harness, "bob")) == 1
    assert facilitator_of(harness, announcement) == harness.user("bob")  # redrawn
    second = await run(harness, "david", "rotation join")
    assert "When a meeting is announced and it is your turn" in second  # nothing left
    assert offers(harness, "david") == []


async def test_a_community_that_never_joined_the_rotation_is_not_told_about_it(
    harness: Harness,
) -> None:
    """Without a moderation channel, "has no facilitator: nobody has joined the
    facilitator rotation yet" went to #announcements for every member at the first
    meeting; a community not using the rotation now hears nothing of it. Once it is in
    use, a date nobody can take is still told."""
    await harness.setup_community(language="en")
    await announce(harness, DATES[0])
    await harness.advance(timedelta(minutes=5))
    [only] = bot_messages(harness, harness.channel("announcements"))
    assert "facilitat" not in only.all_text().lower().replace("facilitator:", "")
    await run(harness, "bob", "rotation join")  # Bob takes that date: now in use
    await run(harness, "bob", "me away", until="2026-12-31")
    await announce(harness, DATES[1])
    told = [
        m
        for m in bot_messages(harness, harness.channel("announcements"))
        if "Nobody can facilitate" in m.all_text()
    ]
    assert len(told) == 1 and "away" in told[0].all_text()


async def test_a_volunteer_back_early_is_asked_for_the_date_nobody_could_take(
    harness: Harness,
) -> None:
    await harness.setup_community(language="en")
    await run(harness, "bob", "rotation join")
    await run(harness, "bob", "me away", until="2026-12-31")
    announcement = await announce(harness, DATES[0])
    assert facilitator_of(harness, announcement) is None  # the facilitators were told
    assert offers(harness, "bob") == []
    said = await run(harness, "bob", "me back")
    assert "Welcome back" in said
    await harness.advance(timedelta(0))  # the offer DM is a timer due now
    assert len(offers(harness, "bob")) == 1
    assert facilitator_of(harness, announcement) == harness.user("bob")  # redrawn


async def test_the_offer_names_the_weekday_of_its_deadline_as_of_its_meeting(
    harness: Harness,
) -> None:
    """The offer DM said "Please answer by 7 December 2026 14:35": no weekday, while the
    meeting's date had one."""
    await volunteers_joined(harness)
    await announce(harness, DATES[1])
    [offer] = offers(harness, "alice")
    text = offer.all_text()
    assert "Merci de répondre avant le <t:" in text
    answer_by = text.split("Merci de répondre avant le ")[1]
    assert answer_by.split(">")[0].endswith(":F")  # the full date, its weekday with it


async def away_volunteer_set_next(harness: Harness, away_until: str) -> str:
    """The testers' repro: Alice and Bob joined, a weekly meeting was scheduled (Bob holds
    its first date once Alice left), David joined while away until ``away_until``, and
    Alice set him next: her answer (in English)."""
    await harness.setup_community(language="en")
    for user in ("alice", "bob"):
        await run(harness, user, "rotation join")
    await schedule(harness, "alice", title="T", when="2026-11-26 15:00", repeat="weekly")
    await run(harness, "alice", "rotation leave")
    await run(harness, "david", "me away", until=away_until)
    await run(harness, "david", "rotation join")
    await harness.advance(timedelta(0))  # the offer DMs are timers due now
    return await run(
        harness, "alice", "rotation set-next", member=harness.user("david"), locale="en-US"
    )


async def test_set_next_and_skip_judge_who_is_next_on_the_next_date_to_assign(
    harness: Harness,
) -> None:
    """After ``set-next`` picked a member away today but free on the next date to assign,
    ``/rotation show`` marked as next Bob (free today, already holding the coming date),
    ``skip`` sent Bob back with nothing visible changed, and the next date went to
    David; ``set-next`` named neither the member nor the date."""
    said = await away_volunteer_set_next(harness, away_until="2026-11-24")
    david, bob = f"<@{harness.user('david')}>", f"<@{harness.user('bob')}>"
    assert f"Done: {david} takes the next date to assign, **T** (<t:" in said
    shown = await run(harness, "bob", "rotation show")
    assert "Next date to assign: **T** — <t:" in shown
    assert (
        f"1. {david} — facilitated 0 times — **next**, away until 24 November, chosen to go next"
        in shown
    )
    assert f"2. {bob} — facilitated 0 times\n" in shown  # holds the coming date: not next
    skipped = await run(harness, "alice", "rotation skip", locale="en-US")
    assert f"Skipped {david}: {bob} is now next, for **T** (<t:" in skipped
    assert f"1. {bob} — facilitated 0 times — **next**" in skipped
    assert f"2. {david} — facilitated 0 times — away until 24 November\n" in skipped
    await harness.advance_to(datetime(2026, 11, 27, tzinfo=UTC))  # the next date announced
    following = announcements(harness)[-1]
    assert facilitator_of(harness, following) == harness.user("bob")  # as shown


async def test_set_next_warns_of_an_away_member_who_keeps_their_place(harness: Harness) -> None:
    said = await away_volunteer_set_next(harness, away_until="2026-12-04")
    david, bob = f"<@{harness.user('david')}>", f"<@{harness.user('bob')}>"
    assert f"Done: {david} is first in line, but is away on the next date to assign" in said
    assert f"and {david} keeps their place for the date after" in said
    assert f"1. {bob} — facilitated 0 times — **next**" in said
    assert f"2. {david} — facilitated 0 times — away until 4 December, chosen to go" in said
    alone = await run(harness, "alice", "rotation skip", locale="en-US")
    assert f"Nothing changed: {bob} is the only volunteer free for **T** (<t:" in alone
    await harness.advance_to(datetime(2026, 11, 27, tzinfo=UTC))  # Dec 3 announced: Bob's
    assert facilitator_of(harness, announcements(harness)[-1]) == harness.user("bob")
    shown = await run(harness, "bob", "rotation show")  # Dec 10 next: David's place kept
    assert f"1. {david} — facilitated 0 times — **next**, away until 4 December, chosen" in shown
