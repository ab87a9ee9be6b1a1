"""The features' texts as Teams members read them: where a text names a Discord thing.

The catalogs are written for Discord (a server, its **Manage Server** permission, a
facilitator role, direct messages, French *salons*). On Teams the same texts are shown
with Teams' words: a message with its own Teams wording (``[wording]`` in
``teams.<lang>.toml``, under the feature's key: ``wording.errors.not_set_up`` replaces
``errors.not_set_up``, with the same placeholders) is shown in that wording; in French,
every other text says *canal* where it said *salon* (both masculine, so the sentence
around it stays right). Members' words and command names are never touched.
"""

from __future__ import annotations

import re

from bot.i18n import Catalog

OWN = "teams.wording."
_FRENCH = (
    (re.compile(r"\bsalons\b"), "canaux"),
    (re.compile(r"\bSalons\b"), "Canaux"),
    (re.compile(r"\bsalon\b"), "canal"),
    (re.compile(r"\bSalon\b"), "Canal"),
)


def _teams_words(language: str, text: str) -> str:
    if language != "fr":
        return text
    for word, replacement in _FRENCH:
        text = word.sub(replacement, text)
    return text


def teams_wording(base: Catalog) -> Catalog:
    """``base`` as Teams shows it (a new catalog; ``base`` is left as it is)."""
    messages = {
        language: {
            key: table.get(OWN + key) or _teams_words(language, text) for key, text in table.items()
        }
        for language, table in base.messages.items()
    }
    texts = {
        english: _teams_words("fr", french)
        for english, french in base.commands.get("texts", {}).items()
    }
    commands = {**base.commands, "texts": texts}
    return Catalog(messages, commands)
