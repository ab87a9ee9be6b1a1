"""Session protocols: the built-in ones are complete in both languages; custom files
are validated, an invalid one is refused by file name and key, the others load."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.protocols import BUILTIN_IDS, load_builtin, load_protocols, parse_protocol
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
    assert [p.id for p in catalog.search("rétro", "fr")] == ["retro"]
    assert [p.id for p in catalog.search("", "en")][:4] == sorted(
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
    described = [p.describe() for p in catalog.problems]
    assert "broken.toml: steps[2].prompt.en: Field required" in described
    assert any(d.startswith("broken.toml: steps[2].mode: Input should be") for d in described)
    assert any(d.startswith("notoml.toml: (file): not valid TOML") for d in described)
    assert "clash.toml: id: 'codev' is already used by another protocol" in described


@pytest.mark.parametrize(
    ("change", "key", "message"),
    [
        (("minutes = 5", "minutes = 0"), "steps[1].minutes", "greater"),
        (('id = "retro"', 'id = "Bad Id"'), "id", "pattern"),
        (
            ('mode = "round"', 'mode = "round"\naudience = "client"'),
            "steps[1].audience",
            "needs client = true",
        ),
        (('id = "retro"', 'id = "retro"\ncolour = "blue"'), "colour", "unknown key"),
    ],
)
def test_each_problem_names_its_key(change: tuple[str, str], key: str, message: str) -> None:
    text = VALID.replace(*change, 1)
    problems = parse_protocol(text, "custom.toml")
    assert isinstance(problems, list), "the file should be refused"
    assert any(p.key == key and message in p.message for p in problems), problems


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
    assert "broken.toml: steps[2].prompt.en: Field required" in err
    assert "retro.toml" not in err
    (folder / "broken.toml").unlink()
    assert main(["--config", str(path), "check-config"]) == 0
