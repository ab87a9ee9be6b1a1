"""Guilds in the emulator for the benchmark: the measured one, and many small ones.

Built with the emulator's state helpers before the bot connects, so they arrive in
its GUILD_CREATEs. Each has 30 members (the sample guild's six plus 24 more).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.emulator import ChannelType, Permission, SampleGuild, State, build_sample_guild
from bot.emulator.sample import BOT_PERMISSIONS, FACILITATOR_PERMISSIONS

from .fixtures import MEMBERS, CommunitySpec


@dataclass(frozen=True)
class Measured:
    """The sample guild (where commands are run) grown to 30 members."""

    guild: SampleGuild
    spec: CommunitySpec
    extra_members: tuple[int, ...]


def measured_guild(state: State, bot_user_id: int) -> Measured:
    guild = build_sample_guild(state, bot_user_id=bot_user_id)
    people = [guild.users[name] for name in ("owner", "admin", "alice", "bob", "chloe", "david")]
    extra = []
    for n in range(MEMBERS - len(people)):
        user = state.add_user(f"member{n:02d}.plc", global_name=f"Member {n:02d}")
        state.add_member(guild.id, user.id, roles=[guild.roles["member"]])
        extra.append(user.id)
    spec = CommunitySpec(
        guild_id=guild.id,
        member_ids=(*people, *extra),
        facilitator_role_id=guild.roles["facilitator"],
        checkin_channel_id=guild.channels["check-ins"],
        questions_channel_id=guild.channels["questions"],
        announcements_channel_id=guild.channels["announcements"],
        moderation_channel_id=guild.channels["moderation"],
        general_channel_id=guild.channels["general"],
        voice_channel_id=guild.channels["meeting-room"],
    )
    return Measured(guild=guild, spec=spec, extra_members=tuple(extra))


def community_guild(state: State, bot_user_id: int, index: int) -> CommunitySpec:
    """A small community guild: 30 members (the first is the owner and a facilitator),
    the channels the bot posts in, the bot with the permissions it asks for."""
    users = [
        state.add_user(f"c{index}m{n}", global_name=f"Member {n} of {index}").id
        for n in range(MEMBERS)
    ]
    guild = state.add_guild(f"Community {index}", owner_id=users[0])
    facilitator = state.add_role(guild.id, "Facilitators", permissions=FACILITATOR_PERMISSIONS)
    bot_role = state.add_role(
        guild.id,
        "PLC Bot",
        permissions=BOT_PERMISSIONS,
        managed=True,
        tags={"bot_id": str(bot_user_id)},
    )
    for n, user in enumerate(users[1:], start=1):
        state.add_member(guild.id, user, roles=[facilitator.id] if n < 3 else [])
    state.add_member(guild.id, bot_user_id, roles=[bot_role.id])
    names = ("general", "check-ins", "questions", "announcements", "moderation")
    # Positions given: the emulator would otherwise count every channel of every guild.
    channels = {
        name: state.add_channel(guild.id, name, position=position).id
        for position, name in enumerate(names)
    }
    voice = state.add_channel(guild.id, "Meeting room", ChannelType.VOICE, position=len(names))
    state.set_overwrite(channels["moderation"], guild.id, deny=Permission.VIEW_CHANNEL)
    state.set_overwrite(channels["moderation"], bot_role.id, allow=Permission.VIEW_CHANNEL)
    return CommunitySpec(
        guild_id=guild.id,
        member_ids=tuple(users),
        facilitator_role_id=facilitator.id,
        checkin_channel_id=channels["check-ins"],
        questions_channel_id=channels["questions"],
        announcements_channel_id=channels["announcements"],
        moderation_channel_id=channels["moderation"],
        general_channel_id=channels["general"],
        voice_channel_id=voice.id,
    )
