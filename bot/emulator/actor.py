"""Acting as Discord users against the bot: the heart of the tests.

Builds INTERACTION_CREATE payloads exactly like Discord, from the commands the
bot registered: slash commands (space-separated path, options typed by their
registered type, ``resolved`` filled with full objects), autocomplete, button
and select clicks, modal submissions (mirroring the modal's layout, action
rows or label components).  Commands, subcommands, options and choices may be
named as the user's Discord client shows them: in the user's language when the
bot registered translations, and a choice by its name as well as its value.
Each returns an :class:`InteractionResult` once the bot answered (or raises
:class:`InteractionTimeout` after Discord's 3 s).
Users can also post messages, DM the bot and react; guild changes (channel
deleted, member removed, role deleted...) dispatch their gateway events.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.text import folded

from .gateway import Gateway
from .interactions import (
    InteractionRegistry,
    InteractionResult,
    InteractionTimeout,
    InteractionType,
    Modal,
)
from .rest import RestApi
from .routes.compose import guess_content_type
from .state import (
    ALL_PERMISSIONS,
    JSON,
    ApplicationCommand,
    Attachment,
    Channel,
    ChannelType,
    Member,
    Message,
    MessageFlag,
    Permission,
    State,
)

#: ``attachment_size_limit`` Discord sends for an unboosted guild.
ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024

OPTION_SUBCOMMAND, OPTION_GROUP = 1, 2
OPTION_STRING, OPTION_INTEGER, OPTION_BOOLEAN, OPTION_USER = 3, 4, 5, 6
OPTION_CHANNEL, OPTION_ROLE, OPTION_MENTIONABLE, OPTION_NUMBER, OPTION_ATTACHMENT = 7, 8, 9, 10, 11

SELECT_TYPES = {3: "string", 5: "user", 6: "role", 7: "mentionable", 8: "channel"}


class CommandUnavailable(PermissionError):
    """The Discord client would not let this user run this command here."""


def _id(value: Any) -> int:
    """An id from an int, a numeric string or any object with an ``id``."""
    return int(getattr(value, "id", value))


def _named(definition: JSON, name: str, locale: str | None) -> bool:
    """Whether ``name`` is what the client shows for a command, subcommand or option:
    its name, or its translation into the user's language."""
    localized = (definition.get("name_localizations") or {}).get(locale or "")
    return name in (definition["name"], localized)


def _shown_name(definition: JSON, locale: str | None) -> str:
    """The name the member's client shows: its translation, else the registered name."""
    return str((definition.get("name_localizations") or {}).get(locale or "") or definition["name"])


def _real_name(definitions: list[JSON], given: str, locale: str) -> str:
    """The registered name of the option the user called ``given`` (else ``given``)."""
    found = next((o["name"] for o in definitions if _named(o, given, locale)), None)
    return found if found is not None else given


def _chosen(definition: JSON, value: Any, locale: str) -> Any:
    """The value of the choice the user picked by its value, its name or its translation;
    ``value`` itself when the option has no choices."""
    choices = definition.get("choices")
    if not choices or isinstance(value, bool):
        return value
    # Accents and case aside: the playground's member types what Discord lets them pick.
    wanted = folded(str(value))
    for choice in choices:
        names = [choice["name"], (choice.get("name_localizations") or {}).get(locale)]
        if wanted in {folded(str(choice["value"])), *(folded(n) for n in names if n)}:
            return choice["value"]
    shown = [_shown_name(c, locale) for c in choices]
    raise ValueError(
        f"option {_shown_name(definition, locale)!r}: {value!r} is not one of the choices: "
        f"{', '.join(shown)}"
    )


def _picked(select: JSON, given: Any) -> list[Any]:
    """What a select in a modal sends: the values given (one may be given bare), else the
    options the bot pre-selected, as Discord's client shows them selected."""
    if given is None:
        return [o["value"] for o in select.get("options") or [] if o.get("default")]
    if isinstance(given, (str, int)):
        return [given]
    return list(given)


