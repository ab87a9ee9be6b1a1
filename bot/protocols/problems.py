"""Why a custom protocol file is refused, in plain words: the file, the key, what is
wrong and what to write instead.

pydantic's own messages ("Tuple should have at least 1 item after validation, not 0")
are for programmers: each kind of error becomes a catalog message (``protocols.problem.*``,
in French and English), and a mistake made in several steps is one problem naming those
steps (``steps[1-3].title``), not one per step. The annotated example that the messages
point to is ``plc-bot protocol-example``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pydantic import Field, ValidationError

from bot.frozen import Frozen
from bot.i18n import Catalog, Phrase

BOTH_LANGUAGES = '{ fr = "…", en = "…" }'
EXAMPLES = {
    "id": 'id = "team-retro"',
    "name": f"name = {BOTH_LANGUAGES}",
    "overview": f"overview = {BOTH_LANGUAGES}",
    "title": f"title = {BOTH_LANGUAGES}",
    "prompt": f"prompt = {BOTH_LANGUAGES}",
    "minutes": "minutes = 10",
    "mode": 'mode = "round"',
    "audience": 'audience = "everyone"',
    "client": "client = true",
}
KEYS_AT = {
    "protocol": "id, name, overview, client, [[steps]]",
    "step": "title, prompt, minutes, mode, audience, questions",
    "text": "fr, en",
}
_STEP = re.compile(r"^steps\[(\d+)\](.*)$")


class ProtocolProblem(Frozen):
    """Why one protocol file was refused: where, which key, what is wrong."""

    file: str
    key: str
    problem: str
    """What is wrong: the message ``protocols.problem.<problem>``."""
    params: dict[str, Any] = Field(default_factory=dict)
    protocol_id: str | None = None
    """The id the file declares (or its name without ``.toml``): what members would type."""

    def phrase(self) -> Phrase:
        """The whole refusal (file, key, problem), for a message in the reader's language."""
        return Phrase(
            "protocols.refused",
            {"file": self.file, "key": self.key, "problem": self.what()},
        )

    def what(self) -> Phrase:
        return Phrase(f"protocols.problem.{self.problem}", self.params)

    def describe(self, catalog: Catalog, language: str = "en") -> str:
        phrase = self.phrase()
        return catalog.t(language, phrase.key, **phrase.params)


def file_problem(
    file: str, problem: str, protocol_id: str | None = None, **params: Any
) -> ProtocolProblem:
    """A problem with the file as a whole (not TOML, unreadable, id taken…)."""
    return ProtocolProblem(
        file=file, key="(file)", problem=problem, params=params, protocol_id=protocol_id
    )


def problems_from(exc: ValidationError, file_name: str, protocol_id: str) -> list[ProtocolProblem]:
    """The validation errors of one file, in plain words, each mistake once."""
    found = [(location(tuple(e["loc"])), *_plain(e)) for e in exc.errors()]
    if any(_STEP.match(key) for key, _, _ in found):
        # pydantic also says "no step" when every step was refused: it is not news.
        found = [f for f in found if f[:2] != ("steps", "no_steps")]
    return [
        ProtocolProblem(
            file=file_name, key=key, problem=problem, params=params, protocol_id=protocol_id
        )
        for key, problem, params in _merged(found)
    ]


def location(loc: tuple[int | str, ...]) -> str:
    """``('steps', 2, 'minutes')`` → ``steps[3].minutes`` (steps counted from 1)."""
    parts: list[str] = []
    for part in loc:
        if isinstance(part, int):
            parts[-1] = f"{parts[-1]}[{part + 1}]" if parts else f"[{part + 1}]"
        else:
            parts.append(part)
    return ".".join(parts) or "(file)"


