"""``[discord]`` of the configuration: the token, where Discord is, and the shards this
process serves.

With ``shard_count`` set, the bot connects as discord.py's ``AutoShardedClient`` and
serves only ``shard_ids`` (all of ``0..shard_count-1`` when they are not given): several
processes, each with its own share of Discord's shards. ``plc-bot run --shards
--shard-count`` override both. Unset: one process, Discord's default (no sharding).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationInfo, field_validator

#: Discord's own ceiling is far higher; this catches a typo (80000 for 8) at start-up.
MAX_SHARD_COUNT = 4096


class DiscordSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    token: SecretStr | None = None
    api_base_url: str | None = None
    gateway_url: str | None = None
    dev_guild_id: int | None = None
    cogs: list[str] | None = None
    """Deprecated: the feature modules of earlier versions (``cogs.meetings``…); read as
    ``[features] enabled`` when given, with a line in the log."""
    shard_count: int | None = Field(default=None, ge=1, le=MAX_SHARD_COUNT)
    """How many shards the whole bot is split into (every process says the same)."""
    shard_ids: list[int] | None = None
    """The shards this process serves, each in ``0..shard_count-1``, or ranges as text
    (``"0-3,6"``)."""

    @field_validator("api_base_url", "gateway_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://", "ws://", "wss://")):
            raise ValueError("must be an http(s):// or ws(s):// URL")
        return value.rstrip("/") if value else value

    @field_validator("shard_ids", mode="before")
    @classmethod
    def _ranges(cls, value: object) -> object:
        return parse_shard_ids(value) if isinstance(value, str) else value

    @field_validator("shard_ids")
    @classmethod
    def _within_count(cls, value: list[int] | None, info: ValidationInfo) -> list[int] | None:
        if value is None:
            return None
        if not value:
            raise ValueError("empty: leave it unset to serve every shard of shard_count")
        count = info.data.get("shard_count")
        if count is None:
            # Also when shard_count itself was refused: its own error says why.
            if "shard_count" in info.data:
                raise ValueError("needs shard_count: how many shards the whole bot has")
            return value
        return check_shard_ids(value, count)

    @property
    def sharded(self) -> bool:
        return self.shard_count is not None

    def served_shards(self) -> list[int]:
        """The shards this process serves (``[]`` when it is not sharded)."""
        if self.shard_count is None:
            return []
        return list(self.shard_ids or range(self.shard_count))


def parse_shard_ids(text: str) -> list[int]:
    """``"0-3,6"`` as ``[0, 1, 2, 3, 6]``; ``ValueError`` saying what is wrong."""
    found: list[int] = []
    for part in (piece.strip() for piece in text.split(",")):
        low, dash, high = part.partition("-")
        if not low.strip().isdigit() or (dash and not high.strip().isdigit()):
            raise ValueError(f"{part!r} is not a shard number or a range: write them like 0-3,6")
        first, last = int(low), int(high) if dash else int(low)
        if last < first:
            raise ValueError(f"{part!r}: a range goes up, like {last}-{first}")
        found += range(first, last + 1)
    return found


def check_shard_ids(ids: list[int], count: int) -> list[int]:
    """``ids`` sorted, each within ``0..count-1`` and given once."""
    outside = sorted({i for i in ids if not 0 <= i < count})
    if outside:
        raise ValueError(
            f"shard {_listed(outside)} outside 0-{count - 1} "
            f"(shard numbers start at 0 and stay below shard_count, {count})"
        )
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise ValueError(f"shard {_listed(repeated)} given more than once")
    return sorted(ids)


def _listed(ids: list[int]) -> str:
    return ", ".join(str(i) for i in ids)
