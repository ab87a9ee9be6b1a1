"""Offline checks of what a Teams bot ships: its Adaptive Cards and its app manifest.

The published JSON schemas are vendored in ``schemas/`` (where each came from is in
``schemas/README.md``): the Adaptive Card 1.5 schema (draft-06) and the Teams app
manifest 1.22 schema (it says draft-04; checked as draft-07, see :func:`_validator`).
``jsonschema`` is a development dependency, so it is imported on first use.

A card is also held to :data:`CARD_SIZE_BUDGET`, 28 KB of UTF-8 JSON: the message
limit Teams long documented (and still applies to incoming webhooks).  Microsoft now
gives bots 40 KB counted in UTF-16 (the emulator refuses past that, as Teams does);
the budget keeps the bot well inside it.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from .state import CARD_CONTENT_TYPE

SCHEMAS = Path(__file__).parent / "schemas"
ADAPTIVE_CARD_SCHEMA = SCHEMAS / "adaptive-card-1.5.schema.json"
MANIFEST_SCHEMA = SCHEMAS / "teams-manifest-1.22.schema.json"
CARD_SIZE_BUDGET = 28 * 1024


@functools.cache
def _validator(path: Path) -> Any:
    import jsonschema  # development dependency: only tests validate

    schema = json.loads(path.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    if path == MANIFEST_SCHEMA:
        # It says draft-04 but pins manifestVersion with ``const`` (draft-06 on), which a
        # draft-04 validator ignores; it uses nothing draft-07 reads differently.
        cls = jsonschema.Draft7Validator
    cls.check_schema(schema)
    return cls(schema)


def _deepest(error: Any) -> Any:
    """The most specific cause of an ``anyOf`` failure: the card schema lists every element
    type as a branch, so follow the branch whose ``type`` matched (fewest errors if none)."""
    while error.context:
        branches: dict[Any, list[Any]] = {}
        for sub in error.context:
            branches.setdefault(sub.relative_schema_path[0], []).append(sub)
        typed = [
            errs
            for errs in branches.values()
            if not any(list(e.relative_path)[-1:] == ["type"] for e in errs)
        ]
        chosen = min(typed or list(branches.values()), key=len)
        error = max(chosen, key=lambda e: len(e.absolute_path))
    return error


def _errors(path: Path, document: Any) -> list[str]:
    found = [_deepest(e) for e in _validator(path).iter_errors(document)]
    found.sort(key=lambda e: [str(p) for p in e.absolute_path])
    return [f"{'/'.join(str(p) for p in e.absolute_path) or '(root)'}: {e.message}" for e in found]


def _msteams_errors(card: dict[str, Any]) -> list[str]:
    """Teams' own ``msteams`` property of a card (the published schema does not list it):
    ``width`` ``Full`` and ``entities``, each a mention whose ``<at>…</at>`` text is in
    the card (Teams pings only the mentions listed there, and needs each one shown)."""
    extension = card.get("msteams")
    if not isinstance(extension, dict):
        return ["msteams: must be an object"]
    problems = [
        f"msteams: unknown property {k!r}" for k in extension if k not in ("width", "entities")
    ]
    if "width" in extension and extension["width"] != "Full":
        problems.append("msteams/width: must be 'Full'")
    shown = json.dumps(card.get("body", []), ensure_ascii=False)
    for i, entity in enumerate(extension.get("entities") or []):
        mentioned = entity.get("mentioned") if isinstance(entity, dict) else None
        text = entity.get("text") if isinstance(entity, dict) else None
        if entity.get("type") != "mention" or not isinstance(mentioned, dict):
            problems.append(f"msteams/entities/{i}: not a mention entity")
        elif not mentioned.get("id") or not isinstance(text, str) or not text.startswith("<at>"):
            problems.append(f"msteams/entities/{i}: needs mentioned.id and an <at>…</at> text")
        elif json.dumps(text, ensure_ascii=False)[1:-1] not in shown:
            problems.append(f"msteams/entities/{i}: {text} is not in the card's text")
    return problems


def card_errors(card: Any, *, size_budget: int = CARD_SIZE_BUDGET) -> list[str]:
    """What is wrong with an Adaptive Card: schema violations, a version other than
    1.5 (Teams needs 1.5 for ``Action.Execute`` and ``refresh``), its size over budget,
    a malformed ``msteams`` extension (mentions)."""
    problems: list[str] = []
    if isinstance(card, dict) and "msteams" in card:
        problems += _msteams_errors(card)
        card = {k: v for k, v in card.items() if k != "msteams"}
    problems += _errors(ADAPTIVE_CARD_SCHEMA, card)
    if isinstance(card, dict) and card.get("version") != "1.5":
        problems.append(f"version: {card.get('version')!r} is not '1.5'")
    size = len(json.dumps(card, ensure_ascii=False).encode("utf-8"))
    if size > size_budget:
        problems.append(f"(size): {size} bytes is over the {size_budget}-byte budget")
    return problems


def activity_card_errors(activity: Any) -> list[str]:
    """:func:`card_errors` of every Adaptive Card attachment of a message activity."""
    if not isinstance(activity, dict):
        return []
    problems: list[str] = []
    for i, attachment in enumerate(activity.get("attachments") or []):
        if isinstance(attachment, dict) and attachment.get("contentType") == CARD_CONTENT_TYPE:
            problems += [f"attachments/{i}/{p}" for p in card_errors(attachment.get("content"))]
    return problems


def manifest_errors(manifest: Any) -> list[str]:
    """Schema violations of a Teams app ``manifest.json`` (manifest version 1.22)."""
    return _errors(MANIFEST_SCHEMA, manifest)
