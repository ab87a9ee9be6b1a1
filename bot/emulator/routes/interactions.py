"""The interaction callback and the interaction webhooks (original response and follow-ups).

A deferred response is edited by the first follow-up, as Discord documents.
"""

from __future__ import annotations

from aiohttp import web

from ..interactions import InteractionResult, InteractionType, Modal, ResponseType
from ..recorder import RecordedFile
from ..state import JSON, ApiError, Channel, Message, MessageFlag, invalid, unknown
from ..validation import check_choices, check_message, check_modal
from .base import RECORD, Resource, json_response, no_content, route, snowflake

#: The interaction webhook (its token is the interaction's).
HOOK = "/webhooks/{application_id}/{token}"
#: The original response, then any follow-up.
HOOK_MESSAGE = (HOOK + "/messages/@original", HOOK + "/messages/{message_id}")
#: Interaction response types Discord accepts per interaction type.
ALLOWED_RESPONSES: dict[InteractionType, set[int]] = {
    InteractionType.PING: {1},
    InteractionType.APPLICATION_COMMAND: {4, 5, 9},
    InteractionType.MESSAGE_COMPONENT: {4, 5, 6, 7, 9},
    InteractionType.AUTOCOMPLETE: {8},
    InteractionType.MODAL_SUBMIT: {4, 5, 6, 7},
}


