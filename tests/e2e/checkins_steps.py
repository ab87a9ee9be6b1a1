"""What members and facilitators do in the check-in end-to-end tests.

START (tests/conftest.py) is Monday 2026-11-23 09:00 in Toronto; the check-ins here open
on Mondays at 09:30 for 48 hours, so the nudge comes at +36 h and the close at +48 h.
"""

from __future__ import annotations

from datetime import timedelta

from bot.db import checkins as checkins_db
from bot.emulator import InteractionResult, Message
from tests.e2e.harness import Harness

OPEN = timedelta(minutes=30)
TO_NUDGE = timedelta(hours=36)
NUDGE_TO_CLOSE = timedelta(hours=12)
WEEK = timedelta(days=7)


async def schedule(h: Harness, **options: object) -> InteractionResult:
    values: dict[str, object] = {"day": 0, "time": "09:30"}
    values.update(options)
    result = await h.slash("alice", "checkin schedule", **values)
    assert result.ephemeral
    return result


async def scheduled(
    h: Harness, *, moderation: bool = False, language: str = "en", **options: object
) -> None:
    """Set the community up and schedule its check-ins; the week is not open yet."""
    await h.setup_community(moderation=moderation, language=language)
    await schedule(h, **options)


async def open_week(
    h: Harness,
    *known_names: str,
    moderation: bool = False,
    language: str = "en",
    **options: object,
) -> None:
    """Set the community up, schedule, meet ``known_names``, and let the week open."""
    await scheduled(h, moderation=moderation, language=language, **options)
    await known(h, *known_names)
    await h.advance(OPEN)


async def known(h: Harness, *names: str) -> None:
    """Members who used a feature (the bot never copies the server's member list)."""
    for name in names:
        await h.slash(name, "me reminders", state="on")


async def set_goal(
    h: Harness,
    name: str,
    baseline: str = "40",
    target: str = "75",
    *,
    title: str = "Reading fluency",
) -> None:
    """``/goal set`` filled in and submitted by ``name``; its answer came (to them only)."""
    form = await h.slash(name, "goal set")
    assert form.modal is not None
    saved = await h.emu.submit_modal(
        h.user(name),
        form,
        {
            "title": title,
            "measure": "% of students at level 3",
            "baseline": baseline,
            "target": target,
            "due": "2027-06-15",
        },
    )
    await saved.final()
    assert saved.ephemeral


def prompts(h: Harness) -> list[Message]:
    return [
        m
        for m in h.emu.messages_in(h.channel("check-ins"))
        if m.author_id == h.emu.bot_user_id and m.embeds
    ]


def prompt(h: Harness) -> Message:
    return prompts(h)[-1]


def answer_button(message: Message) -> str:
    return next(c for c in message.custom_ids() if c.startswith("plc:checkin:answer:"))


def pulse_buttons(message: Message) -> list[str]:
    """The pulse buttons of a week's prompt, for the scores 1 to 5 in order."""
    return [c for c in message.custom_ids() if c.startswith("plc:checkin:pulse:")]


async def vote_pulse(h: Harness, posted: Message, **scores: int) -> None:
    """Each member named votes their score (1 to 5) on the pulse of ``posted``."""
    buttons = pulse_buttons(posted)
    for name, score in scores.items():
        await h.emu.click(h.user(name), posted, buttons[score - 1])


async def click_answer(h: Harness, name: str, posted: Message | None = None) -> InteractionResult:
    """``name`` clicks Answer on a week's prompt (the latest one unless ``posted`` is given)."""
    message = posted or prompt(h)
    return await h.emu.click(h.user(name), message, answer_button(message))


async def answer(
    h: Harness, name: str, progress: str = "", tried: str = "", obstacles: str = ""
) -> InteractionResult:
    """Answer the week; ``progress`` goes in the one number field (the member's only goal's,
    or the number with no goal)."""
    opened = await click_answer(h, name)
    assert opened.modal is not None, opened.content
    (number,) = [f.custom_id for f in opened.modal.fields if not f.custom_id.startswith("q")]
    submitted = await h.emu.submit_modal(
        h.user(name), opened, {number: progress, "q1": tried, "q2": obstacles}
    )
    return await submitted.final()


def thread_posts(h: Harness) -> list[Message]:
    thread_id = prompt(h).thread_id
    assert thread_id is not None
    return [m for m in h.emu.messages_in(thread_id) if m.author_id == h.emu.bot_user_id]


def digests(h: Harness) -> list[Message]:
    return [m for m in h.emu.messages_in(h.channel("moderation")) if "digest" in m.all_text()]


async def stored_answers(h: Harness) -> list[checkins_db.Answer]:
    async with h.bot.core.db.read() as conn:
        return await checkins_db.answers_of_guild(conn, h.guild.id)