def _plain(error: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """The catalog problem and its values for one pydantic error."""
    loc = tuple(error["loc"])
    names = [part for part in loc if isinstance(part, str)]
    field = names[-1] if names else ""
    kind, ctx = str(error["type"]), dict(error.get("ctx") or {})
    if kind == "missing":
        in_list = len(loc) > 1 and isinstance(loc[-2], int)  # a question of the pool
        return _missing(field, names, in_list)
    if kind == "extra_forbidden":
        return "unknown_key", {"keys": KEYS_AT[_level(loc)]}
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return "both_languages", {"example": f"{field} = {BOTH_LANGUAGES}"}
    if kind in ("tuple_type", "list_type"):
        return ("steps_blocks" if field == "steps" else "questions_list"), {}
    if kind == "too_short" and field == "steps":
        return "no_steps", {}
    if kind == "too_long":
        limit = ctx.get("max_length")
        return ("too_many_steps" if field == "steps" else "too_many_questions"), {"max": limit}
    return _value_problem(kind, field, ctx, error)


def _missing(field: str, names: list[str], in_list: bool) -> tuple[str, dict[str, Any]]:
    if field in ("fr", "en"):
        parent = names[-2] if len(names) > 1 and not in_list else None
        example = f"{parent} = {BOTH_LANGUAGES}" if parent else BOTH_LANGUAGES
        return f"missing_{field}", {"example": example}
    if field == "steps":
        return "no_steps", {}
    return "missing", {"example": EXAMPLES.get(field, f"{field} = …")}


def _value_problem(
    kind: str, field: str, ctx: dict[str, Any], error: Mapping[str, Any]
) -> tuple[str, dict[str, Any]]:
    if kind == "string_pattern_mismatch":
        return "id_format", {"value": str(error.get("input", ""))[:40]}
    if kind == "string_too_short":
        return "empty", {}
    if kind == "string_too_long":
        return "too_long", {"max": ctx.get("max_length")}
    if kind == "string_type":
        return "text", {"example": EXAMPLES.get(field, f'{field} = "…"')}
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return "minutes_number", {}
    if kind == "greater_than_equal":
        return "minutes_too_few", {"limit": ctx.get("ge")}
    if kind == "less_than_equal":
        return "minutes_too_many", {"limit": ctx.get("le")}
    if kind == "literal_error" and field in ("mode", "audience"):
        return field, {}
    if kind in ("bool_parsing", "bool_type"):
        return "true_false", {}
    if kind in ("needs_client", "too_many_minutes"):  # our own rules, already plain
        return kind, ctx
    return "other", {"detail": str(error["msg"]).removeprefix("Value error, ")}


def _level(loc: tuple[int | str, ...]) -> str:
    """Where an unknown key stands: at the top of the file, in a step, or in a text."""
    parents = loc[:-1]
    if not parents:
        return "protocol"
    if len(parents) == 2 and parents[0] == "steps":
        return "step"
    return "text"


def _merged(
    found: list[tuple[str, str, dict[str, Any]]],
) -> list[tuple[str, str, dict[str, Any]]]:
    """One entry per mistake: the same problem in several steps names them together."""
    merged: list[tuple[str, str, dict[str, Any]]] = []
    steps_of: dict[tuple[str, str, str], tuple[int, list[int]]] = {}
    for key, problem, params in found:
        step = _STEP.match(key)
        if step is None:
            merged.append((key, problem, params))
            continue
        same = (step.group(2), problem, repr(sorted(params.items())))
        if same in steps_of:
            steps_of[same][1].append(int(step.group(1)))
        else:
            steps_of[same] = (len(merged), [int(step.group(1))])
            merged.append((key, problem, params))
    for (rest, _, _), (index, numbers) in steps_of.items():
        _, problem, params = merged[index]
        merged[index] = (f"steps[{_numbers(numbers)}]{rest}", problem, params)
    return merged


def _numbers(numbers: list[int]) -> str:
    """``[1, 2, 3, 5]`` → ``1-3, 5``."""
    runs: list[list[int]] = []
    for number in sorted(set(numbers)):
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs)