class Actor:
    """Users' actions; mixed into :class:`~bot.emulator.server.Emulator`."""

    def __init__(
        self, state: State, gateway: Gateway, rest: RestApi, interactions: InteractionRegistry
    ) -> None:
        self.state = state
        self.gateway = gateway
        self.rest = rest
        self.interactions = interactions
        #: Seconds the bot has to answer an interaction (Discord: 3).
        self.interaction_deadline = 3.0

    # ----- interactions ----------------------------------------------------------------
    async def slash(
        self,
        guild_id: int | None,
        user_id: int,
        command: str,
        *,
        channel_id: int | None = None,
        locale: str | None = None,
        options: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> InteractionResult:
        """Run ``/command`` (e.g. ``"plc setup"``) as ``user_id``; options by name in
        ``kwargs`` (or ``options`` for names that aren't Python identifiers).
        ``guild_id`` None runs it in the user's DM with the bot."""
        return await self._command_interaction(
            InteractionType.APPLICATION_COMMAND,
            guild_id,
            user_id,
            command,
            channel_id,
            locale,
            {**(options or {}), **kwargs},
            None,
        )

    async def message_command(
        self,
        guild_id: int,
        user_id: int,
        name: str,
        message: Message | int,
        *,
        locale: str | None = None,
    ) -> InteractionResult:
        """Run the message context-menu command ``name`` ("Apps › name" on a message)."""
        target = self.state.messages[_id(message)]
        shown_in = locale or self.state.user(user_id).locale
        registered = self._find_command(guild_id, name, kind=3, locale=shown_in)
        self._check_available(registered, guild_id, user_id, target.channel_id)
        data: JSON = {
            "id": str(registered.id),
            "name": registered.name,
            "type": 3,
            "target_id": str(target.id),
            "resolved": {"messages": {str(target.id): target.to_json(self.state)}},
        }
        if registered.guild_id is not None:
            data["guild_id"] = str(registered.guild_id)
        payload = self._payload(
            InteractionType.APPLICATION_COMMAND, guild_id, user_id, target.channel_id, locale, data
        )
        return await self._dispatch(payload)

    async def autocomplete(
        self,
        guild_id: int | None,
        user_id: int,
        command: str,
        *,
        focused: str,
        value: str = "",
        channel_id: int | None = None,
        locale: str | None = None,
        options: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> InteractionResult:
        """Type ``value`` in option ``focused``; the bot's suggestions are in ``result.choices``."""
        values = {**(options or {}), **kwargs, focused: value}
        return await self._command_interaction(
            InteractionType.AUTOCOMPLETE,
            guild_id,
            user_id,
            command,
            channel_id,
            locale,
            values,
            focused,
        )

    async def click(
        self,
        user_id: int,
        message: Message | int,
        custom_id: str,
        *,
        values: list[Any] | None = None,
        locale: str | None = None,
    ) -> InteractionResult:
        """Click a button, or choose ``values`` in a select menu, of a message the bot posted."""
        msg = self.state.messages.get(_id(message))
        if msg is None or msg.deleted:
            raise LookupError(f"message {_id(message)} does not exist (deleted?)")
        if (
            msg.ephemeral
            and msg.interaction_metadata
            and int(msg.interaction_metadata["user"]["id"]) != user_id
        ):
            raise CommandUnavailable(
                "only the user who got an ephemeral message can use its components"
            )
        component = msg.find_component(custom_id)
        if component is None:
            raise LookupError(
                f"no component {custom_id!r} on message {msg.id}; custom ids: {msg.custom_ids()}"
            )
        if component.get("disabled"):
            raise CommandUnavailable(f"component {custom_id!r} is disabled")
        data: JSON = {"custom_id": custom_id, "component_type": component["type"]}
        if "id" in component:
            data["id"] = component["id"]
        if component["type"] in SELECT_TYPES:
            chosen = self._select_values(component, values or [], msg.guild_id)
            data["values"] = [str(v) for v in chosen["values"]]
            if chosen["resolved"]:
                data["resolved"] = chosen["resolved"]
        elif values is not None:
            raise ValueError(f"component {custom_id!r} is not a select menu")
        elif component.get("style") in (5, 6):
            raise ValueError(
                f"component {custom_id!r} is a link/premium button: it sends no interaction"
            )
        return await self._interact_at(
            msg, InteractionType.MESSAGE_COMPONENT, user_id, locale, data, message=msg
        )

    async def submit_modal(
        self,
        user_id: int,
        modal: Modal | InteractionResult | str,
        values: Mapping[str, Any] | None = None,
        *,
        locale: str | None = None,
    ) -> InteractionResult:
        """Fill and submit a modal the bot opened: ``values`` maps each input's custom_id
        to its text (or a list of values for a select inside a label)."""
        target = self._find_modal(user_id, modal)
        if target.interaction.user_id != user_id:
            raise CommandUnavailable(f"modal {target.custom_id!r} was opened for another user")
        if target.submitted:
            raise LookupError(f"modal {target.custom_id!r} was already submitted (it is closed)")
        values = dict(values or {})
        known = {f.custom_id for f in target.fields}
        unknown_ids = set(values) - known
        if unknown_ids:
            raise LookupError(
                f"modal {target.custom_id!r} has no input {sorted(unknown_ids)}; "
                f"inputs: {sorted(known)}"
            )
        counter = iter(range(1, 1000))
        resolved: JSON = {}
        components = [
            self._submitted(top, values, counter, resolved, target.interaction.guild_id)
            for top in target.components
        ]
        data: JSON = {"custom_id": target.custom_id, "components": components}
        if resolved:
            data["resolved"] = resolved
        origin = target.interaction
        message = None
        if "message" in origin.payload:
            message = self.state.messages.get(int(origin.payload["message"]["id"]))
        target.submitted = True
        return await self._interact_at(
            origin, InteractionType.MODAL_SUBMIT, user_id, locale, data, message=message
        )

    # ----- building payloads -----------------------------------------------------------
    async def _command_interaction(
        self,
        itype: InteractionType,
        guild_id: int | None,
        user_id: int,
        command: str,
        channel_id: int | None,
        locale: str | None,
        values: dict[str, Any],
        focused: str | None,
    ) -> InteractionResult:
        if guild_id is None:
            channel_id = self.state.dm_channel(user_id).id
        elif channel_id is None:
            channel_id = self._default_channel(guild_id)
        shown_in = locale or self.state.user(user_id).locale
        registered = self._find_command(guild_id, command.split()[0], locale=shown_in)
        self._check_available(registered, guild_id, user_id, channel_id)
        resolved: JSON = {}
        options = self._build_options(
            registered,
            command.split()[1:],
            values,
            resolved,
            (guild_id, user_id, shown_in),
            focused,
        )
        data: JSON = {"id": str(registered.id), "name": registered.name, "type": registered.type}
        if options:
            data["options"] = options
        if resolved:
            data["resolved"] = resolved
        if registered.guild_id is not None:
            data["guild_id"] = str(registered.guild_id)
        payload = self._payload(itype, guild_id, user_id, channel_id, locale, data)
        return await self._dispatch(payload)

    def _default_channel(self, guild_id: int) -> int:
        guild = self.state.guild(guild_id)
        if guild.system_channel_id is not None:
            return guild.system_channel_id
        text = [c for c in self.state.guild_channels(guild_id) if c.type == ChannelType.TEXT]
        if not text:
            raise LookupError(f"guild {guild_id} has no text channel: pass channel_id")
        return text[0].id

    def _find_command(
        self, guild_id: int | None, name: str, *, kind: int = 1, locale: str | None = None
    ) -> ApplicationCommand:
        scopes = ([guild_id] if guild_id is not None else []) + [None]
        for scope in scopes:
            for cmd in self.state.commands_for(scope):
                if _named(cmd.payload, name, locale) and cmd.type == kind:
                    return cmd
        registered = [c for scope in scopes for c in self.state.commands_for(scope)]
        # A message command (Apps › Moderate) is not typed after a slash: it is named
        # apart, with the way to run it, never among the slash commands.
        # Named as this member's client shows them: a French member reads the French names.
        names = sorted({_shown_name(c.payload, locale) for c in registered if c.type == kind})
        what = "slash command" if kind == 1 else "message command"
        others = sorted(
            {_shown_name(c.payload, locale) for c in registered if c.type == 3 and kind != 3}
        )
        aside = f"; message commands (Apps ›, not typed with /): {others}" if others else ""
        raise LookupError(
            f"no {what} {name!r} registered for guild {guild_id} or globally; "
            f"registered: {names}{aside}"
        )

    def _check_available(
        self, cmd: ApplicationCommand, guild_id: int | None, user_id: int, channel_id: int
    ) -> None:
        payload = cmd.payload
        contexts = payload.get("contexts")
        if guild_id is None:
            if (contexts is not None and 1 not in contexts) or (
                contexts is None and payload.get("dm_permission") is False
            ):
                raise CommandUnavailable(f"/{cmd.name} cannot be used in DMs")
            return
        if contexts is not None and 0 not in contexts:
            raise CommandUnavailable(f"/{cmd.name} cannot be used in a guild")
        if user_id not in self.state.guild(guild_id).members:
            raise CommandUnavailable(f"user {user_id} is not a member of guild {guild_id}")
        perms = self.state.permissions(guild_id, user_id, channel_id)
        if not perms & Permission.USE_APPLICATION_COMMANDS:
            raise CommandUnavailable(
                f"user {user_id} cannot use application commands in channel {channel_id}"
            )
        required = payload.get("default_member_permissions")
        if (
            required is not None
            and perms != ALL_PERMISSIONS
            and (int(required) & perms) != int(required)
        ):
            raise CommandUnavailable(
                f"/{cmd.name} needs permissions {required}; user {user_id} has {perms}"
            )

    def _build_options(
        self,
        cmd: ApplicationCommand,
        path: list[str],
        values: dict[str, Any],
        resolved: JSON,
        who: tuple[int | None, int, str],
        focused: str | None,
    ) -> list[JSON]:
        """The ``options`` Discord sends; ``who`` is (guild id, user id, the user's locale)."""
        guild_id, user_id, locale = who
        definitions, wrappers = self._subcommand_path(cmd, path, locale)
        by_name = {o["name"]: o for o in definitions}
        values = {_real_name(definitions, given, locale): v for given, v in values.items()}
        if focused is not None:
            focused = _real_name(definitions, focused, locale)
        extra = set(values) - set(by_name)
        if extra:
            shown = [
                (o.get("name_localizations") or {}).get(locale) or o["name"] for o in definitions
            ]
            named = (cmd.payload.get("name_localizations") or {}).get(locale) or cmd.name
            raise LookupError(
                f"/{' '.join([named, *path])} has no option {sorted(extra)}; options: {shown}"
            )
        leaf: list[JSON] = []
        for definition in definitions:
            name = definition["name"]
            if name not in values:
                if definition.get("required") and focused is None:
                    raise ValueError(f"option {name!r} is required")
                continue
            option: JSON = {"name": name, "type": definition["type"]}
            if name == focused:
                option.update(value=str(values[name]), focused=True)
            else:
                value = _chosen(definition, values[name], locale)
                option["value"] = self._option_value(definition, value, resolved, guild_id, user_id)
            leaf.append(option)
        for wrapper in reversed(wrappers):
            wrapper["options"] = leaf
            leaf = [wrapper]
        return leaf

    def _subcommand_path(
        self, cmd: ApplicationCommand, path: list[str], locale: str
    ) -> tuple[list[JSON], list[JSON]]:
        """The options of the subcommand ``path`` names, and the wrappers leading to it."""
        definitions = cmd.options
        wrappers: list[JSON] = []
        nesting = (OPTION_SUBCOMMAND, OPTION_GROUP)
        for part in path:
            sub = next(
                (o for o in definitions if o["type"] in nesting and _named(o, part, locale)),
                None,
            )
            if sub is None:
                # As the member's client lists them: in their language where translated.
                subs = [_shown_name(o, locale) for o in definitions if o["type"] in nesting]
                shown = _shown_name({**cmd.payload, "name": cmd.name}, locale)
                raise LookupError(
                    f"/{shown}: no subcommand or group {part!r} here; choices: {subs}"
                )
            wrappers.append({"type": sub["type"], "name": sub["name"]})
            definitions = sub.get("options") or []
        if any(o["type"] in nesting for o in definitions):
            raise LookupError(f"/{' '.join([cmd.name, *path])} needs a subcommand")
        return definitions, wrappers

    def _option_value(
        self, definition: JSON, value: Any, resolved: JSON, guild_id: int | None, user_id: int
    ) -> Any:
        kind, name = definition["type"], definition["name"]
        if kind == OPTION_STRING:
            result: Any = str(value)
            if (
                not definition.get("min_length", 0)
                <= len(result)
                <= definition.get("max_length", 6000)
            ):
                raise ValueError(f"option {name!r}: length out of bounds")
        elif kind in (OPTION_INTEGER, OPTION_NUMBER):
            if isinstance(value, bool):
                raise ValueError(f"option {name!r} expects a number")
            result = int(value) if kind == OPTION_INTEGER else float(value)
            if "min_value" in definition and result < definition["min_value"]:
                raise ValueError(f"option {name!r}: below min_value {definition['min_value']}")
            if "max_value" in definition and result > definition["max_value"]:
                raise ValueError(f"option {name!r}: above max_value {definition['max_value']}")
        elif kind == OPTION_BOOLEAN:
            result = bool(value)
        elif kind in (OPTION_USER, OPTION_MENTIONABLE) and _id(value) in self.state.users:
            result = str(self._resolve_user(_id(value), resolved, guild_id))
        elif kind in (OPTION_ROLE, OPTION_MENTIONABLE):
            role = self.state.role(guild_id or 0, _id(value))
            resolved.setdefault("roles", {})[str(role.id)] = role.to_json()
            result = str(role.id)
        elif kind == OPTION_CHANNEL:
            channel = self.state.channel(_id(value))
            allowed = definition.get("channel_types")
            if allowed and int(channel.type) not in allowed:
                raise ValueError(
                    f"option {name!r} accepts channel types {allowed}, not {int(channel.type)}"
                )
            data = channel.to_json(self.state)
            data["permissions"] = str(self.state.channel_permissions(user_id, channel.id))
            resolved.setdefault("channels", {})[str(channel.id)] = data
            result = str(channel.id)
        elif kind == OPTION_ATTACHMENT:
            filename, content = value if isinstance(value, tuple) else ("file.bin", value)
            att = Attachment(
                id=self.state.new_id(),
                filename=filename,
                content_type=guess_content_type(filename, "application/octet-stream"),
                data=bytes(content),
                channel_id=0,
                ephemeral=True,
            )
            self.state.uploads[att.id] = att
            resolved.setdefault("attachments", {})[str(att.id)] = att.to_json(self.state.base_url)
            result = str(att.id)
        else:
            raise LookupError(f"option {name!r}: {value!r} is not a user or role here")
        choices = definition.get("choices")
        if choices and result not in [c["value"] for c in choices]:
            raise ValueError(
                f"option {name!r}: {result!r} is not one of {[c['value'] for c in choices]}"
            )
        return result

    def _resolve_user(self, user_id: int, resolved: JSON, guild_id: int | None) -> int:
        user = self.state.user(user_id)
        resolved.setdefault("users", {})[str(user.id)] = user.to_json()
        member = self.state.guilds[guild_id].members.get(user.id) if guild_id is not None else None
        if member is not None and guild_id is not None:
            data = member.to_json()
            data["permissions"] = str(self.state.permissions(guild_id, user.id))
            resolved.setdefault("members", {})[str(user.id)] = data
        return user.id

    def _select_values(self, component: JSON, values: list[Any], guild_id: int | None) -> JSON:
        low, high = component.get("min_values", 1), component.get("max_values", 1)
        if not low <= len(values) <= high:
            raise ValueError(
                f"select {component['custom_id']!r} takes {low} to {high} values, got {len(values)}"
            )
        resolved: JSON = {}
        kind = component["type"]
        if kind == 3:
            allowed = [o["value"] for o in component.get("options", [])]
            wrong = [v for v in values if v not in allowed]
            if wrong:
                raise ValueError(
                    f"select {component['custom_id']!r} has no option {wrong}; options: {allowed}"
                )
            return {"values": values, "resolved": resolved}
        ids = []
        for value in values:
            vid = _id(value)
            if kind in (5, 7) and vid in self.state.users:
                self._resolve_user(vid, resolved, guild_id)
            elif kind in (6, 7):
                resolved.setdefault("roles", {})[str(vid)] = self.state.role(
                    guild_id or 0, vid
                ).to_json()
            elif kind == 8:
                channel = self.state.channel(vid)
                resolved.setdefault("channels", {})[str(vid)] = channel.to_json(self.state)
            else:
                raise LookupError(f"{value!r} is not a valid {SELECT_TYPES[kind]} here")
            ids.append(vid)
        return {"values": ids, "resolved": resolved}

    def _find_modal(self, user_id: int, modal: Modal | InteractionResult | str) -> Modal:
        if isinstance(modal, Modal):
            return modal
        if isinstance(modal, InteractionResult):
            if modal.modal is None:
                raise LookupError(
                    f"the bot answered interaction {modal.id} with {modal.response_type!r}, "
                    "not a modal"
                )
            return modal.modal
        for candidate in reversed(self.interactions.modals):
            mine = candidate.interaction.user_id == user_id and not candidate.submitted
            if candidate.custom_id == modal and mine:
                return candidate
        raise LookupError(f"no modal {modal!r} was opened for user {user_id}")

    def _submitted(
        self, comp: JSON, values: dict[str, Any], counter: Any, resolved: JSON, guild_id: int | None
    ) -> JSON:
        """What Discord sends back for one modal component, with the user's input."""
        out: JSON = {"type": comp["type"], "id": comp.get("id") or next(counter)}
        if comp["type"] == 1:
            out["components"] = [
                self._submitted(c, values, counter, resolved, guild_id)
                for c in comp.get("components", [])
            ]
        elif comp["type"] == 18:
            out["component"] = self._submitted(
                comp["component"], values, counter, resolved, guild_id
            )
        elif "custom_id" in comp:
            custom_id = comp["custom_id"]
            out["custom_id"] = custom_id
            if comp["type"] == 4:
                text = str(values.get(custom_id, comp.get("value") or ""))
                if comp.get("required", True) and not text:
                    raise ValueError(f"modal input {custom_id!r} is required")
                if text and not comp.get("min_length", 0) <= len(text) <= comp.get(
                    "max_length", 4000
                ):
                    raise ValueError(f"modal input {custom_id!r}: length {len(text)} out of bounds")
                out["value"] = text
            elif comp["type"] in SELECT_TYPES:
                chosen = self._select_values(
                    {
                        **comp,
                        "min_values": comp.get(
                            "min_values", 1 if comp.get("required", True) else 0
                        ),
                    },
                    _picked(comp, values.get(custom_id)),
                    guild_id,
                )
                out["values"] = [str(v) for v in chosen["values"]]
                for key, items in chosen["resolved"].items():
                    resolved.setdefault(key, {}).update(items)
            elif isinstance(values.get(custom_id), list):
                out["values"] = values[custom_id]
            elif custom_id in values:
                out["value"] = values[custom_id]
        return out

    def _payload(
        self,
        itype: InteractionType,
        guild_id: int | None,
        user_id: int,
        channel_id: int,
        locale: str | None,
        data: JSON,
        *,
        message: Message | None = None,
    ) -> JSON:
        state = self.state
        user = state.user(user_id)
        channel = state.channel(channel_id)
        channel_json = channel.to_json(state)
        channel_json["permissions"] = str(state.channel_permissions(user_id, channel_id))
        payload: JSON = {
            "id": str(state.new_id()),
            "application_id": str(state.application_id),
            "type": int(itype),
            "data": data,
            "token": self.interactions.new_token(),
            "version": 1,
            "locale": locale or user.locale,
            "channel_id": str(channel_id),
            "channel": channel_json,
            "entitlements": [],
            "entitlement_sku_ids": [],
            "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
            "app_permissions": str(state.channel_permissions(state.bot_user_id, channel_id)),
        }
        if guild_id is not None:
            guild = state.guild(guild_id)
            member = state.member(guild_id, user_id).to_json(user)
            member["permissions"] = str(state.permissions(guild_id, user_id, channel_id))
            payload.update(
                guild_id=str(guild_id),
                guild={
                    "id": str(guild_id),
                    "locale": guild.preferred_locale,
                    "features": guild.features,
                },
                guild_locale=guild.preferred_locale,
                member=member,
                authorizing_integration_owners={"0": str(guild_id)},
                context=0,
            )
        else:
            payload.update(
                user=user.to_json(), authorizing_integration_owners={"0": "0"}, context=1
            )
        if message is not None:
            payload["message"] = message.to_json(state)
        return payload

    async def _interact_at(
        self,
        where: Message | InteractionResult,
        itype: InteractionType,
        user_id: int,
        locale: str | None,
        data: JSON,
        *,
        message: Message | None,
    ) -> InteractionResult:
        """An interaction in the guild and channel of ``where``: the message a component is
        on, or the interaction that opened a modal."""
        payload = self._payload(
            itype, where.guild_id, user_id, where.channel_id, locale, data, message=message
        )
        return await self._dispatch(payload)

    async def _dispatch(self, payload: JSON) -> InteractionResult:
        if not self.gateway.is_connected():
            raise RuntimeError(
                "the bot is not connected to the gateway: it cannot receive interactions"
            )
        result = InteractionResult(self.state, payload, deadline=self.interaction_deadline)
        self.interactions.add(result)
        guild_id = int(payload["guild_id"]) if "guild_id" in payload else None
        self.gateway.dispatch("INTERACTION_CREATE", payload, guild_id=guild_id)
        try:
            await result.wait_response(self.interaction_deadline + 0.25)
        except TimeoutError:
            raise InteractionTimeout(result) from None
        return result

    # ----- users posting ---------------------------------------------------------------
    def send_message(
        self,
        user_id: int,
        channel_id: int,
        content: str = "",
        *,
        files: Mapping[str, bytes] | None = None,
        reply_to: Message | int | None = None,
    ) -> Message:
        """``user_id`` posts in a channel (a guild channel or their DM with the bot)."""
        channel = self.state.channel(channel_id)
        if channel.guild_id is not None:
            perms = self.state.permissions(channel.guild_id, user_id, channel_id)
            needed = (
                Permission.SEND_MESSAGES_IN_THREADS
                if channel.is_thread
                else Permission.SEND_MESSAGES
            )
            if not perms & needed:
                raise CommandUnavailable(
                    f"user {user_id} cannot send messages in channel {channel_id}"
                )
        elif user_id not in channel.recipient_ids:
            raise CommandUnavailable(f"user {user_id} is not in DM channel {channel_id}")
        reference = None
        if reply_to is not None:
            target = self.state.message(channel_id, _id(reply_to))
            reference = {"type": 0, "message_id": str(target.id), "channel_id": str(channel_id)}
            if channel.guild_id is not None:
                reference["guild_id"] = str(channel.guild_id)
        message = Message(
            id=self.state.new_id(),
            channel_id=channel_id,
            guild_id=channel.guild_id,
            author_id=user_id,
            content=content,
            type=19 if reference else 0,
            message_reference=reference,
        )
        message.attachments = [
            Attachment(
                id=self.state.new_id(),
                filename=name,
                content_type=guess_content_type(name, "application/octet-stream"),
                data=data,
                channel_id=channel_id,
            )
            for name, data in (files or {}).items()
        ]
        self.state.resolve_mentions(message)
        self.state.add_message(message)
        self.gateway.message_created(message)
        return message

    def send_dm(self, user_id: int, content: str, **kwargs: Any) -> Message:
        """``user_id`` writes to the bot in their DM channel."""
        return self.send_message(user_id, self.state.dm_channel(user_id).id, content, **kwargs)

    def react(self, user_id: int, message: Message | int, emoji: str) -> None:
        """``user_id`` adds reaction ``emoji`` (unicode, or ``name:id``) to a message."""
        msg = self.state.messages[_id(message)]
        self.rest.add_reaction_for(msg, emoji, user_id)

    def edit_user_message(self, message: Message | int, content: str) -> Message:
        """The author edits their message (MESSAGE_UPDATE)."""
        msg = self.state.messages[_id(message)]
        self.rest.apply_edit(msg, {"content": content}, [])
        self.gateway.message_updated(msg)
        return msg

    def delete_message(self, message: Message | int) -> None:
        """A message disappears (deleted by its author or a moderator): MESSAGE_DELETE."""
        self.rest.delete_message_object(self.state.messages[_id(message)])

    # ----- guild changes ---------------------------------------------------------------
    def create_channel(
        self,
        guild_id: int,
        name: str,
        type: ChannelType = ChannelType.TEXT,
        *,
        parent_id: int | None = None,
    ) -> Channel:
        channel = self.state.add_channel(guild_id, name, type, parent_id=parent_id)
        self.gateway.channel_event("CREATE", channel)
        return channel

    def delete_channel(self, channel_id: int) -> None:
        """Someone deletes a channel (or thread): CHANNEL_DELETE / THREAD_DELETE."""
        channel = self.state.channel(channel_id)
        channel.deleted = True
        self.gateway.channel_event("DELETE", channel)

    def archive_thread(self, thread_id: int, *, locked: bool = False) -> None:
        thread = self.state.channel(thread_id)
        thread.archived, thread.locked = True, locked
        self.gateway.channel_event("UPDATE", thread)

    def add_member(self, guild_id: int, user_id: int, *, roles: list[int] | None = None) -> Member:
        """A user joins the guild: GUILD_MEMBER_ADD."""
        member = self.state.add_member(guild_id, user_id, roles=roles)
        data = member.to_json(self.state.users[user_id])
        data["guild_id"] = str(guild_id)
        self.gateway.dispatch("GUILD_MEMBER_ADD", data, guild_id=guild_id)
        return member

    def add_bot(self, guild_id: int) -> None:
        """Someone adds the bot to the guild (an invite link): GUILD_CREATE after READY,
        which discord.py tells as ``on_guild_join``."""
        self.state.add_member(guild_id, self.state.bot_user_id)
        self.gateway.guild_joined(guild_id)

    def remove_member(self, guild_id: int, user_id: int) -> None:
        """A member leaves (or is kicked): GUILD_MEMBER_REMOVE."""
        guild = self.state.guild(guild_id)
        self.state.member(guild_id, user_id)
        del guild.members[user_id]
        data = {"guild_id": str(guild_id), "user": self.state.users[user_id].to_json()}
        self.gateway.dispatch("GUILD_MEMBER_REMOVE", data, guild_id=guild_id)

    def set_member_roles(self, guild_id: int, user_id: int, roles: list[int]) -> None:
        """A moderator changes a member's roles: GUILD_MEMBER_UPDATE."""
        member = self.state.member(guild_id, user_id)
        member.roles = list(roles)
        data = member.to_json(self.state.users[user_id])
        data["guild_id"] = str(guild_id)
        self.gateway.dispatch("GUILD_MEMBER_UPDATE", data, guild_id=guild_id)

    def delete_role(self, guild_id: int, role_id: int) -> None:
        """A role is deleted: removed from members and overwrites, GUILD_ROLE_DELETE."""
        guild = self.state.guild(guild_id)
        self.state.role(guild_id, role_id)
        del guild.roles[role_id]
        for member in guild.members.values():
            if role_id in member.roles:
                member.roles.remove(role_id)
        self.gateway.dispatch(
            "GUILD_ROLE_DELETE",
            {"guild_id": str(guild_id), "role_id": str(role_id)},
            guild_id=guild_id,
        )
        for channel in self.state.guild_channels(guild_id):
            if any(o.id == role_id for o in channel.overwrites):
                channel.overwrites = [o for o in channel.overwrites if o.id != role_id]
                self.gateway.channel_event("UPDATE", channel)

    def close_dms(self, user_id: int) -> None:
        """``user_id`` refuses DMs: every message the bot sends there answers 403/50007."""
        self.state.closed_dm_user_ids.add(user_id)

    def open_dms(self, user_id: int) -> None:
        self.state.closed_dm_user_ids.discard(user_id)

    # ----- reading ---------------------------------------------------------------------
    def messages_in(
        self, channel_id: int, *, include_ephemeral: bool = False, include_deleted: bool = False
    ) -> list[Message]:
        """Messages of a channel, oldest first (ephemeral and deleted ones left out by default)."""
        return [
            m
            for m in self.state.channel_history(channel_id, include_deleted=include_deleted)
            if include_ephemeral or not m.flags & MessageFlag.EPHEMERAL
        ]

    def dms_to(self, user_id: int) -> list[Message]:
        """What the bot sent to ``user_id`` in DM, oldest first."""
        channel_id = self.state.dm_channel_by_user.get(user_id)
        if channel_id is None:
            return []
        return [m for m in self.messages_in(channel_id) if m.author_id == self.state.bot_user_id]
