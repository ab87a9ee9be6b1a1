"""The shape of the code, read from its imports and classes (``ast``, nothing imported):

- a feature's package (``bot/services/<feature>/``) uses no other feature's repository
  (``bot.db.<theirs>``) and no other feature's service internals
  (``bot.services.<theirs>.<module>``): it asks the other feature's public service, or
  an interface that feature registers. The foundation's repositories and the core are
  for everyone;
- ``bot/`` imports no chat platform (``discord``, the adapters ``cogs`` and ``teams``),
  but for the emulator and the playground, which play or drive one;
- no class in ``bot/services/`` inherits from more than one class defined there
  (composition, not mixin chains).

Each failure names the file, the line and what it imports or inherits.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.markup import PLATFORM_SYNTAX

ROOT = Path(__file__).resolve().parent.parent
BOT = ROOT / "bot"
SERVICES = BOT / "services"
DB = BOT / "db"

FEATURE_REPOSITORIES: dict[str, frozenset[str]] = {
    "meetings": frozenset({"meetings", "meeting_rsvps"}),
    "checkins": frozenset({"checkins", "goals"}),
    "questions": frozenset({"questions"}),
    "facilitation": frozenset({"facilitation"}),
    "community": frozenset(),
}
"""Each package of ``bot/services/`` and the repositories (``bot/db/<name>``) it owns;
``community`` is the foundation, whose repositories are below."""

FOUNDATION = frozenset(
    {
        "communities",
        "members",
        "audit",
        "timers",
        "targets",
        "bot_state",
        "codec",
        "connection",
        "erasure",
    }
)
"""The foundation's repositories: every feature may use them."""

CORE_DB = frozenset(
    {
        "database",
        "pages",
        "one_trip",
        "group_commit",
        "log_sync",
        "engine",
        "url",
        "postgres",
        "postgres_sql",
        "copy",
        "loop_reads",
        "timer_leases",
        "shard_claims",
    }
)
"""The database itself (opening, migrations, the page check, transactions in one trip, writes
waiting together committed together, reads on the loop's thread; the engine chosen by URL,
PostgreSQL's, the copy between engines; the claims on timers and shards that let several
processes share one)."""

PLATFORMS = ("discord", "cogs", "teams")
PLATFORM_FREE_EXCEPT = ("emulator", "playground")


def modules(folder: Path) -> Iterator[Path]:
    yield from sorted(p for p in folder.rglob("*.py") if "__pycache__" not in p.parts)


