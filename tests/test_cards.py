"""Every card the bot can send, built through the recording platform behind the core's
delivery policy, holds no platform markup: each platform writes its own references.

The samples come from each feature's own layout test (every variant of every card);
this test checks that together they cover every ``Card`` type of ``bot/``, and that
each goes through ``Chat.send`` and renders in both languages with a markup that names
references plainly (``[member 3]``), so any ``<@…>``, ``<#…>`` or ``<t:…>`` found came
from somewhere else.
"""

from __future__ import annotations

import pytest

from bot.chat import Card, Channel, Notice, Trusted, render
from bot.i18n import Language, load_catalog
from bot.services.base import Core
from bot.services.community.welcome import Welcome
from bot.services.outbox import card_types
from tests.i18n import (
    test_checkins_layouts,
    test_facilitation_keys,
    test_meetings_keys,
    test_questions_keys,
)
from tests.markup import PlainMarkup
from tests.recording_chat import RecordingChat

MARKUP = ("<@", "<#", "<t:")


class Checking(PlainMarkup):
    """Members' words stand as a tag too: the samples put markup in them on purpose
    (the platform shows them inert), and this test looks for markup from elsewhere."""

    def user_text(self, text: str) -> str:
        return "[a member's words]"


GUILD, CHANNEL = 1000, 501


def samples(language: Language) -> list[Card]:
    return [
        *test_checkins_layouts._cards(language),
        *test_facilitation_keys._cards(language),
        *test_meetings_keys._cards(language),
        *test_questions_keys.cards(language),
        Notice(language=language, key="errors.unexpected", params={"ref": Trusted(text="ab12")}),
        Welcome(language=language),
    ]


def test_the_samples_cover_every_card_type_of_the_bot() -> None:
    ours = {name for name, kind in card_types().items() if kind.__module__.startswith("bot.")}
    assert ours - {type(card).__name__ for card in samples("en")} == set()


@pytest.mark.parametrize("language", ["en", "fr"])
async def test_every_card_goes_through_the_chat_and_holds_no_platform_markup(
    core: Core, chat: RecordingChat, language: Language
) -> None:
    catalog = load_catalog()
    for card in samples(language):
        await core.chat.send(Channel(GUILD, CHANNEL), card)
    assert [sent.card for sent in chat.sent] == samples(language)
    for sent in chat.sent:
        for content in sent.card.layout().contents():
            shown = render(content, language, catalog, Checking())
            assert not any(mark in shown for mark in MARKUP), (type(sent.card).__name__, shown)
