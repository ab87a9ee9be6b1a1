"""``/help`` (``/aide``): every command, one line each, in the member's language, for
them alone; it works before the community is set up, where a newcomer may begin."""

from __future__ import annotations

from bot.emulator import InteractionResult
from tests.e2e.harness import Harness

EMBED_DESCRIPTION_MAX = 4096


def panel(result: InteractionResult) -> dict[str, object]:
    assert result.ephemeral, "help is for the member who asked"
    assert result.message is not None
    [embed] = result.message.embeds
    return embed


async def test_help_lists_every_command_before_setup(harness: Harness) -> None:
    shown = panel(await harness.slash("bob", "help", locale="en-US"))
    assert shown["title"] == "Commands"
    text = str(shown["description"])
    for line in (
        "`/plc setup` — Set up the community (admins)",
        "`/meeting schedule` — Schedule a meeting (facilitators)",
        "`/ask` — Ask the community a question anonymously",
        "`/checkin me` — Your check-in streak and history (only you see it)",
        "`/session start` — Start a live session here (facilitators, or the assigned facilitator)",
        "`/help` — Every command, with what it does",
    ):
        assert line in text, line
    assert "\n\n`/meeting schedule`" in text  # each group its own block
    assert len(text) <= EMBED_DESCRIPTION_MAX and not text.endswith("…")
    assert "Type / to see them with their options" in str(shown["footer"])


async def test_help_speaks_the_members_language(harness: Harness) -> None:
    await harness.setup_community(language="en")
    shown = panel(await harness.slash("chloe", "help", locale="fr"))
    assert shown["title"] == "Commandes"
    text = str(shown["description"])
    assert "`/cap configurer` — Configurer la communauté (administration)" in text
    assert "`/aide` — Toutes les commandes, avec ce qu'elles font" in text
    assert "`/rotation choisir-suivant` — Choisir qui animera ensuite" in text
    assert len(text) <= EMBED_DESCRIPTION_MAX and not text.endswith("…")