class InteractionRoutes(Resource):
    # ----- the callback ----------------------------------------------------------------
    @route("POST", "/interactions/{interaction_id}/{token}/callback")
    async def interaction_callback(self, request: web.Request) -> web.Response:
        result = self.interactions.by_id.get(self.param(request, "interaction_id"))
        if result is None or result.token != request.match_info["token"]:
            raise unknown("interaction", 10062)
        if result.acknowledged:
            raise ApiError(400, 40060, "Interaction has already been acknowledged.")
        if result.expired:
            raise unknown("interaction", 10062)
        body = self.body(request)
        rtype = body.get("type")
        data = body.get("data") or {}
        try:
            if rtype not in ALLOWED_RESPONSES[result.type] or (
                rtype in (6, 7) and "message" not in result.payload
            ):
                raise invalid(
                    "type",
                    "INTERACTION_RESPONSE_TYPE_INVALID",
                    "Interaction response type is invalid",
                )
            response_type = ResponseType(rtype)
            message = self._apply_callback(result, response_type, data, self.files(request))
        except ApiError as err:
            result.rejected_responses.append(err.body())
            raise
        record = request.get(RECORD)
        result.record_response(
            response_type, data, arrived=None if record is None else record.arrived
        )
        if request.query.get("with_response", "").lower() not in ("1", "true"):
            return no_content()
        interaction: JSON = {"id": str(result.id), "type": int(result.type)}
        resource: JSON = {"type": rtype}
        if message is not None and response_type in (4, 5, 7):
            interaction.update(
                response_message_id=str(message.id),
                response_message_loading=response_type == 5,
                response_message_ephemeral=message.ephemeral,
            )
            resource["message"] = self.msg_json(message)
        return json_response({"interaction": interaction, "resource": resource})

    def _apply_callback(
        self, result: InteractionResult, rtype: ResponseType, data: JSON, files: list[RecordedFile]
    ) -> Message | None:
        channel = self.state.channel(result.channel_id)
        if rtype == ResponseType.CHANNEL_MESSAGE:
            check_message(data, file_count=len(files))
            message = self._interaction_message(result, channel, data, files, original=True)
            self.gateway.message_created(message)
            return message
        if rtype == ResponseType.DEFERRED_CHANNEL_MESSAGE:
            ephemeral = int(data.get("flags") or 0) & MessageFlag.EPHEMERAL
            message = self._interaction_message(
                result, channel, {}, [], original=True, extra_flags=MessageFlag.LOADING | ephemeral
            )
            self.gateway.message_created(message)
            return message
        if rtype in (ResponseType.DEFERRED_UPDATE_MESSAGE, ResponseType.UPDATE_MESSAGE):
            target = self.state.messages[int(result.payload["message"]["id"])]
            result.original_message_id = target.id
            if rtype == ResponseType.UPDATE_MESSAGE:
                self.writer.edit(target, data, files)
            return target
        if rtype == ResponseType.AUTOCOMPLETE_RESULT:
            check_choices(data)
            result.choices = list(data["choices"])
        elif rtype == ResponseType.MODAL:
            check_modal(data)
            modal = Modal(
                custom_id=data["custom_id"],
                title=data["title"],
                components=data["components"],
                interaction=result,
            )
            result.modal = modal
            self.interactions.modals.append(modal)
        return None

    def _interaction_message(
        self,
        result: InteractionResult,
        channel: Channel,
        data: JSON,
        files: list[RecordedFile],
        *,
        original: bool,
        extra_flags: int = 0,
    ) -> Message:
        user = self.state.users[result.user_id].to_json()
        metadata: JSON = {
            "id": str(result.id),
            "type": int(result.type),
            "user": user,
            "authorizing_integration_owners": result.payload.get(
                "authorizing_integration_owners", {}
            ),
        }
        is_command = result.type == InteractionType.APPLICATION_COMMAND
        if is_command:
            metadata.update(
                name=command_path(result.payload["data"]),
                command_type=result.payload["data"].get("type", 1),
            )
        if "message" in result.payload:
            metadata["interacted_message_id"] = result.payload["message"]["id"]
        if not original and result.original_message_id is not None:
            metadata["original_response_message_id"] = str(result.original_message_id)
        message = self.writer.new_message(
            channel,
            self.bot_id,
            data,
            files,
            extra_flags=extra_flags | (int(data.get("flags") or 0) & MessageFlag.EPHEMERAL),
            type=20 if is_command and original else 0,
            webhook_id=self.state.application_id,
            application_id=self.state.application_id,
            interaction_metadata=metadata,
        )
        if original:
            result.original_message_id = message.id
        return message

    # ----- the interaction webhook -----------------------------------------------------
    def _webhook_interaction(self, request: web.Request) -> InteractionResult:
        result = self.interactions.by_token.get(request.match_info["token"])
        if (
            result is None
            or self.param(request, "application_id") != self.state.application_id
            or result.token_expired
        ):
            raise unknown("Webhook", 10015)
        return result

    def _webhook_message(self, request: web.Request, result: InteractionResult) -> Message:
        raw = request.match_info.get("message_id")
        message_id = result.original_message_id if raw is None else snowflake(raw, "message_id")
        if message_id is None or (
            message_id != result.original_message_id and message_id not in result.followup_ids
        ):
            raise unknown("Message", 10008)
        message = self.state.messages.get(message_id)
        if message is None or message.deleted:
            raise unknown("Message", 10008)
        return message

    @route("GET", *HOOK_MESSAGE)
    async def get_webhook_message(self, request: web.Request) -> web.Response:
        result = self._webhook_interaction(request)
        return json_response(self.msg_json(self._webhook_message(request, result)))

    @route("PATCH", *HOOK_MESSAGE)
    async def edit_webhook_message(self, request: web.Request) -> web.Response:
        result = self._webhook_interaction(request)
        message = self._webhook_message(request, result)
        self.writer.edit(message, self.body(request), self.files(request))
        if message.id == result.original_message_id:
            result.deferred_followup_pending = False
            result.note_original_edit()
        return json_response(self.msg_json(message))

    @route("DELETE", *HOOK_MESSAGE)
    async def delete_webhook_message(self, request: web.Request) -> web.Response:
        result = self._webhook_interaction(request)
        self.writer.delete(self._webhook_message(request, result))
        result.touch()
        return no_content()

    @route("POST", HOOK)
    async def create_followup(self, request: web.Request) -> web.Response:
        result = self._webhook_interaction(request)
        if not result.acknowledged:
            raise unknown("Webhook", 10015)
        body = self.body(request)
        files = self.files(request)
        check_message(body, file_count=len(files))
        if result.deferred_followup_pending and result.message is not None:
            # Discord: the first follow-up after a deferred response edits the loading message.
            message = result.message
            self.writer.edit(message, body, files)
            result.deferred_followup_pending = False
            result.note_original_edit()
        else:
            channel = self.state.channel(result.channel_id)
            message = self._interaction_message(result, channel, body, files, original=False)
            result.followup_ids.append(message.id)
            self.gateway.message_created(message)
            result.touch()
        if request.query.get("wait", "").lower() in ("1", "true"):
            return json_response(self.msg_json(message))
        return no_content()


def command_path(data: JSON) -> str:
    """``plc setup`` for a subcommand interaction, as in ``interaction_metadata.name``."""
    parts = [data["name"]]
    options = data.get("options") or []
    while options and options[0].get("type") in (1, 2):
        parts.append(options[0]["name"])
        options = options[0].get("options") or []
    return " ".join(parts)
