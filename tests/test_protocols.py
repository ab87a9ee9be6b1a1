"""Session protocols: the built-in ones are complete in both languages; custom files
are validated, an invalid one is refused by file name and key, the others load."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.errors import UserError
from bot.i18n import load_catalog
from bot.protocols import (
    BUILTIN_IDS,
    ProtocolCatalog,
    load_builtin,
    load_protocols,
    parse_protocol,
)
from tests.protocol_samples import INVALID, VALID


def test_the_four_builtin_protocols_load_in_french_and_english() -> None:
    protocols = {p.id: p for p in load_builtin()}
    assert tuple(protocols) == BUILTIN_IDS == ("plc", "codev", "exchange", "checkin-round")
    for protocol in protocols.values():
        assert protocol.name.fr and protocol.name.en and protocol.overview.fr
        for step in protocol.steps:
            assert step.title.fr != "" and step.title.en != ""
            assert step.prompt.fr != step.prompt.en


def test_plc_meeting_asks_dufours_four_questions() -> None:
    plc = next(p for p in load_builtin() if p.id == "plc")
    titles = [s.title.en for s in plc.steps]
    assert titles[0] == "Review of actions" and titles[1] == "The data"
    assert titles[-1] == "Action plan"
    prompts = " ".join(s.prompt.fr for s in plc.steps)
    for question in (
        "qu'est-ce que nous voulons que chaque élève apprenne",
        "comment saurons-nous que chaque élève l'a appris",
        "comment réagirons-nous lorsque certains élèves n'apprennent pas",
        "comment enrichirons-nous l'apprentissage",
    ):
        assert question in prompts


def test_codev_has_payette_and_champagnes_six_steps_around_a_client() -> None:
    codev = next(p for p in load_builtin() if p.id == "codev")
    assert codev.client is True
    assert [s.title.fr for s in codev.steps] == [
        "Exposé de la situation",
        "Questions de clarification",
        "Contrat",
        "Consultation",
        "Synthèse et plan d'action",
        "Apprentissages",
    ]
    assert [(s.mode, s.audience) for s in codev.steps] == [
        ("discussion", "client"),
        ("round", "consultants"),
        ("discussion", "client"),
        ("round", "consultants"),
        ("discussion", "client"),
        ("round", "everyone"),
    ]
    assert "sans conseils" in codev.steps[1].prompt.fr.replace("Pas de conseils", "sans conseils")


def test_exchange_and_checkin_round() -> None:
    protocols = {p.id: p for p in load_builtin()}
    exchange = protocols["exchange"]
    assert [s.mode for s in exchange.steps] == [
        "round",
        "discussion",
        "round",
        "round",
        "discussion",
    ]
    assert "confidentiel" in exchange.overview.fr
    [round_step] = protocols["checkin-round"].steps
    assert round_step.mode == "round" and len(round_step.questions) >= 10
    assert len({q.fr for q in round_step.questions}) == len(round_step.questions)


def test_a_valid_custom_protocol_loads_beside_the_builtin_ones(tmp_path: Path) -> None:
    (tmp_path / "retro.toml").write_text(VALID, encoding="utf-8")
    catalog = load_protocols(tmp_path)
    assert catalog.problems == []
    retro = catalog.get("retro")
    assert retro is not None and retro.total_minutes == 15
    assert "retro" in catalog.custom_ids
    assert catalog.require("rétro", "fr").id == "retro"  # a part of its name, alone
    assert [value for value, _ in catalog.suggest("", "en")][:4] == sorted(
        BUILTIN_IDS,
        key=lambda i: catalog.get(i).name.en.casefold(),  # type: ignore[union-attr]
    )


def test_an_invalid_file_is_refused_by_name_and_key_and_the_others_load(tmp_path: Path) -> None:
    (tmp_path / "retro.toml").write_text(VALID, encoding="utf-8")
    (tmp_path / "broken.toml").write_text(INVALID, encoding="utf-8")
    (tmp_path / "notoml.toml").write_text("id = [", encoding="utf-8")
    (tmp_path / "clash.toml").write_text(VALID.replace('"retro"', '"codev"'), encoding="utf-8")
    catalog = load_protocols(tmp_path)
    assert catalog.get("retro") is not None and catalog.get("broken") is None
    described = [p.describe(load_catalog()) for p in catalog.problems]
    assert (
        'broken.toml: steps[2].prompt.en: the English text is missing: write prompt = { fr = "…",'
        ' en = "…" }' in described
    )
    assert 'broken.toml: steps[2].mode: must be "discussion"' in "\n".join(described)
    assert any(d.startswith("notoml.toml: (file): not valid TOML") for d in described)
    assert any(
        d.startswith("clash.toml: id: “codev” is already the id of another protocol")
        for d in described
    )


@pytest.mark.parametrize(
    ("change", "key", "message"),
    [
        (("minutes = 5", "minutes = 0"), "steps[1].minutes", "must be at least 1 minute"),
        (('id = "retro"', 'id = "Bad Id"'), "id", "“Bad Id” cannot be an id: use 2 to 32"),
        (
            ('mode = "round"', 'mode = "round"\naudience = "client"'),
            "steps[1].audience",
            'audience = "client" needs client = true',
        ),
        (('id = "retro"', 'id = "retro"\ncolour = "blue"'), "colour", "unknown key: remove it"),
    ],
)
def test_each_problem_names_its_key(change: tuple[str, str], key: str, message: str) -> None:
    text = VALID.replace(*change, 1)
    problems = parse_protocol(text, "custom.toml")
    assert isinstance(problems, list), "the file should be refused"
    shown = [(p.key, p.describe(load_catalog())) for p in problems]
    assert any(k == key and message in d for k, d in shown), shown


def test_check_config_reports_an_invalid_protocol_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "protocols"
    folder.mkdir()
    (folder / "broken.toml").write_text(INVALID, encoding="utf-8")
    (folder / "retro.toml").write_text(VALID, encoding="utf-8")
    path = tmp_path / "config.toml"
    path.write_text(
        f'[discord]\ntoken = "t"\n[privacy]\nsecret = "{"s" * 40}"\n'
        f'[facilitation]\nprotocols_dir = "{folder}"\n'
    )
    assert main(["--config", str(path), "check-config"]) == 1
    err = capsys.readouterr().err
    assert "broken.toml: steps[2].prompt.en: the English text is missing" in err
    assert "retro.toml" not in err
    (folder / "broken.toml").unlink()
    assert main(["--config", str(path), "check-config"]) == 0


JARGON = ("Tuple should", "Input should", "Field required", "instance of", "after validation")


@pytest.mark.parametrize(
    ("steps", "expected"),
    [
        ("steps = []", "steps: no step: add at least one [[steps]] block"),
        (
            '[steps]\ntitle = "One"',
            "steps: write each step as its own [[steps]] block, with two square brackets",
        ),
    ],
    ids=["no step", "one bracket"],
)
def test_a_refusal_says_what_to_write_instead_without_library_jargon(
    steps: str, expected: str
) -> None:
    head = (
        'id = "retro"\nname = { fr = "Rétro", en = "Retro" }\noverview = { fr = "x", en = "x" }\n'
    )
    problems = parse_protocol(head + steps + "\n", "retro.toml")
    assert isinstance(problems, list)
    described = [p.describe(load_catalog()) for p in problems]
    assert described == [f"retro.toml: {expected} (see `plc-bot protocol-example`)"]


def test_a_mistake_made_in_every_step_is_said_once() -> None:
    """Plain-text titles and no mode, in three steps: two problems, not six."""
    text = (
        'id = "retro"\nname = { fr = "Rétro", en = "Retro" }\noverview = { fr = "x", en = "x" }\n'
    )
    text += '[[steps]]\ntitle = "One"\nprompt = { fr = "a", en = "a" }\nminutes = 5\n' * 3
    problems = parse_protocol(text, "retro.toml")
    assert isinstance(problems, list)
    described = [p.describe(load_catalog()) for p in problems]
    assert described == [
        'retro.toml: steps[1-3].title: write it in French and English: title = { fr = "…",'
        ' en = "…" }',
        'retro.toml: steps[1-3].mode: missing: add mode = "round"',
    ]
    assert not any(word in d for word in JARGON for d in described)
    french = [p.describe(load_catalog(), "fr") for p in problems]
    assert french[1] == 'retro.toml : steps[1-3].mode : manquant : ajoutez mode = "round"'


def test_the_shipped_example_is_a_valid_protocol_and_is_printed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["protocol-example"]) == 0
    printed = capsys.readouterr().out
    parsed = parse_protocol(printed, "team-retro.toml")
    assert not isinstance(parsed, list), parsed
    assert parsed.id == "team-retro" and len(parsed.steps) == 3
    for key in ("id", "name", "overview", "client", "title", "prompt", "minutes", "mode"):
        assert f"{key} = " in printed, key  # every key is shown, with a comment
    assert "audience" in printed and "questions" in printed


def test_the_readme_example_is_a_valid_protocol() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    start = readme.index('```toml\nid = "team-retro"') + len("```toml\n")
    parsed = parse_protocol(readme[start : readme.index("```", start)], "team-retro.toml")
    assert not isinstance(parsed, list), parsed


def test_a_protocol_typed_in_part_is_taken_when_it_names_one_and_the_refusal_lists_names() -> None:
    catalog = ProtocolCatalog(load_builtin())
    assert catalog.require("echange", "fr").id == "exchange"  # "Échange de pratiques"
    assert catalog.require("Codéveloppement").id == "codev"
    with pytest.raises(UserError) as caught:
        catalog.require("e", "fr")  # in every name: names none
    assert caught.value.key == "facilitation.session.unknown_protocol"
    choices = str(caught.value.params["choices"])
    assert "Échange de pratiques (exchange)" in choices
    assert "Rencontre de CAP (plc)" in choices
    with pytest.raises(UserError) as caught:
        catalog.require("debate", "en")
    assert "Practice exchange (exchange)" in str(caught.value.params["choices"])