def shown(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def imports(tree: ast.AST, path: str) -> Iterator[tuple[int, str, list[str]]]:
    """Every import of the file at ``path``: its line, the module and the names taken
    from it (``from a import b``: module ``a``, names ``["b"]``; relative imports are
    resolved against ``path``)."""
    package = path.removesuffix(".py").split("/")[:-1]
    for node in sorted(ast.walk(tree), key=lambda n: getattr(n, "lineno", 0)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, []
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            yield node.lineno, module, [alias.name for alias in node.names]


def modules_used(tree: ast.AST, path: str) -> Iterator[tuple[int, str]]:
    """Every module of the checkout the file imports (``from a import b`` uses ``a.b``
    when b is a module, else ``a``)."""
    for line, module, names in imports(tree, path):
        submodules = [f"{module}.{name}" for name in names if is_module(f"{module}.{name}")]
        yield from ((line, name) for name in submodules or [module])


def is_module(dotted: str) -> bool:
    """Whether ``bot.x.y`` names a module or package of the checkout (not a class)."""
    path = ROOT.joinpath(*dotted.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def owner_of(repository: str) -> str | None:
    return next((f for f, owned in FEATURE_REPOSITORIES.items() if repository in owned), None)


def boundary_problems(feature: str, path: str, source: str) -> list[str]:
    """What a module of ``bot/services/<feature>/`` imports that belongs to another
    feature, in the file's order."""
    allowed = FOUNDATION | CORE_DB | FEATURE_REPOSITORIES[feature]
    problems = []
    for line, name in modules_used(ast.parse(source), path):
        parts = name.split(".")
        if parts[0] != "bot" or len(parts) < 3:
            continue
        if parts[1] == "db" and parts[2] not in allowed:
            owner = owner_of(parts[2])
            whose = f"the {owner} feature's repository" if owner else "a repository nobody owns"
            problems.append(f"{path}:{line} imports {name}: {whose}")
        elif parts[1] == "services" and len(parts) > 3 and parts[2] != feature:
            problems.append(
                f"{path}:{line} imports {name}: the {parts[2]} feature's internals "
                f"(import what bot.services.{parts[2]} exports)"
            )
    return list(dict.fromkeys(problems))


def platform_problems(path: str, source: str) -> list[str]:
    problems = []
    for line, module, _ in imports(ast.parse(source), path):
        if module.split(".")[0] in PLATFORMS:
            problems.append(f"{path}:{line} imports {module}: a chat platform")
    return list(dict.fromkeys(problems))


def service_classes() -> set[str]:
    """The names of the classes defined in ``bot/services/``."""
    return {
        node.name
        for path in modules(SERVICES)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ClassDef)
    }


def inheritance_problems(path: str, source: str, defined: set[str]) -> list[str]:
    """Classes inheriting from more than one class of ``bot/services/`` (a base is one if
    it is defined in this file or imported from ``bot.services``)."""
    tree = ast.parse(source)
    local = {n.name for n in ast.walk(tree) if isinstance(n, ast.ClassDef)}
    imported = {
        alias.asname or alias.name: alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("bot.services")
        for alias in node.names
    }
    problems = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.ClassDef):
            continue
        bases = [b.id if isinstance(b, ast.Name) else ast.unparse(b) for b in node.bases]
        ours = [b for b in bases if b in local or imported.get(b, "") in defined]
        if len(ours) > 1:
            problems.append(
                f"{path}:{node.lineno} class {node.name} inherits from {', '.join(ours)}"
            )
    return problems


# -- the code as it is ---------------------------------------------------------------------


@pytest.mark.parametrize("feature", sorted(FEATURE_REPOSITORIES))
def test_a_feature_uses_only_its_own_repositories_and_others_public_services(
    feature: str,
) -> None:
    problems = [
        problem
        for path in modules(SERVICES / feature)
        for problem in boundary_problems(feature, shown(path), path.read_text(encoding="utf-8"))
    ]
    assert problems == []


def test_every_repository_belongs_to_a_feature_or_the_foundation() -> None:
    """A new ``bot/db`` module must be given an owner here, so the boundaries see it."""
    owned = FOUNDATION | CORE_DB | frozenset().union(*FEATURE_REPOSITORIES.values())
    found = {p.stem for p in DB.glob("*.py") if p.stem != "__init__"}
    found |= {p.name for p in DB.iterdir() if (p / "__init__.py").is_file()}
    assert sorted(found - owned) == []
    assert {p.name for p in SERVICES.iterdir() if (p / "__init__.py").is_file()} == set(
        FEATURE_REPOSITORIES
    )


def test_bot_imports_no_chat_platform_outside_the_emulator_and_the_playground() -> None:
    problems = [
        problem
        for path in modules(BOT)
        if path.relative_to(BOT).parts[0] not in PLATFORM_FREE_EXCEPT
        for problem in platform_problems(shown(path), path.read_text(encoding="utf-8"))
    ]
    assert problems == []


def test_no_service_class_inherits_from_more_than_one_service_class() -> None:
    defined = service_classes()
    problems = [
        problem
        for path in modules(SERVICES)
        for problem in inheritance_problems(shown(path), path.read_text(encoding="utf-8"), defined)
    ]
    assert problems == []


# -- the checks themselves: each finds what it is for, and names it -----------------------


def test_the_checks_name_the_file_and_the_import() -> None:
    path = "bot/services/facilitation/rotation/x.py"
    source = (
        "from bot.db import meetings as meetings_db\n"
        "from bot.db.meeting_rsvps import Answer\n"
        "import bot.db.goals\n"
        "from bot.db import Database, members, timers\n"
        "from bot.db.facilitation import rotation\n"
        "from bot.services.meetings import MeetingService\n"
        "from bot.services.meetings.publisher import Publisher\n"
        "from bot.services.community import CommunityService\n"
        "from bot.services.questions import posting\n"
        "from ...meetings import service\n"
    )
    assert boundary_problems("facilitation", path, source) == [
        f"{path}:1 imports bot.db.meetings: the meetings feature's repository",
        f"{path}:2 imports bot.db.meeting_rsvps: the meetings feature's repository",
        f"{path}:3 imports bot.db.goals: the checkins feature's repository",
        f"{path}:7 imports bot.services.meetings.publisher: the meetings feature's internals "
        "(import what bot.services.meetings exports)",
        f"{path}:9 imports bot.services.questions.posting: the questions feature's internals "
        "(import what bot.services.questions exports)",
        f"{path}:10 imports bot.services.meetings.service: the meetings feature's internals "
        "(import what bot.services.meetings exports)",
    ]
    assert platform_problems("bot/x.py", "import discord\nfrom cogs.render import r\n") == [
        "bot/x.py:1 imports discord: a chat platform",
        "bot/x.py:2 imports cogs.render: a chat platform",
    ]
    mixed = (
        "from bot.services.base import Core\n"
        "from bot.services.meetings.queries import MeetingQueries\n"
        "class Local: ...\n"
        "class Both(MeetingQueries, Local): ...\n"
        "class One(MeetingQueries, Exception): ...\n"
    )
    assert inheritance_problems("bot/services/x.py", mixed, service_classes()) == [
        "bot/services/x.py:4 class Both inherits from MeetingQueries, Local"
    ]


MODULE_MAX_LINES = 400
FUNCTION_MAX_LINES = 60


def size_problems(path: str, source: str) -> list[str]:
    """A module over 400 lines, a function over 60: each named with its size."""
    problems = []
    lines = len(source.splitlines())
    if lines > MODULE_MAX_LINES:
        problems.append(f"{path}: {lines} lines (at most {MODULE_MAX_LINES})")
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > FUNCTION_MAX_LINES:
                problems.append(f"{path}:{node.lineno} {node.name}: {length} lines")
    return problems


def test_no_module_over_400_lines_and_no_function_over_60() -> None:
    found = [
        problem
        for folder in ("bot", "cogs", "teams")
        for path in modules(ROOT / folder)
        if "emulator" not in path.relative_to(ROOT).parts
        for problem in size_problems(shown(path), path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_the_core_and_its_catalogs_hold_no_platform_markup() -> None:
    """Mentions and timestamps are references the platforms write (their adapters); only
    the Discord emulator reads and writes Discord's markup (the playground prints through it)."""
    places = [
        path
        for path in [*modules(ROOT / "bot"), *(ROOT / "bot" / "i18n" / "locales").glob("*.toml")]
        if "emulator" not in path.relative_to(ROOT).parts
    ]
    found = [
        f"{shown(path)}:{number}: {line.strip()}"
        for path in places
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if any(mark in line for mark in PLATFORM_SYNTAX)
    ]
    assert found == []


def test_the_size_check_names_what_is_too_long() -> None:
    long_function = "def f():\n" + "    x = 1\n" * 61
    assert size_problems("bot/x.py", long_function) == ["bot/x.py:1 f: 62 lines"]
    assert size_problems("bot/y.py", "x = 1\n" * 401) == ["bot/y.py: 401 lines (at most 400)"]
