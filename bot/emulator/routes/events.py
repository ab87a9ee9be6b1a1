"""Guild scheduled events: list, get, create, edit (status transitions), delete."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ..state import (
    JSON,
    ApiError,
    ChannelType,
    Permission,
    ScheduledEvent,
    invalid,
    iso,
    missing_permissions,
    parse_iso,
)
from .base import Resource, json_response, no_content, route

EVENTS = "/guilds/{guild_id}/scheduled-events"
#: Status changes Discord allows: scheduled → active or canceled, active → completed.
STATUS_TRANSITIONS = ((1, 2), (1, 4), (2, 3))
#: What Discord answers when a date does not parse.
UNPARSABLE_DATE = ("DATE_TIME_TYPE_PARSE", "Could not parse date. Should be ISO8601.")


class EventRoutes(Resource):
    def _event_json(self, event: ScheduledEvent, request: web.Request | None = None) -> JSON:
        with_count = request is not None and request.query.get("with_user_count") in ("1", "true")
        return event.to_json(self.state, with_user_count=with_count)

    def _dispatch(self, kind: str, event: ScheduledEvent) -> None:
        data = self._event_json(event)
        self.gateway.dispatch(f"GUILD_SCHEDULED_EVENT_{kind}", data, guild_id=event.guild_id)

    def _guild_event(self, request: web.Request) -> tuple[int, ScheduledEvent]:
        """The route's guild and event, once the bot may manage that event."""
        guild_id = self.bot_guild(request)
        event = self.state.scheduled_event(guild_id, self.param(request, "event_id"))
        self._check_event_permission(guild_id, event.channel_id, event)
        return guild_id, event

    @route("GET", EVENTS)
    async def list_events(self, request: web.Request) -> web.Response:
        guild_id = self.bot_guild(request)
        events = [e for e in self.state.scheduled_events.values() if e.guild_id == guild_id]
        return json_response([self._event_json(e, request) for e in events])

    @route("GET", EVENTS + "/{event_id}")
    async def get_event(self, request: web.Request) -> web.Response:
        event = self.state.scheduled_event(self.bot_guild(request), self.param(request, "event_id"))
        return json_response(self._event_json(event, request))

    def _check_event_permission(
        self, guild_id: int, channel_id: int | None, event: ScheduledEvent | None
    ) -> None:
        perms = self.state.permissions(guild_id, self.bot_id, channel_id)
        own = event is None or event.creator_id == self.bot_id
        if not perms & Permission.MANAGE_EVENTS and not (own and perms & Permission.CREATE_EVENTS):
            raise missing_permissions()

    def _validate_event(self, guild_id: int, data: JSON, *, creating: bool) -> None:
        errors: JSON = {}

        def add(name: str, code: str, message: str) -> None:
            errors.setdefault(name, {"_errors": []})["_errors"].append(
                {"code": code, "message": message}
            )

        name = data.get("name") or ""
        if not 1 <= len(name) <= 100:
            add("name", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
        if len(data.get("description") or "") > 1000:
            add("description", "BASE_TYPE_MAX_LENGTH", "Must be 1000 or fewer in length.")
        if data.get("privacy_level") != 2:
            add("privacy_level", "BASE_TYPE_CHOICES", "Value must be one of {2}.")
        entity_type = data.get("entity_type")
        try:
            start = parse_iso(str(data.get("scheduled_start_time")))
        except ValueError:
            add("scheduled_start_time", *UNPARSABLE_DATE)
            start = None
        if start is not None and creating and start.timestamp() < self.state.now_timestamp():
            add(
                "scheduled_start_time",
                "GUILD_SCHEDULED_EVENT_SCHEDULE_PAST",
                "Cannot schedule event in the past.",
            )
        end_raw = data.get("scheduled_end_time")
        if end_raw is not None and start is not None:
            try:
                if parse_iso(str(end_raw)) <= start:
                    add(
                        "scheduled_end_time",
                        "GUILD_SCHEDULED_EVENT_END_BEFORE_START",
                        "Cannot schedule event to end before starting.",
                    )
            except ValueError:
                add("scheduled_end_time", *UNPARSABLE_DATE)
        if entity_type == 3:
            location = (data.get("entity_metadata") or {}).get("location")
            if not location or len(location) > 100:
                add("entity_metadata", "BASE_TYPE_REQUIRED", "This field is required")
            if end_raw is None:
                add("scheduled_end_time", "BASE_TYPE_REQUIRED", "This field is required")
            if data.get("channel_id") is not None:
                add(
                    "channel_id",
                    "GUILD_SCHEDULED_EVENT_INVALID_CHANNEL",
                    "Channel must be null for external events.",
                )
        elif entity_type in (1, 2):
            wanted = ChannelType.STAGE if entity_type == 1 else ChannelType.VOICE
            channel = self.state.channels.get(int(data.get("channel_id") or 0))
            if (
                channel is None
                or channel.deleted
                or channel.guild_id != guild_id
                or channel.type != wanted
            ):
                add("channel_id", "GUILD_SCHEDULED_EVENT_INVALID_CHANNEL", "Invalid channel.")
        else:
            add("entity_type", "BASE_TYPE_CHOICES", "Value must be one of {1, 2, 3}.")
        if errors:
            raise ApiError(400, 50035, "Invalid Form Body", errors)

    @route("POST", EVENTS)
    async def create_event(self, request: web.Request) -> web.Response:
        guild_id = self.bot_guild(request)
        body = self.body(request)
        self._validate_event(guild_id, body, creating=True)
        self._check_event_permission(guild_id, _int_or_none(body.get("channel_id")), None)
        event = ScheduledEvent(
            id=self.state.new_id(),
            guild_id=guild_id,
            name="",
            scheduled_start_time="",
            entity_type=0,
            creator_id=self.bot_id,
            image=body.get("image"),
        )
        _apply(event, body)
        self.state.scheduled_events[event.id] = event
        self._dispatch("CREATE", event)
        return json_response(self._event_json(event))

    @route("PATCH", EVENTS + "/{event_id}")
    async def edit_event(self, request: web.Request) -> web.Response:
        guild_id, event = self._guild_event(request)
        body = self.body(request)
        if event.status in (3, 4):
            raise ApiError(400, 180000, "Cannot update a finished event")
        status = body.get("status")
        if (
            status is not None
            and status != event.status
            and (event.status, status) not in STATUS_TRANSITIONS
        ):
            raise invalid(
                "status",
                "GUILD_SCHEDULED_EVENT_INVALID_STATUS_TRANSITION",
                "Invalid status transition.",
            )
        merged = event.to_json(self.state) | body
        merged.setdefault("privacy_level", event.privacy_level)
        if merged.get("entity_type") == 3 and "entity_metadata" not in body:
            merged["entity_metadata"] = {"location": event.location}
        self._validate_event(
            guild_id, merged, creating="scheduled_start_time" in body and status is None
        )
        _apply(event, merged)
        if status is not None:
            event.status = int(status)
        self._dispatch("UPDATE", event)
        return json_response(self._event_json(event))

    @route("DELETE", EVENTS + "/{event_id}")
    async def delete_event(self, request: web.Request) -> web.Response:
        _, event = self._guild_event(request)
        del self.state.scheduled_events[event.id]
        self._dispatch("DELETE", event)
        return no_content()


def _apply(event: ScheduledEvent, data: JSON) -> None:
    """Set an event's fields from a validated create body or a merged edit."""
    event.name = data["name"]
    event.description = data.get("description")
    event.scheduled_start_time = iso(parse_iso(data["scheduled_start_time"]))
    end = data.get("scheduled_end_time")
    event.scheduled_end_time = None if end is None else iso(parse_iso(end))
    event.entity_type = int(data["entity_type"])
    event.channel_id = _int_or_none(data.get("channel_id"))
    event.location = (data.get("entity_metadata") or {}).get("location")


def _int_or_none(value: Any) -> int | None:
    return None if value is None else int(value)
