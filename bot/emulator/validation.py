"""Discord's payload limits, enforced so the bot meets the same 400s as in production.

Checks message bodies (content, embeds, components, allowed mentions),
application command definitions, modals and autocomplete choices.  Errors are
raised as Discord's ``50035 Invalid Form Body`` with the nested ``errors``
object (or ``50006`` for an empty message).
"""

from __future__ import annotations

import re
from typing import Any

from .state import JSON, ApiError, MessageFlag

_NAME = re.compile(r"^[-_'\w]{1,32}$")


class _Errors:
    """Accumulates ``{"field": {"0": {"_errors": [...]}}}`` like Discord's Invalid Form Body."""

    def __init__(self) -> None:
        self.tree: JSON = {}

    def add(self, path: list[str | int], code: str, message: str) -> None:
        node = self.tree
        for key in path:
            node = node.setdefault(str(key), {})
        node.setdefault("_errors", []).append({"code": code, "message": message})

    def max_length(self, path: list[str | int], value: Any, limit: int) -> None:
        if isinstance(value, str) and len(value) > limit:
            self.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")

    def raise_if_any(self) -> None:
        if self.tree:
            raise ApiError(400, 50035, "Invalid Form Body", self.tree)


def check_message(payload: JSON, *, file_count: int = 0, require_body: bool = True) -> None:
    """Validate a message create/edit body (channel message, webhook, interaction response)."""
    errors = _Errors()
    content = payload.get("content")
    flags = int(payload.get("flags") or 0)
    errors.max_length(["content"], content, 2000)
    embeds = payload.get("embeds") or []
    components = payload.get("components") or []
    if len(embeds) > 10:
        errors.add(["embeds"], "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.")
    _check_embeds(errors, embeds)
    v2 = bool(flags & MessageFlag.IS_COMPONENTS_V2)
    if v2 and (content or embeds):
        errors.add(
            ["content" if content else "embeds"],
            "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
            "The 'content' and 'embeds' fields cannot be used when using "
            "MessageFlags.IS_COMPONENTS_V2",
        )
    _check_components(errors, components, v2=v2)
    _check_allowed_mentions(errors, payload.get("allowed_mentions"))
    errors.raise_if_any()
    has_body = (
        bool(content)
        or embeds
        or components
        or file_count
        or payload.get("sticker_ids")
        or payload.get("poll")
    )
    if require_body and not has_body:
        raise ApiError(400, 50006, "Cannot send an empty message")


