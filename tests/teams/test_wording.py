"""Teams' own wording of the features' texts that name a Discord thing."""

from __future__ import annotations

import re

from bot.i18n import LANGUAGES, load_catalog, placeholders
from teams.wording import OWN, teams_wording

CATALOG = load_catalog()


def test_each_teams_wording_replaces_a_text_with_the_same_placeholders() -> None:
    own = [key for key in CATALOG.messages["en"] if key.startswith(OWN)]
    assert own, "no Teams wording at all"
    for key in own:
        replaced = key.removeprefix(OWN)
        assert replaced in CATALOG.messages["en"], f"{key}: no text {replaced} to replace"
        for language in LANGUAGES:
            theirs = placeholders(CATALOG.messages[language][replaced])
            assert placeholders(CATALOG.messages[language][key]) == theirs, (key, language)


def test_no_text_shown_on_teams_names_discords_permissions_or_servers() -> None:
    """What a Teams member can be shown (texts of roles and of Discord's own events aside,
    which never reach Teams: it has neither)."""
    never_on_teams = ("admin.setup.moderate_hidden", "delivery.role_lost", "meetings.event.")
    shown = teams_wording(CATALOG)
    words_of = {
        "en": r"\bDiscord\b|\bManage Server\b|\bserver\b|\bDMs?\b|direct message",
        "fr": r"\bDiscord\b|\bserveur\b|\bsalons?\b|message privé",
    }
    for language, words in words_of.items():
        for key, text in shown.messages[language].items():
            if (
                key.startswith(never_on_teams)
                or key.startswith("teams.")
                or key.startswith("admin.audit.")
            ):
                continue
            assert not re.search(words, text), f"{language} {key}: {text}"
            # A command written as Discord's client shows it, outside the code marks that
            # Teams' markup turns into the words typed to the bot.
            assert not re.search(r"(?<![`\w/])/[a-z]+ [a-z]", text), f"{language} {key}: {text}"


def test_french_channels_are_canaux_and_commands_keep_their_names() -> None:
    shown = teams_wording(CATALOG)
    assert shown.t("fr", "admin.fields.checkin_channel") == "Canal des bilans"
    assert shown.command_translation("Channel for the weekly check-ins", "texts") == (
        "Canal des bilans hebdomadaires"
    )
    assert shown.command_translation("checkin_channel", "names") == CATALOG.command_translation(
        "checkin_channel", "names"
    )
    assert CATALOG.t("fr", "admin.fields.checkin_channel") == "Salon des bilans"  # untouched
