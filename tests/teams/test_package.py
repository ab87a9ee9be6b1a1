"""``plc-bot teams-package``: the zip a Teams admin uploads, checked against the published
manifest schema, with its icons and its command lists in English and French."""

from __future__ import annotations

import json
import struct
import zipfile
import zlib
from pathlib import Path

import pytest

from bot.cli import main
from bot.emulator.teams.validation import manifest_errors
from bot.i18n import load_catalog

APP_ID = "11111111-2222-3333-4444-555555555555"


def _config(tmp_path: Path, teams: str) -> Path:
    config = tmp_path / "config.toml"
    config.write_text(
        f'[database]\npath = "{tmp_path / "bot.sqlite3"}"\n'
        f'[privacy]\nsecret = "{"s" * 32}"\n[teams]\n{teams}\n'
    )
    return config


def _made(tmp_path: Path, *options: str, teams: str | None = None) -> zipfile.ZipFile:
    teams = teams or f'app_id = "{APP_ID}"\ntenant_id = "t"\npublic_url = "https://plc.example.org"'
    output = tmp_path / "app.zip"
    code = main(["--config", str(_config(tmp_path, teams)), "teams-package", "--output",
                 str(output), *options])  # fmt: skip
    assert code == 0
    return zipfile.ZipFile(output)


def _png(data: bytes) -> tuple[int, int, list[int]]:
    """Width, height and the alpha of every pixel of an 8-bit RGBA PNG."""
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    width, height, depth, kind = struct.unpack(">IIBB", data[16:26])
    assert (depth, kind) == (8, 6)
    chunks, at = b"", 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        if data[at + 4 : at + 8] == b"IDAT":
            chunks += data[at + 8 : at + 8 + length]
        at += 12 + length
    rows = zlib.decompress(chunks)
    stride = 1 + 4 * width
    alphas = [rows[y * stride + 1 + 4 * x + 3] for y in range(height) for x in range(width)]
    return width, height, alphas


def test_the_package_holds_a_valid_manifest_and_the_two_icons(tmp_path: Path) -> None:
    made = _made(tmp_path)
    assert sorted(made.namelist()) == ["color.png", "fr.json", "manifest.json", "outline.png"]
    manifest = json.loads(made.read("manifest.json"))
    assert manifest_errors(manifest) == []
    assert manifest["manifestVersion"] == "1.22" and manifest["id"] == APP_ID
    [bot] = manifest["bots"]
    assert bot["botId"] == APP_ID
    assert sorted(bot["scopes"]) == ["groupChat", "personal", "team"]
    assert manifest["validDomains"] == ["plc.example.org"]
    assert manifest["developer"]["privacyUrl"] == "https://plc.example.org"

    width, height, alphas = _png(made.read("color.png"))
    assert (width, height) == (192, 192) and set(alphas) == {255}  # full colour
    width, height, alphas = _png(made.read("outline.png"))
    assert (width, height) == (32, 32)
    assert 0 in alphas and 255 in alphas  # a white mark on transparency


def test_the_command_lists_are_the_declared_commands_in_english_and_french(
    tmp_path: Path,
) -> None:
    made = _made(tmp_path)
    manifest = json.loads(made.read("manifest.json"))
    french = json.loads(made.read("fr.json"))
    team, chats = manifest["bots"][0]["commandLists"]
    assert team["scopes"] == ["team"] and chats["scopes"] == ["personal", "groupChat"]
    titles = [command["title"] for command in team["commands"]]
    assert titles[:4] == ["help", "plc setup", "plc status", "meeting schedule"]
    assert len(titles) == 10 and len(chats["commands"]) == 10  # Teams' most per list
    assert team["commands"][3]["description"] == "Schedule a meeting (facilitators)"
    assert "ask" in [command["title"] for command in chats["commands"]]

    catalog = load_catalog()
    assert french["name.full"] == catalog.t("fr", "teams.package.name_full")
    assert french["bots[0].commandLists[0].commands[0].title"] == "aide"
    assert french["bots[0].commandLists[0].commands[1].title"] == "cap configurer"
    assert french["bots[0].commandLists[0].commands[3].title"] == "rencontre planifier"
    for n, command_list in enumerate((team, chats)):
        for i in range(len(command_list["commands"])):
            assert f"bots[0].commandLists[{n}].commands[{i}].description" in french
    assert "Salon" not in json.dumps(french, ensure_ascii=False)  # Teams' words


def test_commands_of_a_feature_left_out_are_not_listed(tmp_path: Path) -> None:
    (tmp_path / "config.toml").unlink(missing_ok=True)
    made = _made(
        tmp_path,
        teams=f'app_id = "{APP_ID}"\ntenant_id = "t"\npublic_url = "https://plc.example.org"\n'
        '[features]\nenabled = ["questions"]',
    )
    manifest = json.loads(made.read("manifest.json"))
    titles = [c["title"] for lst in manifest["bots"][0]["commandLists"] for c in lst["commands"]]
    assert "ask" in titles and "meeting schedule" not in titles
    assert manifest_errors(manifest) == []


@pytest.mark.parametrize(
    ("teams", "options", "said"),
    [
        ('tenant_id = "t"', (), "[teams] app_id: missing"),
        ('app_id = "my-bot"', (), "'my-bot' is not a GUID"),
        (f'app_id = "{APP_ID}"', (), "give the app's support page with --website https://"),
        (f'app_id = "{APP_ID}"', ("--website", "http://x.org"), "needs an https:// address"),
    ],
)
def test_what_teams_would_refuse_is_refused_with_a_sentence(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    teams: str,
    options: tuple[str, ...],
    said: str,
) -> None:
    output = tmp_path / "app.zip"
    config = _config(tmp_path, teams)
    code = main(["--config", str(config), "teams-package", "--output", str(output), *options])
    assert code == 2
    assert said in capsys.readouterr().err
    assert not output.exists()


def test_the_same_settings_make_the_same_package(tmp_path: Path) -> None:
    """An admin can tell whether a new package differs from the one uploaded."""
    first = (tmp_path / "app.zip", _made(tmp_path))[0].read_bytes()
    second = (tmp_path / "app.zip", _made(tmp_path))[0].read_bytes()
    assert first == second
