"""Sample guilds on a chosen shard: a guild's shard is ``(guild_id >> 22) % count``, the
millisecond its id was made, so a guild is made again until it lands on the one asked."""

from __future__ import annotations

from bot.emulator import SampleGuild, build_sample_guild
from bot.emulator.gateway import shard_of
from bot.emulator.state import State


def sample_guild_on_shard(
    state: State, *, bot_user_id: int, shard: int, shard_count: int
) -> SampleGuild:
    for _ in range(64):
        # The next ids on a later millisecond than the last: another shard, soon.
        state.snowflakes.resume_after(state.snowflakes.last_ms)
        guild = build_sample_guild(state, bot_user_id=bot_user_id)
        if shard_of(guild.id, shard_count) == shard:
            return guild
        state.guilds[guild.id].members.pop(bot_user_id)  # the bot left the stray one
    raise AssertionError(f"no guild landed on shard {shard} of {shard_count}")
