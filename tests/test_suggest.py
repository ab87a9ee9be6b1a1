"""The one autocomplete helper."""

from bot.interactions.suggest import matching

CHOICES = [("codev", "Codéveloppement"), ("exchange", "Échange de pratiques"), ("plc", "PLC")]


def test_accents_and_case_do_not_matter_and_prefixes_come_first() -> None:
    assert matching(CHOICES, "echange") == [("exchange", "Échange de pratiques")]
    assert matching(CHOICES, "") == CHOICES
    assert matching(CHOICES, "c") == CHOICES  # "codev" starts with it, the others contain it
    assert matching(CHOICES, "pl")[0] == ("plc", "PLC")
    assert matching(CHOICES, "x", limit=1) == [("exchange", "Échange de pratiques")]
