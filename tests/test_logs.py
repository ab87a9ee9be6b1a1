"""``[logging] format = "json"``: one object per line, context fields only (no message
content, no anonymous author's id)."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings
from bot.i18n import load_catalog
from bot.logs import configure_logging
from cogs.errors import discord_explain
from cogs.render import Renderer


@pytest.fixture
def restore_root_logging() -> Iterator[None]:
    """The root's handlers and every logger's level as they were; in between, the levels
    an earlier test set (the playground quiets "bot", "cogs"…) set back to inherit."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    loggers = [
        logger
        for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)
    ]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.NOTSET)
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for logger, was in zip(loggers, levels, strict=True):
        logger.setLevel(was)


def test_json_lines_carry_context_and_never_content_or_authors(
    restore_root_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("INFO", secrets=["s3cret-token-value"], json_lines=True)
    log = logging.getLogger("cogs.questions")
    log.info(
        "posted question %d",
        12,
        extra={
            "guild_id": 42,
            "feature": "questions",
            "content": "the anonymous question text",
            "author_id": 987654321,
        },
    )
    log.warning("token was s3cret-token-value")
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        log.exception("failed", extra={"error_ref": "a1b2c3"})
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 3
    first, second, third = (json.loads(line) for line in lines)
    assert set(first) == {"time", "level", "logger", "message", "guild_id", "feature"}
    assert first["level"] == "INFO" and first["logger"] == "cogs.questions"
    assert first["message"] == "posted question 12"
    assert (first["guild_id"], first["feature"]) == (42, "questions")
    assert first["time"].endswith("+00:00")
    assert "anonymous question text" not in lines[0] and "987654321" not in lines[0]
    assert second["message"] == "token was [redacted]"
    assert third["error_ref"] == "a1b2c3" and "RuntimeError: boom" in third["exception"]


def test_text_is_the_default_format(
    restore_root_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert load_settings(None).logging.format == "text"
    configure_logging("INFO")
    logging.getLogger("bot.x").info("hello", extra={"guild_id": 1})
    line = capsys.readouterr().err.strip()
    assert line.endswith("INFO    bot.x: hello")


def test_bad_logging_and_ops_values_name_the_key(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('[logging]\nformat = "xml"\n[ops]\nhealth_port = 70000\n')
    with pytest.raises(ConfigError) as error:
        load_settings(config)
    assert "[logging] format" in str(error.value)
    assert "[ops] health_port" in str(error.value)


def test_an_unexpected_error_is_logged_with_guild_feature_and_reference(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.ERROR, logger="cogs.errors"):
        catalog = load_catalog()
        shown, ref = discord_explain(
            catalog, RuntimeError("boom"), {"guild_id": 7, "feature": "meetings"}
        )
        text = Renderer(catalog, "en").text(shown)
    (record,) = caplog.records
    assert ref is not None and record.__dict__["error_ref"] == ref
    assert ref in text
    assert (record.__dict__["guild_id"], record.__dict__["feature"]) == (7, "meetings")
