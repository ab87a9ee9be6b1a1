"""What members read: numbers, titles and dates written the way their language writes them."""

from __future__ import annotations

import re

from bot.emulator import InteractionResult
from tests.e2e import checkins_steps as checkins
from tests.e2e.facilitation import run
from tests.e2e.harness import Harness

OPTIONAL = re.compile(r"optional|facult", re.IGNORECASE)
# A Discord id written out: 17 to 20 digits that are not inside a <@…>, <#…> or <@&…>.
RAW_ID = re.compile(r"(?<![@#&\d])\d{17,20}(?!\d)")


async def test_goal_numbers_use_the_members_decimal_sign(harness: Harness) -> None:
    h = harness
    await h.setup_community()
    form = await h.slash("alice", "goal set")  # alice's Discord is in French
    saved = await h.emu.submit_modal(
        h.user("alice"),
        form,
        {
            "title": "Lecture",
            "measure": "mots par minute",
            "baseline": "3,5",
            "target": "1 207,25",
            "due": "2027-06-15",
        },
    )
    assert "de 3,5 à 1\u202f207,25" in (saved.content or ""), saved.content
    await checkins.set_goal(h, "bob", baseline="3.5", target="1207.25")
    listed = await h.slash("bob", "goal list")
    assert listed.message is not None
    assert "target 1,207.25" in listed.message.all_text()
    french = await h.slash("alice", "goal list")
    assert french.message is not None
    assert "cible 1\u202f207,25" in french.message.all_text()


async def test_a_field_named_in_an_error_reads_as_part_of_the_sentence(harness: Harness) -> None:
    h = harness
    await h.setup_community()
    values = {"title": "Goal", "measure": "count", "target": "5", "due": "2027-01-01"}
    for user, said in (
        ("bob", "For the baseline, “forty” is not a number."),
        ("alice", "Pour le point de départ, « forty » n'est pas un nombre."),
    ):
        form = await h.slash(user, "goal set")
        refused = await h.emu.submit_modal(h.user(user), form, {**values, "baseline": "forty"})
        assert said in (refused.content or ""), refused.content


def _optional_labels(form: InteractionResult) -> list[str]:
    """Labels of the form's optional fields that say so themselves."""
    assert form.modal is not None
    return [
        f.label or ""
        for f in form.modal.fields
        if not f.required and OPTIONAL.search(f.label or "")
    ]


async def test_an_optional_field_is_not_labelled_optional_twice(harness: Harness) -> None:
    """The form marks optional fields itself (Discord by leaving out the asterisk of a
    required field, the playground by adding "(optional)"): labels do not say it again."""
    h = harness
    await checkins.open_week(h, "bob")
    await checkins.set_goal(h, "alice")
    for user in ("bob", "alice"):
        forms = [
            await h.slash(user, "ask"),
            await h.slash(user, "topic propose"),
            await checkins.click_answer(h, user),
        ]
        assert [_optional_labels(form) for form in forms] == [[], [], []]


async def test_the_audit_log_names_members_channels_and_roles(harness: Harness) -> None:
    h = harness
    await h.setup_community(moderation=True)
    await h.slash("admin", "plc setup", timezone="Europe/Paris", language="fr")
    for user in ("alice", "bob", "chloe"):
        await run(h, user, "rotation join")
    await run(h, "alice", "rotation set-next", member=h.user("chloe"))
    await run(h, "alice", "rotation skip")
    log = await h.slash("alice", "plc audit", locale="en-US")
    text = log.embeds[0]["description"]
    assert RAW_ID.findall(text) == [], text
    assert f"next: <@{h.user('chloe')}>" in text
    assert f"skipped: <@{h.user('chloe')}>" in text
    assert f"<#{h.channel('moderation')}>" in text
    assert f"<@&{h.guild.roles['facilitator']}>" in text
    assert "language: French" in text and "time zone: Europe/Paris" in text
    assert "· 4 entries ·" in log.embeds[0]["footer"]["text"]


TRICKY_TITLE = "@everyone **Read** [more](https://x.test)"
INERT_TITLE = "@everyone \\*\\*Read\\*\\* \\[more\\]\\(https://x.test\\)"


