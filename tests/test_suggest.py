"""The one autocomplete helper."""

from bot.interactions.suggest import chosen, matching

CHOICES = [("codev", "Codéveloppement"), ("exchange", "Échange de pratiques"), ("plc", "PLC")]


def test_accents_and_case_do_not_matter_and_prefixes_come_first() -> None:
    assert matching(CHOICES, "echange") == [("exchange", "Échange de pratiques")]
    assert matching(CHOICES, "") == CHOICES
    assert matching(CHOICES, "c") == CHOICES  # "codev" starts with it, the others contain it
    assert matching(CHOICES, "pl")[0] == ("plc", "PLC")
    assert matching(CHOICES, "x", limit=1) == [("exchange", "Échange de pratiques")]


def test_a_choice_is_named_in_full_or_by_the_start_of_one_label() -> None:
    choices = [
        ("weekly", ("weekly", "hebdomadaire"), ("Every week", "Chaque semaine")),
        ("monthly", ("monthly", "mensuelle"), ("Every month", "Chaque mois")),
    ]
    assert chosen("Hebdomadaire", choices) == ["weekly"]  # a name, case aside
    assert chosen("chaque MOIS", choices) == ["monthly"]  # a label in full
    assert chosen("every w", choices) == ["weekly"]  # the start of one label
    assert chosen("chaque", choices) == ["weekly", "monthly"]  # several: say which
    assert chosen("yearly", choices) == [] and chosen(" ", choices) == []
