"""A ready-made sample guild: "PLC Sample / CAP exemple".

An owner, an admin, a facilitator role with alice, members bob, chloe and
david (some with the French locale), the bot with its managed role, text
channels #general, #check-ins, #questions, #announcements (members can't post)
and #moderation (hidden from members), a voice channel and a stage channel.
:func:`build_sample_guild` returns the ids by name:
``g.channels["questions"]``, ``g.users["alice"]``, ``g.roles["facilitator"]``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .state import ChannelType, Permission, State

#: What the bot's managed role gets when invited with the permissions the PLC bot asks for.
BOT_PERMISSIONS = (
    Permission.VIEW_CHANNEL
    | Permission.SEND_MESSAGES
    | Permission.SEND_MESSAGES_IN_THREADS
    | Permission.EMBED_LINKS
    | Permission.ATTACH_FILES
    | Permission.READ_MESSAGE_HISTORY
    | Permission.ADD_REACTIONS
    | Permission.USE_EXTERNAL_EMOJIS
    | Permission.CREATE_PUBLIC_THREADS
    | Permission.CREATE_PRIVATE_THREADS
    | Permission.MANAGE_THREADS
    | Permission.MANAGE_MESSAGES
    | Permission.MANAGE_EVENTS
    | Permission.CREATE_EVENTS
    | Permission.USE_APPLICATION_COMMANDS
)

FACILITATOR_PERMISSIONS = (
    Permission.MANAGE_MESSAGES
    | Permission.MANAGE_THREADS
    | Permission.MANAGE_EVENTS
    | Permission.MODERATE_MEMBERS
)

#: username -> (display name, locale)
SAMPLE_USERS: dict[str, tuple[str, str]] = {
    "owner": ("Océane Martin", "fr"),
    "admin": ("Samir Haddad", "en-US"),
    "alice": ("Alice Dupont", "fr"),
    "bob": ("Bob Nguyen", "en-US"),
    "chloe": ("Chloé Bernard", "fr"),
    "david": ("David Okafor", "en-GB"),
}


@dataclass
class SampleGuild:
    """Ids of the sample guild's objects, by short name."""

    id: int
    users: dict[str, int] = field(default_factory=dict)
    roles: dict[str, int] = field(default_factory=dict)
    channels: dict[str, int] = field(default_factory=dict)


def build_sample_guild(state: State, *, bot_user_id: int) -> SampleGuild:
    """Create the sample guild in ``state``, with the bot (``bot_user_id``) as a member."""
    users = {
        name: state.add_user(f"{name}.plc", global_name=display, locale=locale).id
        for name, (display, locale) in SAMPLE_USERS.items()
    }
    if state.owner_user_id is None:
        state.owner_user_id = users["owner"]
    guild = state.add_guild(
        "PLC Sample / CAP exemple", owner_id=users["owner"], preferred_locale="fr"
    )
    guild.description = "Communauté d'apprentissage professionnelle — sample guild for tests"
    everyone = guild.id
    # Created bottom-up: the bot's managed role ends on top, as after an invite dragged to the top.
    roles = {
        "everyone": everyone,
        "member": state.add_role(guild.id, "Members", color=0x2ECC71).id,
        "facilitator": state.add_role(
            guild.id,
            "Facilitators",
            permissions=FACILITATOR_PERMISSIONS,
            color=0x3498DB,
            hoist=True,
            mentionable=True,
        ).id,
        "admin": state.add_role(
            guild.id, "Admin", permissions=Permission.ADMINISTRATOR, color=0xE74C3C, hoist=True
        ).id,
        "bot": state.add_role(
            guild.id,
            state.users[bot_user_id].username,
            permissions=BOT_PERMISSIONS,
            managed=True,
            tags={"bot_id": str(bot_user_id)},
        ).id,
    }
    state.add_member(guild.id, users["admin"], roles=[roles["admin"], roles["member"]])
    state.add_member(guild.id, users["alice"], roles=[roles["facilitator"], roles["member"]])
    for name in ("bob", "chloe", "david"):
        state.add_member(guild.id, users[name], roles=[roles["member"]])
    state.add_member(guild.id, bot_user_id, roles=[roles["bot"]])

    info = state.add_channel(guild.id, "Information", ChannelType.CATEGORY)
    work = state.add_channel(guild.id, "Travail / Work", ChannelType.CATEGORY)
    voice = state.add_channel(guild.id, "Voice", ChannelType.CATEGORY)
    text_channels = (
        ("general", info, "Discussions générales"),
        ("announcements", info, "Annonces"),
        ("check-ins", work, "Weekly check-ins"),
        ("questions", work, "Ask the community"),
        ("moderation", work, "Facilitators only"),
    )
    channels = {
        name: state.add_channel(guild.id, name, parent_id=parent.id, topic=topic).id
        for name, parent, topic in text_channels
    }
    voice_channels = (
        ("meeting-room", "Meeting room", ChannelType.VOICE),
        ("stage", "Stage", ChannelType.STAGE),
    )
    for key, name, kind in voice_channels:
        channels[key] = state.add_channel(guild.id, name, kind, parent_id=voice.id).id
    for key, category in (("info", info), ("work", work), ("voice", voice)):
        channels[f"category-{key}"] = category.id
    guild.system_channel_id = channels["general"]
    state.set_overwrite(
        channels["announcements"],
        everyone,
        deny=Permission.SEND_MESSAGES | Permission.CREATE_PUBLIC_THREADS,
    )
    state.set_overwrite(channels["announcements"], roles["bot"], allow=Permission.SEND_MESSAGES)
    state.set_overwrite(channels["moderation"], everyone, deny=Permission.VIEW_CHANNEL)
    state.set_overwrite(
        channels["moderation"],
        roles["facilitator"],
        allow=Permission.VIEW_CHANNEL | Permission.SEND_MESSAGES,
    )
    state.set_overwrite(
        channels["moderation"],
        roles["bot"],
        allow=Permission.VIEW_CHANNEL | Permission.SEND_MESSAGES,
    )
    return SampleGuild(id=guild.id, users=users, roles=roles, channels=channels)
