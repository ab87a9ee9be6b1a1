"""What a placeholder in a message key can be, read from the source without running it.

``f"questions.post.{item.kind}_title"`` names a catalog key only once ``item.kind``
is known. This module answers "which strings can this expression be?" where the
code says so itself: a literal, a ``Literal[...]`` type (on a parameter, a
variable or a model field), a fixed tuple, list or dict iterated in the same
function or module, the literal arguments of a function's callers in the same
module, ``a if c else b``, ``a or b``. Anything else is *open*: the caller then
only checks that some key has the expression's shape.
"""

from __future__ import annotations

import ast
import itertools
import math
from collections.abc import Iterator

from tests.i18n.key_types import (
    FUNCTIONS,
    MAX_DEPTH,
    NOTHING,
    OPEN,
    Module,
    TypeIndex,
    Values,
    exactly,
    name_of,
)

MAX_COMBINATIONS = 64


def _targets(node: ast.AST) -> Iterator[tuple[ast.expr, ast.expr | None]]:
    """(target, assigned expression) pairs a statement binds."""
    if isinstance(node, ast.Assign):
        for target in node.targets:
            yield target, node.value
    elif isinstance(node, ast.AnnAssign | ast.AugAssign | ast.NamedExpr):
        yield node.target, None if isinstance(node, ast.AugAssign) else node.value


def _binds_opaquely(node: ast.AST, name: str) -> bool:
    """``except E as name``, ``with x as name``, ``import name``: nothing to infer."""
    if isinstance(node, ast.ExceptHandler):
        return node.name == name
    if isinstance(node, ast.alias):
        return (node.asname or node.name.partition(".")[0]) == name
    if isinstance(node, ast.withitem) and node.optional_vars is not None:
        return _position(node.optional_vars, name) is not None
    return False


def _position(target: ast.expr, name: str) -> tuple[int, ...] | None:
    """Where ``name`` sits in a (possibly nested) unpacking target; None if absent."""
    if isinstance(target, ast.Name):
        return () if target.id == name else None
    if isinstance(target, ast.Tuple | ast.List):
        for index, element in enumerate(target.elts):
            inner = _position(element, name)
            if inner is not None:
                return (index, *inner)
    return None


