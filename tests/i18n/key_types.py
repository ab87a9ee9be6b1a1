"""The pieces :mod:`tests.i18n.key_values` reasons with: parsed modules and their types.

:class:`Values` is what an expression can be; :class:`Module` is one parsed file with
parent links; :class:`TypeIndex` knows every ``Literal`` alias and model field of the
scanned code, by name, so ``item.kind`` can be read as ``Literal["question", "topic"]``.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

MAX_DEPTH = 12  # a chain of names longer than this is given up on (open)


@dataclass(frozen=True)
class Values:
    """The strings an expression can be; ``open`` when others are possible too."""

    known: frozenset[str] = frozenset()
    open: bool = False

    def __or__(self, other: Values) -> Values:
        return Values(self.known | other.known, self.open or other.open)


OPEN = Values(open=True)
NOTHING = Values()


def exactly(*values: str) -> Values:
    return Values(frozenset(values))


FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
SCOPES = (*FUNCTIONS, ast.ClassDef)
TYPE_ALIAS = getattr(ast, "TypeAlias", ())  # ``type X = ...`` (Python 3.12+)


class Module:
    """One parsed source file with the look-ups inference needs."""

    def __init__(self, path: str, source: str) -> None:
        self.path = path
        self.source = source
        self.tree = ast.parse(source, filename=path)
        tree = self.tree
        self.parents: dict[ast.AST, ast.AST] = {}
        self.calls: list[ast.Call] = []
        self._own: dict[ast.AST, list[ast.AST]] = {}
        for node in ast.walk(tree):
            for child in ast.iter_child_nodes(node):
                self.parents[child] = node
            if isinstance(node, ast.Call):
                self.calls.append(node)

    def enclosing(self, node: ast.AST, kinds: tuple[type[ast.AST], ...]) -> ast.AST | None:
        current = self.parents.get(node)
        while current is not None and not isinstance(current, kinds):
            current = self.parents.get(current)
        return current

    def scope_of(self, node: ast.AST) -> ast.AST:
        """The innermost function around ``node``, or the module."""
        return self.enclosing(node, FUNCTIONS) or self.tree

    def own_nodes(self, scope: ast.AST) -> list[ast.AST]:
        """Nodes of ``scope`` outside the functions and classes nested in it."""
        if scope not in self._own:
            self._own[scope] = [
                node
                for node in ast.walk(scope)
                if node is scope or (self.enclosing(node, SCOPES) or self.tree) is scope
            ]
        return self._own[scope]


class TypeIndex:
    """``Literal`` aliases and model fields of every scanned module, by name."""

    def __init__(self, modules: Iterable[Module]) -> None:
        self.aliases: dict[str, dict[str, ast.expr]] = defaultdict(dict)  # name -> path -> value
        self.classes: dict[str, list[tuple[Module, ast.ClassDef]]] = defaultdict(list)
        for module in modules:
            for node in module.tree.body:
                if isinstance(node, ast.Assign) and len(node.targets) == 1:
                    target = node.targets[0]
                    if isinstance(target, ast.Name):
                        self.aliases[target.id][module.path] = node.value
                elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                    if node.value is not None:
                        self.aliases[node.target.id][module.path] = node.value
                elif isinstance(node, TYPE_ALIAS) and isinstance(node.name, ast.Name):
                    self.aliases[node.name.id][module.path] = node.value
            for node in ast.walk(module.tree):
                if isinstance(node, ast.ClassDef):
                    self.classes[node.name].append((module, node))

    def literal(self, annotation: ast.expr | None, path: str, depth: int = 0) -> Values | None:
        """The values of a ``Literal`` annotation (through aliases, ``| None``); else None."""
        if annotation is None or depth > MAX_DEPTH:
            return None
        if isinstance(annotation, ast.Constant) and annotation.value is None:
            return NOTHING
        if isinstance(annotation, ast.Subscript):
            name = name_of(annotation.value)
            items = annotation.slice.elts if isinstance(annotation.slice, ast.Tuple) else []
            items = items or [annotation.slice]
            if name == "Literal":
                if all(isinstance(i, ast.Constant) for i in items):
                    return exactly(*(str(i.value) for i in items if isinstance(i, ast.Constant)))
                return None
            if name in {"Optional", "Union"}:
                return self._union(items, path, depth)
            return None
        if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
            return self._union([annotation.left, annotation.right], path, depth)
        if isinstance(annotation, ast.Name):
            value = self._alias(annotation.id, path)
            return self.literal(value, path, depth + 1) if value is not None else None
        return None

    def _union(self, parts: list[ast.expr], path: str, depth: int) -> Values | None:
        result = NOTHING
        for part in parts:
            values = self.literal(part, path, depth + 1)
            if values is None:
                return None
            result |= values
        return result

    def _alias(self, name: str, path: str) -> ast.expr | None:
        """The alias in the same module, else the only module that defines it."""
        found = self.aliases.get(name, {})
        if path in found:
            return found[path]
        return next(iter(found.values())) if len(found) == 1 else None

    def field(self, class_name: str, attribute: str, depth: int = 0) -> Values | None:
        """The ``Literal`` values of ``class_name.attribute`` (bases included), if unique."""
        definitions = self.classes.get(class_name, [])
        if len(definitions) != 1 or depth > MAX_DEPTH:
            return None
        module, cls = definitions[0]
        for statement in cls.body:
            if (
                isinstance(statement, ast.AnnAssign)
                and isinstance(statement.target, ast.Name)
                and statement.target.id == attribute
            ):
                return self.literal(statement.annotation, module.path)
        for base in cls.bases:
            name = name_of(base)
            if name and (values := self.field(name, attribute, depth + 1)) is not None:
                return values
        return None

    def any_field(self, attribute: str) -> Values | None:
        """``attribute`` on an unknown object: known only if every model agrees on it."""
        found: set[frozenset[str]] = set()
        for definitions in self.classes.values():
            for module, cls in definitions:
                for statement in cls.body:
                    if (
                        isinstance(statement, ast.AnnAssign)
                        and isinstance(statement.target, ast.Name)
                        and statement.target.id == attribute
                    ):
                        values = self.literal(statement.annotation, module.path)
                        if values is None:
                            return None
                        found.add(values.known)
        return exactly(*found.pop()) if len(found) == 1 else None


def name_of(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None