def _check_embeds(errors: _Errors, embeds: list[JSON]) -> None:
    total = 0
    for i, embed in enumerate(embeds):
        path: list[str | int] = ["embeds", i]
        for key, limit in (("title", 256), ("description", 4096)):
            errors.max_length([*path, key], embed.get(key), limit)
            total += len(embed.get(key) or "")
        fields = embed.get("fields") or []
        if len(fields) > 25:
            errors.add([*path, "fields"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
        for j, fld in enumerate(fields):
            for key, limit in (("name", 256), ("value", 1024)):
                value = fld.get(key)
                if not value:
                    errors.add(
                        [*path, "fields", j, key], "BASE_TYPE_REQUIRED", "This field is required"
                    )
                errors.max_length([*path, "fields", j, key], value, limit)
                total += len(value or "")
        for key, sub, limit in (("footer", "text", 2048), ("author", "name", 256)):
            value = (embed.get(key) or {}).get(sub)
            errors.max_length([*path, key, sub], value, limit)
            total += len(value or "")
    if total > 6000:
        errors.add(
            ["embeds"], "MESSAGE_EMBEDS_TOO_LARGE", "Embed size exceeds maximum size of 6000"
        )


def _check_components(errors: _Errors, components: list[JSON], *, v2: bool) -> None:
    if not v2 and len(components) > 5:
        errors.add(["components"], "BASE_TYPE_MAX_LENGTH", "Must be 5 or fewer in length.")
    seen: set[str] = set()
    for i, comp in enumerate(components):
        if not v2 and comp.get("type") != 1:
            errors.add(
                ["components", i],
                "UNION_TYPE_CHOICES",
                'Value of field "type" must be one of (1,).',
            )
        _check_component(errors, ["components", i], comp, seen)


def _check_component(errors: _Errors, path: list[str | int], comp: JSON, seen: set[str]) -> None:
    kind = comp.get("type")
    children = comp.get("components") or []
    if kind == 1:
        buttons = [c for c in children if c.get("type") == 2]
        if len(children) > 5 or (len(children) > 1 and len(buttons) != len(children)):
            errors.add(
                [*path, "components"],
                "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                "The specified component exceeds the maximum width",
            )
    for j, child in enumerate(children):
        _check_component(errors, [*path, "components", j], child, seen)
    for key in ("accessory", "component"):
        if isinstance(comp.get(key), dict):
            _check_component(errors, [*path, key], comp[key], seen)
    custom_id = comp.get("custom_id")
    if custom_id is not None:
        errors.max_length([*path, "custom_id"], custom_id, 100)
        if custom_id in seen:
            errors.add(
                [*path, "custom_id"],
                "COMPONENT_CUSTOM_ID_DUPLICATED",
                "Component custom id cannot be duplicated",
            )
        seen.add(custom_id)
    if kind == 2:
        style = comp.get("style")
        if style == 5 and not comp.get("url"):
            errors.add([*path, "url"], "BASE_TYPE_REQUIRED", "This field is required")
        if style not in (5, 6) and custom_id is None:
            errors.add([*path, "custom_id"], "BASE_TYPE_REQUIRED", "This field is required")
        errors.max_length([*path, "label"], comp.get("label"), 80)
    if kind == 3:
        options = comp.get("options") or []
        if not 1 <= len(options) <= 25:
            errors.add(
                [*path, "options"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 25 in length."
            )
        for k, option in enumerate(options):
            errors.max_length([*path, "options", k, "label"], option.get("label"), 100)
            errors.max_length([*path, "options", k, "value"], option.get("value"), 100)


def _check_allowed_mentions(errors: _Errors, allowed: JSON | None) -> None:
    if not allowed:
        return
    parse = allowed.get("parse") or []
    for kind in ("users", "roles"):
        if kind in parse and allowed.get(kind):
            errors.add(
                ["allowed_mentions"],
                "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
                f'parse:["{kind}"] and {kind}: [ids...] are mutually exclusive.',
            )


def check_modal(data: JSON) -> None:
    """Validate the ``data`` of a MODAL interaction response (type 9)."""
    errors = _Errors()
    title = data.get("title")
    if not title:
        errors.add(["data", "title"], "BASE_TYPE_REQUIRED", "This field is required")
    errors.max_length(["data", "title"], title, 45)
    if not data.get("custom_id"):
        errors.add(["data", "custom_id"], "BASE_TYPE_REQUIRED", "This field is required")
    rows = data.get("components") or []
    if not 1 <= len(rows) <= 5:
        errors.add(
            ["data", "components"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length."
        )
    seen: set[str] = set()
    for i, row in enumerate(rows):
        _check_component(errors, ["data", "components", i], row, seen)
        inner = row.get("components") or (
            [row["component"]] if isinstance(row.get("component"), dict) else []
        )
        for item in inner:
            if item.get("type") == 4:
                errors.max_length(["data", "components", i, "label"], item.get("label"), 45)
    errors.raise_if_any()


def check_choices(data: JSON) -> None:
    """Validate an autocomplete result (type 8)."""
    errors = _Errors()
    choices = data.get("choices")
    if choices is None:
        errors.add(["data", "choices"], "BASE_TYPE_REQUIRED", "This field is required")
    elif len(choices) > 25:
        errors.add(["data", "choices"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
    for i, choice in enumerate(choices or []):
        name = choice.get("name")
        if not name:
            errors.add(
                ["data", "choices", i, "name"], "BASE_TYPE_REQUIRED", "This field is required"
            )
        errors.max_length(["data", "choices", i, "name"], name, 100)
    errors.raise_if_any()


def check_command(payload: JSON, *, path: list[str | int] | None = None) -> None:
    """Validate an application command definition (create, edit or bulk overwrite item)."""
    errors = _Errors()
    _check_command(errors, path or [], payload)
    errors.raise_if_any()


def _check_command(errors: _Errors, path: list[str | int], payload: JSON) -> None:
    kind = int(payload.get("type", 1))
    name = payload.get("name") or ""
    if kind == 1 and (not _NAME.match(name) or name != name.lower()):
        errors.add([*path, "name"], "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")
    if kind != 1 and not 1 <= len(name) <= 32:
        errors.add([*path, "name"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 32 in length.")
    if kind == 1:
        description = payload.get("description") or ""
        if not 1 <= len(description) <= 100:
            errors.add(
                [*path, "description"],
                "BASE_TYPE_BAD_LENGTH",
                "Must be between 1 and 100 in length.",
            )
    _check_options(errors, path, payload.get("options") or [])


def _check_options(errors: _Errors, path: list[str | int], options: list[JSON]) -> None:
    if len(options) > 25:
        errors.add([*path, "options"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
    names: set[str] = set()
    seen_optional = False
    for i, option in enumerate(options):
        opath: list[str | int] = [*path, "options", i]
        _check_command(errors, opath, {**option, "type": 1})
        if option.get("name") in names:
            errors.add(
                [*opath, "name"],
                "APPLICATION_COMMAND_OPTION_NAME_ALREADY_EXISTS",
                "Option name already exists",
            )
        names.add(option.get("name", ""))
        if option.get("type") in (1, 2):
            continue
        if option.get("required"):
            if seen_optional:
                errors.add(
                    [*opath, "required"],
                    "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                    "Required options must be placed before non-required options",
                )
        else:
            seen_optional = True
        choices = option.get("choices") or []
        if len(choices) > 25:
            errors.add(
                [*opath, "choices"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length."
            )
        if choices and option.get("autocomplete"):
            errors.add(
                [*opath, "autocomplete"],
                "APPLICATION_COMMAND_AUTOCOMPLETE_INVALID",
                "Autocomplete cannot be set with choices",
            )
