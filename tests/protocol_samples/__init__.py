"""Custom protocol files the tests share: ``retro.toml`` (valid, two steps) and
``broken.toml`` (refused: step 1's minutes, step 2's mode and English prompt)."""

from __future__ import annotations

from pathlib import Path

FOLDER = Path(__file__).parent
VALID = (FOLDER / "retro.toml").read_text(encoding="utf-8")
INVALID = (FOLDER / "broken.toml").read_text(encoding="utf-8")