async def test_goal_titles_are_shown_inert_and_ping_nobody(harness: Harness) -> None:
    h = harness
    await h.setup_community(moderation=True)
    await checkins.known(h, "bob")
    form = await h.slash("bob", "goal set")
    values = {"measure": "pages", "baseline": "1", "target": "5", "due": "2027-06-15"}
    saved = await h.emu.submit_modal(h.user("bob"), form, {**values, "title": TRICKY_TITLE})
    await checkins.schedule(h)
    await h.advance(checkins.OPEN)
    await checkins.answer(h, "bob", progress="2")
    await h.advance(checkins.WEEK)
    (choice,) = (
        await h.emu.autocomplete(h.guild.id, h.user("bob"), "goal close", focused="goal", value="")
    ).choices or []
    listed = await h.slash("bob", "goal list")
    closed = await h.slash("bob", "goal close", goal=choice["value"])
    again = await h.slash("bob", "goal close", goal=choice["value"])
    assert listed.message is not None and saved.message is not None
    digest = checkins.digests(h)[0]
    shown = {
        "saved": saved.content or "",
        "listed": listed.message.all_text(),
        "digest": digest.all_text(),
        "closed": closed.content or "",
        "already closed": again.content or "",
    }
    assert {where: INERT_TITLE in text for where, text in shown.items()} == dict.fromkeys(
        shown, True
    )
    for message in (saved.message, listed.message, digest, closed.message, again.message):
        assert message is not None and not message.mention_everyone


async def test_what_a_member_typed_is_echoed_inert_in_an_error(harness: Harness) -> None:
    h = harness
    await h.setup_community()
    form = await h.slash("bob", "goal set")
    values = {"title": "Goal", "measure": "pages", "target": "5", "due": "2027-06-15"}
    refused = await h.emu.submit_modal(h.user("bob"), form, {**values, "baseline": "**many**"})
    assert "“\\*\\*many\\*\\*” is not a number" in (refused.content or ""), refused.content


async def test_dates_after_until_are_absolute_in_both_languages(harness: Harness) -> None:
    h = harness
    await h.setup_community()
    english = await run(h, "bob", "me away", until="2026-12-05")
    french = await run(h, "alice", "me away", until="2026-12-05")
    assert "away until **5 December 2026** (included)" in english
    assert "absent·e jusqu'au **5 décembre 2026** (inclus)" in french

    await checkins.schedule(h)
    await h.advance(checkins.OPEN)
    saved = await checkins.answer(h, "david", tried="Exit tickets")
    assert re.search(r"to edit it until <t:\d+:f>\.", saved.content or ""), saved.content


async def shows_tenths(h: Harness) -> None:
    """Until the SQLite file's size in KB shows its tenths: they round to 0 for one size
    in ten (the schema alone made one). A member's choice written moves it by a page."""
    if h.database is not None:
        return
    for language in ("fr", "en") * 5:
        if round(h.bot.core.db.size_on_disk() / 1024, 1) % 1:
            return
        await h.slash("chloe", "me language", language=language, locale="en-US")
    raise AssertionError("the database's size kept a whole number of KB")


async def test_the_database_size_is_written_the_readers_way(harness: Harness) -> None:
    h = harness
    await h.setup_community()
    await shows_tenths(h)
    english = await h.slash("bob", "plc status")
    french = await h.slash("alice", "plc status")
    english_text = " ".join(field["value"] for field in english.embeds[0]["fields"])
    french_text = " ".join(field["value"] for field in french.embeds[0]["fields"])
    # Numbers drop a trailing ".0": PostgreSQL's size, whole 8 KB pages, can be a whole
    # number of MB; the SQLite file with its WAL hardly ever is one.
    tenths = r"\.\d" if h.database is None else r"(\.\d)?"
    assert re.search(rf"Database \d+{tenths} (KB|MB)", english_text), english_text
    comma = tenths.replace(r"\.", ",")
    assert re.search(rf"Base de données \d+{comma} (Ko|Mo)", french_text), french_text
