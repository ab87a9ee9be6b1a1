"""Both languages say the same things: every string in French and in English."""

from __future__ import annotations

import re
import tomllib

import pytest

from bot.i18n import LOCALES_DIR, language_for_locale, load_catalog, placeholders

NAME = re.compile(r"^[-_\w]{1,32}$")


def test_same_keys_in_both_languages() -> None:
    catalog = load_catalog()
    en, fr = catalog.messages["en"], catalog.messages["fr"]
    assert sorted(set(en) - set(fr)) == []
    assert sorted(set(fr) - set(en)) == []


def test_same_placeholders_in_both_languages() -> None:
    catalog = load_catalog()
    mismatched = {
        key: (placeholders(text), placeholders(catalog.messages["fr"][key]))
        for key, text in catalog.messages["en"].items()
        if placeholders(text) != placeholders(catalog.messages["fr"][key])
    }
    assert mismatched == {}


def test_every_feature_has_both_files() -> None:
    stems = {p.name.rsplit(".", 2)[0] for p in LOCALES_DIR.glob("*.toml")}
    for stem in stems:
        assert (LOCALES_DIR / f"{stem}.en.toml").exists(), stem
        assert (LOCALES_DIR / f"{stem}.fr.toml").exists(), stem


def test_french_never_uses_tu() -> None:
    tu = re.compile(r"\b(tu|toi|ton|ta|tes)\b", re.IGNORECASE)
    offenders = [key for key, text in load_catalog().messages["fr"].items() if tu.search(text)]
    assert offenders == []


def test_french_command_names_are_valid_discord_names() -> None:
    for file in LOCALES_DIR.glob("*.fr.toml"):
        data = tomllib.loads(file.read_text(encoding="utf-8"))
        for english, french in data.get("_commands", {}).get("names", {}).items():
            if english[:1].isupper():  # a context-menu command: any case, spaces, ≤ 32
                assert 1 <= len(french) <= 32, (file.name, english, french)
                continue
            assert NAME.match(french) and french == french.lower(), (file.name, english, french)


def test_command_texts_fit_discord_limits() -> None:
    for file in LOCALES_DIR.glob("*.fr.toml"):
        data = tomllib.loads(file.read_text(encoding="utf-8"))
        for english, french in data.get("_commands", {}).get("texts", {}).items():
            assert 1 <= len(french) <= 100, (file.name, english)


def test_formatting_with_missing_key_is_loud() -> None:
    with pytest.raises(KeyError):
        load_catalog().t("en", "no.such.key")


@pytest.mark.parametrize(
    ("locale", "expected"),
    [("fr", "fr"), ("en-US", "en"), ("en-GB", "en"), ("de", "en"), (None, "en")],
)
def test_language_follows_the_discord_locale(locale: str | None, expected: str) -> None:
    assert language_for_locale(locale) == expected


def test_catalog_files_are_all_loadable() -> None:
    for file in LOCALES_DIR.glob("*.toml"):
        tomllib.loads(file.read_text(encoding="utf-8"))