class Inference:
    """Answers :meth:`values` for expressions of the scanned modules."""

    def __init__(self, types: TypeIndex) -> None:
        self.types = types
        self._names: dict[ast.Name, Values] = {}

    def values(self, node: ast.expr, module: Module, depth: int = 0) -> Values:
        if depth > MAX_DEPTH:
            return OPEN
        if isinstance(node, ast.Constant) and isinstance(node.value, str | int):
            return exactly(str(node.value))
        if isinstance(node, ast.IfExp):
            return self.values(node.body, module, depth + 1) | self.values(
                node.orelse, module, depth + 1
            )
        if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or):
            result = NOTHING
            for operand in node.values:
                result |= self.values(operand, module, depth + 1)
            return result
        if isinstance(node, ast.JoinedStr):
            return self._joined(node, module, depth)
        if isinstance(node, ast.Name):
            if node not in self._names:
                self._names[node] = OPEN  # a name defined through itself stays open
                self._names[node] = self._name(node, module, depth)
            return self._names[node]
        if isinstance(node, ast.Attribute):
            return self._attribute(node, module, depth)
        return OPEN

    def parts(self, node: ast.JoinedStr, module: Module, depth: int = 0) -> list[Values]:
        """Each piece of an f-string: literal text as one exact value, placeholders inferred."""
        pieces = []
        for value in node.values:
            if isinstance(value, ast.Constant):
                pieces.append(exactly(str(value.value)))
            elif isinstance(value, ast.FormattedValue) and value.format_spec is None:
                pieces.append(self.values(value.value, module, depth + 1))
            else:
                pieces.append(OPEN)
        return pieces

    def _joined(self, node: ast.JoinedStr, module: Module, depth: int) -> Values:
        pieces = self.parts(node, module, depth)
        if (
            any(p.open for p in pieces)
            or math.prod(len(p.known) for p in pieces) > MAX_COMBINATIONS
        ):
            return OPEN
        return exactly(*map("".join, itertools.product(*(sorted(p.known) for p in pieces))))

    def _attribute(self, node: ast.Attribute, module: Module, depth: int) -> Values:
        if isinstance(node.value, ast.Name):
            for class_name in self._classes_of(node.value, module):
                values = self.types.field(class_name, node.attr)
                if values is not None:
                    return values
        return self.types.any_field(node.attr) or OPEN

    def _classes_of(self, name: ast.Name, module: Module) -> list[str]:
        """Class names a variable is annotated with (``self`` is its class)."""
        if name.id == "self":
            cls = module.enclosing(name, (ast.ClassDef,))
            return [cls.name] if isinstance(cls, ast.ClassDef) else []
        annotation = self._annotation(name.id, module.scope_of(name))
        if annotation is None:
            return []
        parts = [annotation]
        while parts and isinstance(parts[0], ast.BinOp):
            binop = parts.pop(0)
            assert isinstance(binop, ast.BinOp)
            parts += [binop.left, binop.right]
        return [n for part in parts if (n := name_of(part))]

    def _annotation(self, name: str, scope: ast.AST) -> ast.expr | None:
        if isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef):
            arguments = scope.args
            for arg in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]:
                if arg.arg == name:
                    return arg.annotation
        for node in ast.walk(scope):
            if (
                isinstance(node, ast.AnnAssign)
                and isinstance(node.target, ast.Name)
                and node.target.id == name
            ):
                return node.annotation
        return None

    def _name(self, node: ast.Name, module: Module, depth: int) -> Values:
        scope = module.scope_of(node)
        while True:
            found = self._bindings(node.id, scope, module, depth)
            if found is not None:
                return found
            if scope is module.tree:
                return OPEN  # imported, a builtin or a global set elsewhere
            scope = module.scope_of(scope)

    def _bindings(self, name: str, scope: ast.AST, module: Module, depth: int) -> Values | None:
        """Everything ``name`` is set to in ``scope``; None if the scope never sets it."""
        result: Values | None = None
        if isinstance(scope, FUNCTIONS):
            result = self._parameter(name, scope, module, depth)
        for node in module.own_nodes(scope):
            found: Values | None = None
            for target, value in _targets(node):
                position = _position(target, name)
                if position is None:
                    continue
                annotation = node.annotation if isinstance(node, ast.AnnAssign) else None
                literal = self.types.literal(annotation, module.path)
                if literal is not None:
                    found = literal
                elif value is None or position:
                    found = OPEN if value is None else self._item(value, position, module, depth)
                else:
                    found = self.values(value, module, depth + 1)
            if isinstance(node, ast.For | ast.AsyncFor | ast.comprehension):
                position = _position(node.target, name)
                if position is not None:
                    found = self._iterated(node.iter, position, module, depth)
            if _binds_opaquely(node, name):
                found = OPEN
            if found is not None:
                result = found if result is None else result | found
        return result

    def _item(
        self, value: ast.expr, position: tuple[int, ...], module: Module, depth: int
    ) -> Values:
        """The element at ``position`` of an unpacked literal tuple."""
        for index in position:
            if not isinstance(value, ast.Tuple | ast.List) or index >= len(value.elts):
                return OPEN
            value = value.elts[index]
        return self.values(value, module, depth + 1)

    def _iterated(
        self, iterable: ast.expr, position: tuple[int, ...], module: Module, depth: int
    ) -> Values:
        """Values a loop variable takes when iterating ``iterable``."""
        if isinstance(iterable, ast.Tuple | ast.List | ast.Set):
            result = NOTHING
            for element in iterable.elts:
                result |= self._item(element, position, module, depth)
            return result
        if isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Attribute):
            method, owner = iterable.func.attr, iterable.func.value
            if method in {"items", "keys", "values"} and isinstance(owner, ast.Name):
                return self._dict_items(owner, method, position, module, depth)
        if isinstance(iterable, ast.Name):
            return self._sequence(iterable, position, module, depth)
        return OPEN

    def _sequence(
        self, name: ast.Name, position: tuple[int, ...], module: Module, depth: int
    ) -> Values:
        """A list built from literals and ``.append``/``.extend`` of literals."""
        result: Values | None = None
        scope = module.scope_of(name)
        for node in module.own_nodes(scope):
            found: Values | None = None
            for target, value in _targets(node):
                if _position(target, name.id) == ():
                    found = (
                        OPEN if value is None else self._iterated(value, position, module, depth)
                    )
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == name.id
            ):
                if node.func.attr == "append" and len(node.args) == 1:
                    found = self._item(node.args[0], position, module, depth)
                elif node.func.attr == "extend" and len(node.args) == 1:
                    found = self._iterated(node.args[0], position, module, depth)
            if found is not None:
                result = found if result is None else result | found
        if result is None and scope is not module.tree:
            return self._module_constant(name, position, module, depth)
        return result or OPEN

    def _module_constant(
        self, name: ast.Name, position: tuple[int, ...], module: Module, depth: int
    ) -> Values:
        for node in module.tree.body:
            for target, value in _targets(node):
                if _position(target, name.id) == () and value is not None:
                    return self._iterated(value, position, module, depth)
        return OPEN

    def _dict_items(
        self, owner: ast.Name, method: str, position: tuple[int, ...], module: Module, depth: int
    ) -> Values:
        """``for k, v in TABLE.items()`` over a dict literal of the function or module."""
        for scope in (module.scope_of(owner), module.tree):
            for node in module.own_nodes(scope):
                for target, value in _targets(node):
                    if _position(target, owner.id) != () or not isinstance(value, ast.Dict):
                        continue
                    if any(key is None for key in value.keys):  # {**other}
                        return OPEN
                    keys = [key for key in value.keys if key is not None]
                    elements: list[ast.expr] = {
                        "items": [
                            ast.Tuple([k, v]) for k, v in zip(keys, value.values, strict=True)
                        ],
                        "keys": keys,
                        "values": value.values,
                    }[method]
                    return self._iterated(ast.Tuple(elements), position, module, depth)
        return OPEN

    def _parameter(
        self,
        name: str,
        function: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda,
        module: Module,
        depth: int,
    ) -> Values | None:
        """A parameter: its ``Literal`` type, else what this module's callers pass (open)."""
        arguments = function.args
        positional = [*arguments.posonlyargs, *arguments.args]
        every = [*positional, *arguments.kwonlyargs]
        parameter = next((a for a in every if a.arg == name), None)
        if parameter is None:
            return None
        literal = self.types.literal(parameter.annotation, module.path)
        if literal is not None:
            return literal
        if isinstance(function, ast.Lambda):
            return OPEN
        index = positional.index(parameter) if parameter in positional else None
        if index is not None and positional and positional[0].arg in {"self", "cls"}:
            index -= 1
        result = OPEN  # callers in other modules, or passed as a callback
        for call in module.calls:
            if name_of(call.func) != function.name:
                continue
            keyword = next((k for k in call.keywords if k.arg == name), None)
            if keyword is not None:
                result |= self.values(keyword.value, module, depth + 1)
            elif index is not None and 0 <= index < len(call.args):
                if any(isinstance(a, ast.Starred) for a in call.args[: index + 1]):
                    continue
                result |= self.values(call.args[index], module, depth + 1)
        return result
