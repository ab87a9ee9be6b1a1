"""Find the message keys the code names and the ones the catalog lacks, statically.

A string is taken for a message key when it is

- the key argument of a call that takes one (:data:`KEY_ARGUMENTS`: ``catalog.t(language,
  KEY)``, ``t(interaction, KEY)``, ``UserError(KEY)``, ``Refused(KEY)``), or a key-shaped
  ``key=`` argument (``Notice(key=...)``, ``StatusLine(key=...)``): it must be a message;
- or, anywhere else (constants, tables, helpers' arguments), a literal shaped like a key
  (``feature.part.name``) whose first part is a catalog's feature: it must be a message or a
  table of messages (a prefix the code completes later).

An f-string is checked through what its placeholders can be (:mod:`.key_values`): each
known value must give a key, and some key must have the f-string's shape. A line that
ends with the comment :data:`NOT_A_KEY` is skipped (a key-shaped string that is not one).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from tests.i18n.key_types import Module, TypeIndex, Values
from tests.i18n.key_values import Inference

KEY_ARGUMENTS = {"t": 1, "UserError": 0, "Refused": 0}
"""Callable name → position of its message-key argument."""
KEY_KEYWORD = "key"
KEY_SHAPE = re.compile(r"[a-z_]+(\.[a-z0-9_]+)+")
TEMPLATE_TEXT = re.compile(r"[a-z0-9_.]*")
FILE_NAME = re.compile(r".+\.(csv|ics|json|png|py|sqlite3|toml|txt)")
ANY_PART = "[a-z0-9_.]+"
NOT_A_KEY = "# not a message key"


@dataclass(frozen=True)
class Requirement:
    """Some catalog key (or table, unless ``message``) must fully match ``pattern``."""

    path: str
    line: int
    shown: str  # the key, or its shape: {a|b} for known choices, * for anything
    pattern: str
    message: bool  # at a key argument: a whole message, not a table
    code: str  # the expression as written

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.shown}    <- {self.code}"


def missing_keys(sources: Mapping[str, str], keys: Collection[str]) -> list[Requirement]:
    """The requirements of ``sources`` (path → Python text) that ``keys`` do not meet."""
    messages = set(keys)
    tables = {key.rsplit(".", n)[0] for key in messages for n in range(1, key.count(".") + 1)}
    features = frozenset(key.partition(".")[0] for key in messages)
    missing = []
    for requirement in key_requirements(sources, features):
        names = messages if requirement.message else messages | tables
        if requirement.shown in names:
            continue
        pattern = re.compile(requirement.pattern)
        if not any(pattern.fullmatch(name) for name in names):
            missing.append(requirement)
    return missing


def key_requirements(sources: Mapping[str, str], features: frozenset[str]) -> list[Requirement]:
    modules = [Module(path, text) for path, text in sources.items()]
    inference = Inference(TypeIndex(modules))
    found: dict[tuple[str, int, str, bool], Requirement] = {}
    for module in modules:
        for requirement in _module_requirements(module, inference, features):
            found.setdefault(
                (requirement.path, requirement.line, requirement.pattern, requirement.message),
                requirement,
            )
    return sorted(found.values(), key=lambda r: (r.path, r.line, r.shown))


def source_files(root: Path, *packages: str) -> dict[str, str]:
    """Python sources of ``packages`` under ``root``, keyed by their relative path."""
    return {
        str(path.relative_to(root)): path.read_text(encoding="utf-8")
        for package in packages
        for path in sorted((root / package).rglob("*.py"))
    }


def _module_requirements(
    module: Module, inference: Inference, features: frozenset[str]
) -> Iterator[Requirement]:
    lines = module.source.splitlines()
    for node in ast.walk(module.tree):
        if isinstance(node, ast.expr) and lines[node.lineno - 1].rstrip().endswith(NOT_A_KEY):
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if isinstance(module.parents.get(node), ast.JoinedStr | ast.FormattedValue):
                continue  # a piece of an f-string, checked with it
            at_key = _at_key_argument(node, module, node.value)
            if at_key or _looks_like_key(node.value, features):
                text = node.value
                yield Requirement(
                    module.path, node.lineno, text, re.escape(text), at_key, _code(node)
                )
        elif isinstance(node, ast.JoinedStr):
            leading = node.values[0] if node.values else None
            start = leading.value if isinstance(leading, ast.Constant) else ""
            at_key = _at_key_argument(node, module, start)
            if at_key or _template_looks_like_key(node, features):
                yield from _template_requirements(node, module, inference, at_key)


def _at_key_argument(node: ast.expr, module: Module, text: str) -> bool:
    """Whether ``node`` is (one branch of) a key argument; ``text`` is its literal start."""
    parent = module.parents.get(node)
    while isinstance(parent, ast.IfExp | ast.BoolOp) and node is not getattr(parent, "test", None):
        node, parent = parent, module.parents.get(parent)
    if isinstance(parent, ast.keyword):
        call = module.parents.get(parent)
        return (
            parent.arg == KEY_KEYWORD
            and isinstance(call, ast.Call)
            and re.match(r"[a-z_]+\.", text) is not None
        )
    if isinstance(parent, ast.Call) and node in parent.args:
        func = parent.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        return KEY_ARGUMENTS.get(name or "") == parent.args.index(node)
    return False


def _looks_like_key(text: str, features: frozenset[str]) -> bool:
    return (
        KEY_SHAPE.fullmatch(text) is not None
        and text.partition(".")[0] in features
        and not FILE_NAME.fullmatch(text)
    )


def _template_looks_like_key(node: ast.JoinedStr, features: frozenset[str]) -> bool:
    """``f"questions.post.{kind}_title"``: starts with ``feature.``, only key characters."""
    pieces = [v.value for v in node.values if isinstance(v, ast.Constant)]
    first = node.values[0] if node.values else None
    return (
        isinstance(first, ast.Constant)
        and str(first.value).partition(".")[0] in features
        and "." in str(first.value)
        and all(TEMPLATE_TEXT.fullmatch(str(piece)) for piece in pieces)
    )


def _template_requirements(
    node: ast.JoinedStr, module: Module, inference: Inference, at_key: bool
) -> Iterator[Requirement]:
    """Each known value of each placeholder must give a key; if none is known, the shape."""
    pieces = inference.parts(node, module)
    slots = [i for i, value in enumerate(node.values) if not isinstance(value, ast.Constant)]
    code = _code(node)

    def requirement(chosen: dict[int, str]) -> Requirement:
        shown, pattern = [], []
        for index, piece in enumerate(pieces):
            if index in chosen:
                shown.append(chosen[index])
                pattern.append(re.escape(chosen[index]))
            elif index not in slots:
                shown.append(next(iter(piece.known)))
                pattern.append(re.escape(next(iter(piece.known))))
            else:
                shown.append(_shown(piece))
                pattern.append(_pattern(piece))
        return Requirement(module.path, node.lineno, "".join(shown), "".join(pattern), at_key, code)

    # Each known value fixed in turn: the shape with one part pinned (implies the shape).
    pinned = [requirement({slot: v}) for slot in slots for v in sorted(pieces[slot].known)]
    yield from pinned or [requirement({})]


def _shown(values: Values) -> str:
    choices = sorted(values.known) + (["*"] if values.open or not values.known else [])
    return choices[0] if len(choices) == 1 else "{" + "|".join(choices) + "}"


def _pattern(values: Values) -> str:
    if values.open or not values.known:
        return ANY_PART
    return "(?:" + "|".join(re.escape(v) for v in sorted(values.known)) + ")"


def _code(node: ast.expr) -> str:
    text = ast.unparse(node)
    return text if len(text) <= 80 else text[:77] + "..."
